// `isawatt-agent`: the root command runs the daemon; subcommands (probe, run, ...) register
// themselves through SUBCOMMANDS. This file holds the CLI's only catch, which maps errors to exit
// codes: bad config or flags 2, the rest 1 (see EXIT in @isawatt/common).
import { ConfigError, EXIT, ExitError, InternalError, SensorUnavailableError, ValidationError } from '@isawatt/common';
import { Command, CommanderError } from 'commander';
import { hostname } from 'node:os';
import { loadAgentConfig, type LoadedAgentConfig } from '../config.js';
import { addDaemonOptions, flagsToConfig, type DaemonFlags } from './daemon-options.js';
import { registerEmulation } from './emulation-command.js';
import { registerProbe } from './probe-command.js';
import { registerRun } from './run-command.js';

/** What commands need from main.ts, which alone builds concrete objects. Extend additively. */
export interface CliDeps {
  /** Runs the daemon with a loaded config; resolves with the exit code. */
  readonly daemon: (loaded: LoadedAgentConfig) => Promise<number>;
  /** Agent version (package.json). */
  readonly version: string;
}

/**
 * Adds one subcommand to the program. A command that fails throws (ConfigError, ExitError, ...);
 * a command that finishes sets `process.exitCode` or returns normally (exit 0).
 */
export type CommandRegistrar = (program: Command, deps: CliDeps) => void;

/** Subcommands, one line each: `registerProbe,` from './probe-command.js', `registerRun,` from './run-command.js'. */
const SUBCOMMANDS: readonly CommandRegistrar[] = [registerProbe, registerRun, registerEmulation];

export interface CliIo {
  readonly stderr: (text: string) => void;
  readonly stdout: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  stderr: (t) => process.stderr.write(t),
  stdout: (t) => process.stdout.write(t),
  env: process.env,
};

/** Builds the commander program; `setCode` receives the daemon's exit code. */
export function buildProgram(deps: CliDeps, io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('isawatt-agent')
    .description('isawatt agent: detects the host, measures and attributes energy, runs assigned functions, streams telemetry to the coordinator')
    .version(deps.version)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  addDaemonOptions(program).action(async (flags: DaemonFlags) => {
    const loaded = loadAgentConfig({ file: flags.config, env: io.env, flags: flagsToConfig(flags), hostname: hostname() });
    setCode(await deps.daemon(loaded));
  });
  for (const register of SUBCOMMANDS) register(program, deps);
  return program;
}

/** Parses argv (node-style, program path first) and runs; resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps, io: CliIo = defaultIo): Promise<number> {
  let code: number = EXIT.OK;
  try {
    await buildProgram(deps, io, (c) => (code = c)).parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the message already.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.BAD_INPUT;
    }
    if (err instanceof ConfigError || err instanceof ValidationError) {
      io.stderr(`isawatt-agent: ${err.message}\n`);
      return EXIT.BAD_INPUT;
    }
    if (err instanceof ExitError) {
      io.stderr(`isawatt-agent: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof SensorUnavailableError) {
      io.stderr(`isawatt-agent: ${err.message}\n`);
      return EXIT.FAILURE;
    }
    const e = err instanceof Error ? err : new InternalError(String(err));
    io.stderr(`isawatt-agent: internal error (please report): ${e.stack ?? e.message}\n`);
    return EXIT.FAILURE;
  }
}
