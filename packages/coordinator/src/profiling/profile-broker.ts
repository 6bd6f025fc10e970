// The coordinator's side of profiling: sends a ProfileJob to one host over its AgentLink stream and
// waits for the BagResult of the same job id. The job fails (UNAVAILABLE) when the host goes down
// before answering or the wait times out; a caller that goes away (cancelled Control call) cancels
// the job on the agent, so a Ctrl-C'd CLI leaves no bag running. Successful results are stored
// under their campaign for --resume.
import { ValidationError, type Logger, type wire } from '@isawatt/common';
import { HostNotAttachedError } from '../assignments/errors.js';
import type { HostRegistry } from '../registry/host-registry.js';
import type { HostView } from '../registry/types.js';
import { checkProfileId, type CampaignStore } from './campaign-store.js';

/** How the broker reaches agents (AgentLinkService). */
export interface ProfileChannel {
  sendProfileJob(hostId: string, job: wire.ProfileJob): boolean;
  sendProfileCancel(hostId: string, jobId: string): boolean;
  /** True while the host's AgentLink stream is open. */
  isAttached(hostId: string): boolean;
}

/** A profile job ended without a result: its host went away, or never answered in time. */
export class ProfileJobLostError extends Error {
  override readonly name = 'ProfileJobLostError';
}

/** A bag of a campaign that was cancelled (Ctrl-C) and not begun again since. */
export class CampaignCancelledError extends Error {
  override readonly name = 'CampaignCancelledError';
}

interface Pending {
  readonly hostId: string;
  readonly campaignId: string;
  readonly resolve: (r: wire.BagResult__Output) => void;
  readonly reject: (e: Error) => void;
  readonly settled: Promise<void>;
}

export interface BagOutcome {
  readonly hostId: string;
  readonly hostType: string;
  readonly result: wire.BagResult__Output;
}

/** Cancelled campaigns remembered (ProfileBroker.cancelledCampaigns). */
const MAX_CANCELLED_CAMPAIGNS = 1000;

/** Slack on top of a job's own phases before the coordinator gives up on its result. */
const RESULT_SLACK_MS = 60_000;

export class ProfileBroker {
  private readonly pending = new Map<string, Pending>();
  /**
   * Campaigns cancelled and not begun again since (beginCampaign). A CLI that is interrupted just as
   * it hands a host its next bag has that ProfileBag call in flight while its CancelProfile runs:
   * the call can arrive after the cancel listed the campaign's jobs, and its bag would then run to
   * the end with nobody waiting for it. Refusing the campaign's bags until it is begun again (a new
   * run or --resume) closes that gap.
   */
  private readonly cancelledCampaigns = new Set<string>();
  private readonly log: Logger;
  private channel: ProfileChannel | undefined;

  constructor(
    private readonly registry: HostRegistry,
    private readonly store: CampaignStore,
    log: Logger,
  ) {
    this.log = log.child({ component: 'profiler' });
    registry.on('host-down', (h: HostView, reason: string) => this.onHostDown(h.hostId, reason));
  }

  /** Set once the AgentLink service exists (it also delivers results to onBagResult). */
  attachChannel(channel: ProfileChannel): void {
    this.channel = channel;
  }

  /** Jobs waiting for a result. */
  runningJobs(): string[] {
    return [...this.pending.keys()];
  }

