// The one place where coordinator errors become gRPC statuses. Handlers call
// `toStatus(err)` and pass the result to the callback or `call.destroy`. Messages stay one line
// (the CLI prints them as is); the first line of a multi-line ValidationError is kept with the
// issues joined by "; ".
import * as grpc from '@grpc/grpc-js';
import { ConfigError, NotFoundError, UnavailableError, ValidationError, asError } from '@isawatt/common';
import { HostNotAttachedError } from '../assignments/errors.js';
import { AttachConflictError, CounterBoundError } from '../registry/host-registry.js';
import { CampaignCancelledError, ProfileJobLostError } from '../profiling/profile-broker.js';

/** Raised by handlers for requests that break the Control API contract (missing field, ...). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/** An agent presented a client certificate whose CN differs from the host id it claims. */
export class PermissionError extends Error {
  override readonly name = 'PermissionError';
}

export type StatusObject = Partial<grpc.StatusObject> & { code: grpc.status; details: string };

export function toStatus(err: unknown): StatusObject {
  const e = asError(err);
  if (e instanceof ValidationError) {
    const first = e.message.split('\n')[0] ?? e.message;
    const details = e.issues.length > 0 ? `${first} ${e.issues.join('; ')}` : first;
    return { code: grpc.status.INVALID_ARGUMENT, details };
  }
  if (e instanceof InvalidRequestError || e instanceof ConfigError) {
    return { code: grpc.status.INVALID_ARGUMENT, details: e instanceof ConfigError ? e.issues.join('; ') : e.message };
  }
  if (e instanceof NotFoundError) return { code: grpc.status.NOT_FOUND, details: e.message };
  if (e instanceof HostNotAttachedError) return { code: grpc.status.FAILED_PRECONDITION, details: e.message };
  if (e instanceof PermissionError) return { code: grpc.status.PERMISSION_DENIED, details: e.message };
  if (e instanceof AttachConflictError) return { code: grpc.status.ALREADY_EXISTS, details: e.message };
  if (e instanceof CounterBoundError) return { code: grpc.status.OUT_OF_RANGE, details: e.message };
  if (e instanceof ProfileJobLostError || e instanceof CampaignCancelledError) return { code: grpc.status.ABORTED, details: e.message };
  if (e instanceof UnavailableError) return { code: grpc.status.UNAVAILABLE, details: e.message };
  return { code: grpc.status.INTERNAL, details: `internal error: ${e.message}` };
}
