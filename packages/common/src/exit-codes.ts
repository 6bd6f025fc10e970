// Exit codes shared by `isawatt` and `isawatt-agent` (documented in docs/cli.md).
import { ConfigError, ExitError, NotFoundError, SensorUnavailableError, UnavailableError, ValidationError } from './errors.js';

export const EXIT = {
  /** Success. */
  OK: 0,
  /** The command ran and failed (a run, a deployment, an internal error). */
  FAILURE: 1,
  /** Bad input: usage, flags, config, workload/model/host files, a request the server rejected as invalid. */
  BAD_INPUT: 2,
  /** A peer could not be reached (coordinator down, wrong address, TLS handshake refused). */
  UNAVAILABLE: 3,
  /** The thing named does not exist (host id, function). */
  NOT_FOUND: 4,
  /** Interrupted by a signal before finishing. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code for an error that reached a CLI's one catch, the same for `isawatt` and
 * `isawatt-agent`: an ExitError's own code, 2 for bad input (ConfigError, ValidationError), 3 for an
 * unreachable peer (UnavailableError), 4 for something unknown (NotFoundError), 1 for the rest.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof ExitError) return err.exitCode;
  if (err instanceof ConfigError || err instanceof ValidationError) return EXIT.BAD_INPUT;
  if (err instanceof UnavailableError) return EXIT.UNAVAILABLE;
  if (err instanceof NotFoundError) return EXIT.NOT_FOUND;
  return EXIT.FAILURE;
}

/**
 * True for the failures a CLI reports as one line (its message says it all); false for bugs and
 * unexpected errors, which are reported with their stack.
 */
export function isExpectedError(err: unknown): err is Error {
  return (
    err instanceof ExitError ||
    err instanceof ConfigError ||
    err instanceof ValidationError ||
    err instanceof UnavailableError ||
    err instanceof NotFoundError ||
    err instanceof SensorUnavailableError
  );
}
