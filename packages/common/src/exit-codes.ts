// Exit codes shared by `isawatt` and `isawatt-agent` (documented in docs/cli.md).
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