  async runBag(hostId: string, job: wire.ProfileJob__Output, timeoutMs: number, callSignal: AbortSignal): Promise<BagOutcome> {
    const jobId = checkProfileId(job.job_id, 'job.job_id');
    const campaignId = checkProfileId(job.campaign_id, 'job.campaign_id');
    if (this.cancelledCampaigns.has(campaignId))
      throw new CampaignCancelledError(`campaign ${campaignId} was cancelled; begin it again (isawatt profile ... --resume) to run its bags`);
    if (job.functions.length === 0) throw new ValidationError('job.functions', 'empty (a bag needs at least one function)');
    const host = this.registry.get(hostId);
    if (host.state !== 'up') throw new HostNotAttachedError(hostId);
    if (this.pending.has(jobId)) throw new ValidationError('job.job_id', `job ${jobId} is already running`);
    const busy = [...this.pending.entries()].find(([, p]) => p.hostId === hostId);
    if (busy) throw new ValidationError('host_id', `host "${hostId}" is already running profile job ${busy[0]}`);
    const wait = timeoutMs > 0 ? timeoutMs : job.idle_ms + job.warmup_ms + job.duration_ms + RESULT_SLACK_MS;

    let resolve!: (r: wire.BagResult__Output) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<wire.BagResult__Output>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(jobId, { hostId, campaignId, resolve, reject, settled });
    const timer = setTimeout(() => {
      this.channel?.sendProfileCancel(hostId, jobId);
      reject(new ProfileJobLostError(`host "${hostId}" sent no result for profile job ${jobId} within ${wait} ms (the job was cancelled on the agent)`));
    }, wait);
    const onCallGone = (): void => {
      this.log.warn({ hostId, jobId }, 'profile call cancelled by the client; cancelling the job on the agent');
      this.channel?.sendProfileCancel(hostId, jobId);
    };
    callSignal.addEventListener('abort', onCallGone, { once: true });
    try {
      if (!this.channel?.sendProfileJob(hostId, { ...job })) throw new HostNotAttachedError(hostId);
      this.log.info({ hostId, jobId, campaignId, functions: job.functions.length }, 'profile job sent');
      const r = await result;
      if (r.ok) await this.store.save(campaignId, { hostId, hostType: host.hello.hostType, storedAtMs: Date.now(), result: r });
      return { hostId, hostType: host.hello.hostType, result: r };
    } finally {
      clearTimeout(timer);
      callSignal.removeEventListener('abort', onCallGone);
      // A cancelled job keeps its entry until the agent confirms (see cancel()).
      if (!callSignal.aborted) this.pending.delete(jobId);
      else void settled.then(() => this.pending.delete(jobId));
    }
  }

  /** A BagResult from an agent. Results nobody waits for (late, or from another host) are logged. */
  onBagResult(hostId: string, r: wire.BagResult__Output): void {
    const p = this.pending.get(r.job_id);
    if (!p || p.hostId !== hostId) {
      this.log.debug({ hostId, jobId: r.job_id.slice(0, 128) }, 'bag result for no waiting job; dropped');
      return;
    }
    this.pending.delete(r.job_id);
    this.log.info({ hostId, jobId: r.job_id, ok: r.ok, cancelled: r.cancelled, error: r.error }, 'profile job result');
    p.resolve(r);
  }

  /** A campaign starts or resumes (BeginProfileCampaign): its bags are accepted again. */
  beginCampaign(campaignId: string): void {
    this.cancelledCampaigns.delete(campaignId);
  }

  /**
   * Cancels running jobs and waits (bounded) for the agents to confirm they stopped. Cancelling a
   * campaign also refuses its bags that arrive later, until it is begun again.
   */
  async cancel(campaignId: string, jobIds: readonly string[], timeoutMs: number): Promise<{ confirmed: string[]; unconfirmed: string[] }> {
    if (campaignId !== '') {
      this.cancelledCampaigns.delete(campaignId);
      this.cancelledCampaigns.add(campaignId);
      // Bounded: the oldest marks go first (a campaign cancelled a thousand cancels ago has no call in flight).
      for (const old of this.cancelledCampaigns) {
        if (this.cancelledCampaigns.size <= MAX_CANCELLED_CAMPAIGNS) break;
        this.cancelledCampaigns.delete(old);
      }
    }
    const wanted = new Set(jobIds);
    const targets = [...this.pending.entries()].filter(([id, p]) => wanted.has(id) || (campaignId !== '' && p.campaignId === campaignId));
    for (const [id, p] of targets) this.channel?.sendProfileCancel(p.hostId, id);
    const confirmed: string[] = [];
    await Promise.all(
      targets.map(async ([id, p]) => {
        const ok = await Promise.race([p.settled.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
        if (ok) confirmed.push(id);
      }),
    );
    const unconfirmed = targets.map(([id]) => id).filter((id) => !confirmed.includes(id));
    this.log.info({ campaignId, confirmed, unconfirmed }, 'profile jobs cancelled');
    return { confirmed, unconfirmed };
  }

  /**
   * A host that went silent while its stream stays open is busy (starting a bag's workers can hold
   * an agent's event loop for seconds): its jobs keep their own timeout. A host whose stream closed
   * has cancelled its job (the agent stops a bag when its link ends): the job fails now.
   */
  private onHostDown(hostId: string, reason: string): void {
    if (this.channel?.isAttached(hostId) === true) {
      const jobs = [...this.pending.entries()].filter(([, p]) => p.hostId === hostId).map(([id]) => id);
      if (jobs.length > 0) this.log.warn({ hostId, reason, jobs }, 'host silent during profile jobs but still attached; waiting for their results');
      return;
    }
    for (const [id, p] of this.pending) {
      if (p.hostId !== hostId) continue;
      this.pending.delete(id);
      p.reject(new ProfileJobLostError(`host "${hostId}" went down during profile job ${id} (${reason})`));
    }
  }
}
