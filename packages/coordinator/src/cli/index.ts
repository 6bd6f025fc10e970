// `isawatt`: the coordinator daemon and the cluster CLI. Each subcommand lives in commands/ and
// registers itself through COMMANDS (one line each), loaded only when it runs. This file
// holds the CLI's only catch, which maps errors to the exit codes of EXIT with exitCodeOf, as
// `isawatt-agent` does (docs/cli.md): 0 ok, 1 failure, 2 bad input, 3 coordinator unreachable,
// 4 not found.
import { EXIT, InternalError, errorMessage, exitCodeOf, isExpectedError } from '@isawatt/common';
import { Command, CommanderError, Help } from 'commander';
import { isatty } from 'node:tty';
import { COORDINATOR_VERSION } from '../version.js';
import type { CliContext, CommandRegistrar } from './context.js';
import { stdoutWriter } from './stdout-writer.js';
import { terminalSafe } from './terminal-text.js';

export type { CliContext, CommandRegistrar } from './context.js';

/**
 * One subcommand: its name, how the root help lists it, and its module, imported only when the
 * command runs (or its own help is asked for). Commands pull in gRPC, MiniZinc, MQTT, the
 * coordinator's server...; `isawatt --help` and `isawatt plan --hosts F` need none of that, and
 * loading it all cost ~0.5 s of every invocation (bench/plan-cli.ts). `term` and `summary` repeat
 * what the registrar declares; cli/index.test.ts checks that they agree.
 */
export interface CommandEntry {
  readonly name: string;
  readonly term: string;
  readonly summary: string;
  readonly load: () => Promise<CommandRegistrar>;
}

/** Subcommands, in help order. To add one: write commands/<verb>.ts exporting a registrar, list it here. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'coordinator',
    term: 'coordinator [options]',
    summary: 'run the coordinator daemon (AgentLink for agents, Control for this CLI)',
    load: async () => (await import('./commands/coordinator.js')).registerCoordinator,
  },
  {
    name: 'certs',
    term: 'certs [options]',
    summary: 'make a lab PKI with openssl: a CA, the coordinator and agent endpoint certificates, agent, operator and gateway client certificates',
    load: async () => (await import('./commands/certs.js')).registerCerts,
  },
  {
    name: 'hosts',
    term: 'hosts [options]',
    summary: 'list registered hosts: state, arch, sockets, cores, power (measured/estimated/emulated), PDU power',
    load: async () => (await import('./commands/hosts.js')).registerHosts,
  },
  {
    name: 'host',
    term: 'host [options] <id>',
    summary: 'show one host in detail (exit 4 when the id is unknown)',
    load: async () => (await import('./commands/host.js')).registerHost,
  },
  {
    name: 'watch',
    term: 'watch [options]',
    summary: 'live telemetry: per-host power, CPU utilisation and per-function energy (refreshing table on a terminal)',
    load: async () => (await import('./commands/watch.js')).registerWatch,
  },
  {
    name: 'assign',
    term: 'assign [options] <host> [specs...]',
    summary: "replace a host's assignment: FUNCTION=CORES[@RATE] per function (RATE in requests/s; 0 cores removes a function)",
    load: async () => (await import('./commands/assign.js')).registerAssign,
  },
  {
    name: 'health',
    term: 'health [options]',
    summary: 'check the coordinator (exit 0 serving, 3 unreachable)',
    load: async () => (await import('./commands/health.js')).registerHealth,
  },
  {
    name: 'plan',
    term: 'plan [options]',
    summary: 'plan where each function runs and on how many cores (tables, or --json)',
    load: async () => (await import('./commands/plan.js')).registerPlan,
  },
  {
    name: 'deploy',
    term: 'deploy [options]',
    summary: 'plan over the live hosts and roll the assignments out to their agents (start before stop)',
    load: async () => (await import('./commands/deploy.js')).registerDeploy,
  },
  {
    name: 'replan',
    term: 'replan [options]',
    summary: 're-plan a new workload from the live placement with few moves; show the diff; --apply rolls it out (start before stop)',
    load: async () => (await import('./commands/replan.js')).registerReplan,
  },
  {
    name: 'profile',
    term: 'profile [options]',
    summary: 'profile functions in co-located bags on every host type and write the models file plan/deploy read',
    load: async () => (await import('./commands/profile.js')).registerProfile,
  },
  {
    name: 'calibrate',
    term: 'calibrate [options]',
    summary: "validate a host's power attribution: stress its function CPUs from 0 % to 100 % and compare measured with attributed + idle power",
    load: async () => (await import('./commands/calibrate.js')).registerCalibrate,
  },
  { name: 'models', term: 'models', summary: 'inspect models files', load: async () => (await import('./commands/models.js')).registerModels },
  {
    name: 'simulate',
    term: 'simulate [options]',
    summary: 'simulate mixes x policies x loads on a cluster of any size: real planner, simulated truth (tables, --json, --report)',
    load: async () => (await import('./commands/simulate.js')).registerSimulate,
  },
  {
    name: 'run',
    term: 'run [options]',
    summary: 'plan, deploy and drive a workload at its rates for a while, then measure rates and energy (a run record)',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'experiment',
    term: 'experiment [options]',
    summary: "the paper's experiment: mixes x policies x repeats on the live hosts, energy per cell and saving vs round-robin",
    load: async () => (await import('./commands/experiment.js')).registerExperiment,
  },
  {
    name: 'runs',
    term: 'runs [options]',
    summary: 'list the stored run records, or show one (runs show ID)',
    load: async () => (await import('./commands/runs.js')).registerRuns,
  },
  {
    name: 'events',
    term: 'events [options]',
    summary: "the coordinator's auto-replan decisions (triggered, planned, applied, skipped), from <state-dir>/events.jsonl",
    load: async () => (await import('./commands/events.js')).registerEvents,
  },
  {
    name: 'report',
    term: 'report [options] <ids...>',
    summary: 'write one self-contained HTML report (charts, tables, CSV) of runs and experiments',
    load: async () => (await import('./commands/report.js')).registerReport,
  },
];

/** The subcommand argv asks for (`isawatt [opts] NAME ...` or `isawatt help NAME`), if any. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' ? args[1] : args[0];
}

/** Columns help text is wrapped at, whatever the terminal's width. */
const HELP_WIDTH = 80;

