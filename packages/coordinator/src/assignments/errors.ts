// Failures of assignment requests that are neither bad input nor a missing host.

/** The host is known but has no attached agent, so nothing can be pushed to it. */
export class HostNotAttachedError extends Error {
  override readonly name = 'HostNotAttachedError';
  constructor(readonly hostId: string) {
    super(`host "${hostId}" is down (no agent attached); assignment not sent`);
  }
}
