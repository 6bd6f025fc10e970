// Setting what hosts run. SetAssignment: validate against the host's Hello (catalogue, function
// CPUs), issue a new version, push it over the agent's stream and wait for the ack. Deploy: do
// that for several hosts at once; if any host refuses or does not answer in time, every host goes
// back to the assignment it had before (under a new version, since versions never go back).
import { ValidationError, type Logger } from '@isawatt/common';
import type { HostRegistry } from '../registry/host-registry.js';
import type { Assignment, AssignmentAck, FunctionAssignment, HostView } from '../registry/types.js';
import { HostNotAttachedError } from './errors.js';

export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

export interface HostAssignmentRequest {
  hostId: string;
  functions: readonly FunctionAssignment[];
}

export interface DeployOutcome {
  ok: boolean;
  error: string;
  acks: { hostId: string; ack: AssignmentAck }[];
  rolledBack: boolean;
}

const ARRIVALS = new Set(['', 'constant', 'poisson']);

/** Checks a host's requested functions; throws ValidationError listing every problem. */
export function validateAssignment(host: HostView, functions: readonly FunctionAssignment[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  const catalogue = new Map(host.hello.catalogue.map((f) => [f.name, f]));
  let cores = 0;
  for (const f of functions) {
    if (f.function === '') problems.push('function: name is empty');
    else if (seen.has(f.function)) problems.push(`${f.function}: listed twice`);
    seen.add(f.function);
    const entry = catalogue.get(f.function);
    if (f.function !== '' && !entry) problems.push(`${f.function}: not in the catalogue of host "${host.hostId}"`);
    else if (entry && !entry.runnable && f.cores > 0) problems.push(`${f.function}: not runnable on "${host.hostId}" (${entry.unavailableReason})`);
    if (!Number.isInteger(f.cores) || f.cores < 0) problems.push(`${f.function}: cores must be a whole number >= 0, got ${f.cores}`);
    if (!Number.isFinite(f.rateRps) || f.rateRps < 0) problems.push(`${f.function}: rate must be a finite number of requests/s >= 0, got ${f.rateRps}`);
    if (!ARRIVALS.has(f.arrival)) problems.push(`${f.function}: arrival must be "constant" or "poisson", got "${f.arrival}"`);
    cores += f.cores;
  }
  const capacity = host.hello.functionCpus.length;
  if (cores > capacity) problems.push(`host "${host.hostId}" has ${capacity} function CPUs; the assignment asks for ${cores}`);
  if (problems.length > 0) throw new ValidationError(`assignment for host "${host.hostId}"`, 'invalid', problems);
}

function failedAck(version: bigint, errorCode: string, error: string): AssignmentAck {
  return { version, ok: false, error, errorCode, placements: [] };
}

export class AssignmentService {
  private readonly log: Logger;

  constructor(
    private readonly registry: HostRegistry,
    log: Logger,
  ) {
    this.log = log.child({ component: 'assignments' });
  }

  /** Sets one host's assignment and waits for the agent's ack (a failed ack is returned, not thrown). */
  async set(req: HostAssignmentRequest, ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS): Promise<AssignmentAck> {
    const host = this.registry.get(req.hostId);
    validateAssignment(host, req.functions);
    if (host.state !== 'up') throw new HostNotAttachedError(req.hostId);
    const issued = await this.registry.issue(req.hostId, req.functions, ackTimeoutMs);
    const ack = await this.awaitAck(req.hostId, issued.assignment, issued.ack, ackTimeoutMs);
    // A refusal leaves the agent on its previous assignment; after a timeout it may have applied
    // the new one late, so the previous one is pushed again (not awaited: the agent is slow).
    if (!ack.ok) await this.restore(req.hostId, issued.previous, ack.errorCode === 'timeout' ? 'push' : 'record');
    return ack;
  }

  /** Sets several hosts at once; on any failure every host is rolled back. */
  async deploy(reqs: readonly HostAssignmentRequest[], ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS, label = ''): Promise<DeployOutcome> {
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const r of reqs) {
      if (ids.has(r.hostId)) problems.push(`host "${r.hostId}" listed twice`);
      ids.add(r.hostId);
    }
    if (reqs.length === 0) problems.push('no hosts given');
    if (problems.length > 0) throw new ValidationError('deploy request', 'invalid', problems);
    for (const r of reqs) validateAssignment(this.registry.get(r.hostId), r.functions);
    const down = reqs.filter((r) => this.registry.get(r.hostId).state !== 'up').map((r) => r.hostId);
    if (down.length > 0) throw new HostNotAttachedError(down.join('", "'));

    this.log.info({ hosts: reqs.length, label }, 'deploying');
    const issued = await Promise.all(reqs.map(async (r) => ({ hostId: r.hostId, ...(await this.registry.issue(r.hostId, r.functions, ackTimeoutMs)) })));
    const acks = await Promise.all(issued.map(async (i) => ({ hostId: i.hostId, ack: await this.awaitAck(i.hostId, i.assignment, i.ack, ackTimeoutMs) })));
    const failed = acks.filter((a) => !a.ack.ok);
    if (failed.length === 0) {
      this.log.info({ hosts: reqs.length, label }, 'deployment applied');
      return { ok: true, error: '', acks, rolledBack: false };
    }
    const error = failed.map((f) => `${f.hostId}: ${f.ack.error}`).join('; ');
    this.log.warn({ label, error }, 'deployment failed; rolling every host back');
    await Promise.all(
      issued.map(async (i) => {
        const ack = acks.find((a) => a.hostId === i.hostId)?.ack;
        // A host that refused still runs its previous assignment; one that applied the new one is
        // told to go back and awaited; one that never answered is told without waiting.
        const mode = ack?.ok === true ? 'push-and-wait' : ack?.errorCode === 'timeout' ? 'push' : 'record';
        await this.restore(i.hostId, i.previous, mode, ackTimeoutMs);
      }),
    );
    return { ok: false, error, acks, rolledBack: true };
  }

  private async awaitAck(hostId: string, assignment: Assignment, pending: Promise<AssignmentAck | undefined>, timeoutMs: number): Promise<AssignmentAck> {
    const ack = await pending;
    if (ack === undefined) {
      const error = `no ack from host "${hostId}" for assignment version ${assignment.version} within ${timeoutMs} ms`;
      this.registry.reportFailure(hostId, assignment, error, 'timeout');
      return failedAck(assignment.version, 'timeout', error);
    }
    if (!ack.ok) this.registry.reportFailure(hostId, assignment, ack.error, ack.errorCode);
    return ack;
  }

  /**
   * Makes `previous` the host's assignment again. 'record': the agent never left it, only the
   * registry changes. 'push': re-issue the old functions under a new version without waiting.
   * 'push-and-wait': re-issue and wait for the ack (logged when it does not come).
   */
  private async restore(
    hostId: string,
    previous: Assignment | undefined,
    mode: 'record' | 'push' | 'push-and-wait',
    ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS,
  ): Promise<void> {
    if (mode === 'record') {
      await this.registry.restoreDesired(hostId, previous);
      return;
    }
    const { assignment, ack: pending } = await this.registry.issue(hostId, previous?.functions ?? [], mode === 'push-and-wait' ? ackTimeoutMs : undefined);
    if (mode === 'push') return;
    const ack = await pending;
    if (!ack?.ok) {
      this.log.error({ hostId, version: assignment.version.toString(), error: ack?.error ?? 'timeout' }, 'rollback not acknowledged');
    }
  }
}
