// What every CLI command gets: output streams, environment, and a way to set the exit code
// without calling process.exit (only cli/index.ts exits).
import type { Command } from 'commander';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (watch redraws in place; otherwise it appends lines). */
  readonly stdoutIsTty: boolean;
  /** Writes a terminal control sequence the CLI made itself (stdout and stderr escape them). */
  readonly control?: (sequence: string) => void;
}

export interface CliContext {
  readonly io: CliIo;
  /** Sets the code the process exits with once the command returns (default 0). */
  readonly setExitCode: (code: number) => void;
}

/** Adds one subcommand to the program. Failures are thrown (ExitError, ConfigError, ...). */
export type CommandRegistrar = (program: Command, ctx: CliContext) => void;