/**
 * Builds the program with every command when `load` is '*' (tests), else with only the command
 * named `load` loaded and the others as help-only stubs (same name, term and summary in the root help).
 */
export async function buildProgram(ctx: CliContext, load: string | undefined = '*'): Promise<Command> {
  const program = new Command('isawatt')
    .description('isawatt: energy-aware placement of serverless functions on x86 + ARM clusters (coordinator daemon and cluster CLI)')
    .version(COORDINATOR_VERSION)
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 failure, 2 bad input (flags, config, invalid request),\n3 coordinator unreachable, 4 not found, 130 interrupted.',
  );
  const stubs = new Map<Command, string>();
  for (const entry of COMMANDS) {
    if (load === '*' || load === entry.name) (await entry.load())(program, ctx);
    else stubs.set(program.command(entry.name).description(entry.summary), entry.term);
  }
  const defaultHelp = new Help();
  // Help is wrapped at a fixed width, not the terminal's: the same text on a terminal and in a pipe,
  // so the sh launcher (bin/isawatt) can print the text the build saved on both.
  program.configureHelp({ helpWidth: HELP_WIDTH, subcommandTerm: (cmd) => stubs.get(cmd) ?? defaultHelp.subcommandTerm(cmd) });
  // Subcommands (and theirs, e.g. `runs show`) inherit exitOverride, output and help width.
  const configure = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
      sub.configureHelp({ ...sub.configureHelp(), helpWidth: HELP_WIDTH });
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Parses argv (node-style: node, script, args...) and runs; resolves with the exit code. */
export async function runCli(argv: readonly string[], rawIo: CliContext['io']): Promise<number> {
  let code: number = EXIT.OK;
  // Text from the wire reaches the terminal only with its control characters made visible.
  const io: CliContext['io'] = {
    env: rawIo.env,
    // Read when a command asks (watch, run, experiment), not here: finding out costs a module load.
    get stdoutIsTty() {
      return rawIo.stdoutIsTty;
    },
    stdout: (t) => rawIo.stdout(terminalSafe(t)),
    stderr: (t) => rawIo.stderr(terminalSafe(t)),
    control: rawIo.control ?? rawIo.stdout,
  };
  const ctx: CliContext = { io, setExitCode: (c) => (code = c) };
  try {
    await (await buildProgram(ctx, requestedCommand(argv) ?? '')).parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help/version text).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.BAD_INPUT;
    }
    const line = (msg: string): void => io.stderr(`isawatt: ${msg}\n`);
    if (isExpectedError(err)) {
      line(err.message);
      return exitCodeOf(err);
    }
    if (err instanceof InternalError) {
      line(`internal error (please report): ${err.message}`);
      return EXIT.FAILURE;
    }
    line(`unexpected error: ${errorMessage(err)}`);
    if (err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT.FAILURE;
  }
}

/**
 * Standard output through fs.writeSync (stdout-writer.ts: process.stdout's stream costs 4-7 ms to
 * build, bench/plan-cli.ts). A reader that stops early (`isawatt --help | head -3`) closes the
 * pipe: stop quietly, as other command-line tools do, instead of dying on EPIPE with a stack trace.
 */
const stdout = stdoutWriter(
  1,
  () => process.stdout,
  () => process.exit(EXIT.OK),
);

const processIo: CliContext['io'] = {
  stdout: stdout.write,
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  // tty is loaded (with net) only when a command asks; isatty does not build process.stdout.
  get stdoutIsTty() {
    return isatty(1);
  },
};

/** Entry point of the `isawatt` binary: runs and exits with the code. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const code = await runCli(argv, processIo);
  // Let stdout drain (when a write met a full non-blocking pipe, stdout-writer.ts) before exiting.
  await stdout.flush();
  process.exit(code);
}
