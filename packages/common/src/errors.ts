// One error class per way of failing. Each says when it is thrown. Messages are lowercase and name
// the thing that failed; context is added as errors climb (`rapl: init: ...`).

/** A config file, environment variable or flag failed validation. `issues` lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly issues: readonly string[],
    readonly source = 'config',
  ) {
    super(`invalid ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/** Input from outside (a file, a request, a report) is malformed. `what` names it. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly what: string,
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(`${what}: ${message}${issues.length ? '\n' + issues.map((i) => `  - ${i}`).join('\n') : ''}`);
  }
}

/** A hardware sensor could not be used (missing, unreadable, garbage). The agent keeps running. */
export class SensorUnavailableError extends Error {
  override readonly name = 'SensorUnavailableError';
  constructor(
    readonly sensor: string,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${sensor}: ${message} (${path})`, options);
  }
}

/** Something asked for does not exist (host, function, assignment). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`unknown ${kind} "${id}"`);
  }
}

/** A remote peer (coordinator, agent, broker) could not be reached. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  constructor(
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${target}: ${message}`, options);
  }
}

/** The CLI should exit with this code after printing the message (no stack). */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A bug: an invariant that should hold did not. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

/** Narrows an unknown thrown value to an Error. */
export function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err));
}

/** Message of an unknown thrown value, for one-line reports. */
export function errorMessage(err: unknown): string {
  return asError(err).message;
}
