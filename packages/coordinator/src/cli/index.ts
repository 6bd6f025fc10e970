// `isawatt`: the coordinator daemon and the cluster CLI. Each subcommand lives in commands/ and
// registers itself through COMMANDS (one line each; H7 adds plan and deploy there). This file
// holds the CLI's only catch, which maps errors to the exit codes of EXIT (docs/cli.md):
// 0 ok, 1 failure, 2 bad input, 3 coordinator unreachable, 4 not found.
import { ConfigError, EXIT, ExitError, InternalError, NotFoundError, UnavailableError, ValidationError, errorMessage } from '@isawatt/common';
import { Command, CommanderError } from 'commander';
import { COORDINATOR_VERSION } from '../version.js';
import type { CliContext, CommandRegistrar } from './context.js';
import { registerAssign } from './commands/assign.js';
import { registerCoordinator } from './commands/coordinator.js';
import { registerHealth } from './commands/health.js';
import { registerHost } from './commands/host.js';
import { registerHosts } from './commands/hosts.js';
import { registerWatch } from './commands/watch.js';
import { registerPlan } from './commands/plan.js';
import { registerDeploy } from './commands/deploy.js';
import { registerSimulate } from './commands/simulate.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerExperiment } from './commands/experiment.js';
import { registerReport } from './commands/report.js';
import { registerProfile } from './commands/profile.js';
import { registerModels } from './commands/models.js';
import { registerCalibrate } from './commands/calibrate.js';

export type { CliContext, CommandRegistrar } from './context.js';

/** Subcommands, in help order. To add one: write commands/<verb>.ts exporting a registrar, list it here. */
const COMMANDS: readonly CommandRegistrar[] = [registerCoordinator, registerHosts, registerHost, registerWatch, registerAssign, registerHealth, registerPlan, registerDeploy, registerRun, registerExperiment, registerRuns, registerReport, registerProfile, registerCalibrate, registerModels, registerSimulate];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('isawatt')
    .description('isawatt: energy-aware placement of serverless functions on x86 + ARM clusters (coordinator daemon and cluster CLI)')
    .version(COORDINATOR_VERSION)
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 failure, 2 bad input (flags, config, invalid request), 3 coordinator unreachable, 4 not found, 130 interrupted.',
  );
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands (and theirs, e.g. `runs show`) inherit exitOverride and output settings.
  const configure = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Parses argv (node-style: node, script, args...) and runs; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliContext['io']): Promise<number> {
  let code: number = EXIT.OK;
  const ctx: CliContext = { io, setExitCode: (c) => (code = c) };
  try {
    await buildProgram(ctx).parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help/version text).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.BAD_INPUT;
    }
    const line = (msg: string): void => io.stderr(`isawatt: ${msg}\n`);
    if (err instanceof ExitError) {
      line(err.message);
      return err.exitCode;
    }
    if (err instanceof ConfigError || err instanceof ValidationError) {
      line(err.message);
      return EXIT.BAD_INPUT;
    }
    if (err instanceof NotFoundError) {
      line(err.message);
      return EXIT.NOT_FOUND;
    }
    if (err instanceof UnavailableError) {
      line(err.message);
      return EXIT.UNAVAILABLE;
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

const processIo: CliContext['io'] = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  stdoutIsTty: process.stdout.isTTY,
};

/** Entry point of the `isawatt` binary: runs and exits with the code. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const code = await runCli(argv, processIo);
  // Let stdout drain (piped output) before exiting.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
