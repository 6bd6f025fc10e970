// Runs a profiling campaign: every bag on one host of each host type, host types in parallel (and
// several hosts of one type share its bags). A bag whose host drops, or that an agent fails, goes
// back into the queue and is retried (up to maxAttempts); a host that is down is waited for. Every
// successful result is stored by the coordinator, so a campaign interrupted (Ctrl-C, crash) is
// continued with resume = true: only the missing (bag, host type) pairs run again.
import { createHash } from 'node:crypto';
import { delay, type wire } from '@isawatt/common';
import type { Arch } from '../workload/types.js';
import type { BagSample, IdleSample, OpenLoopSample, QualityName } from './aggregate.js';

export interface CampaignHost {
  readonly hostId: string;
  readonly hostType: string;
  readonly arch: Arch;
  readonly functionCpus: number;
}

export interface CampaignHostType {
  readonly hostType: string;
  readonly arch: Arch;
  readonly hosts: readonly CampaignHost[];
  /** CPUs per function on this type (every host of the type gets the same, the smallest fit). */
  readonly coresPerFunction: number;
}

export interface CampaignPlan {
  readonly campaignId: string;
  readonly bags: readonly (readonly string[])[];
  readonly hostTypes: readonly CampaignHostType[];
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Idle interval measured once per host (before its first bag). */
  readonly idleMs: number;
  /**
   * Open-loop phases after each bag's saturated window, ascending: the shares of the saturated
   * capacity each function is then driven at, one phase each (empty or undefined: none). Each
   * phase takes another warm-up and window.
   */
  readonly openLoopUtilisations?: readonly number[] | undefined;
}

/** Phases of one bag: the saturated one and one per open-loop utilisation. */
export function bagPhases(plan: Pick<CampaignPlan, 'openLoopUtilisations'>): number {
  return 1 + (plan.openLoopUtilisations?.length ?? 0);
}

/** What the campaign needs from the coordinator (the Control client, or a fake in tests). */
export interface ProfileApi {
  begin(campaignId: string, resume: boolean): Promise<readonly wire.StoredBagResult__Output[]>;
  runBag(hostId: string, job: wire.ProfileJob, timeoutMs: number, signal: AbortSignal): Promise<{ hostType: string; result: wire.BagResult__Output }>;
  hostUp(hostId: string): Promise<boolean>;
  cancel(campaignId: string, timeoutMs: number): Promise<{ confirmed: readonly string[]; unconfirmed: readonly string[] }>;
}

export interface DoneBag {
  readonly bag: number;
  readonly hostId: string;
  readonly hostType: string;
  readonly result: wire.BagResult__Output;
}

export interface CampaignProgress {
  readonly total: number;
  readonly done: number;
  readonly resumed: number;
  readonly retries: number;
  readonly failed: number;
  readonly running: readonly string[];
  readonly lastEvent: string;
}

export interface CampaignOutcome {
  readonly done: readonly DoneBag[];
  readonly resumed: number;
  readonly retries: number;
  /** (bag, host type) pairs that failed every attempt, with the last error. */
  readonly failed: readonly { bag: number; hostType: string; error: string }[];
  readonly interrupted: boolean;
  readonly cancel?: { confirmed: readonly string[]; unconfirmed: readonly string[] } | undefined;
}

export interface RunCampaignOptions {
  readonly resume: boolean;
  readonly signal: AbortSignal;
  readonly maxAttempts?: number;
  /** How long a worker waits for its host to come back (default 60 s). */
  readonly hostWaitMs?: number;
  readonly pollMs?: number;
  /** Wait before asking a busy host again (default 5 s). */
  readonly busyWaitMs?: number;
  readonly onProgress?: (p: CampaignProgress) => void;
}

/** Campaign id: a digest of everything that defines the campaign (same inputs, same id). */
export function campaignIdOf(parts: unknown): string {
  return `c${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12)}`;
}

export function jobIdOf(campaignId: string, bag: number, hostType: string, attempt: number): string {
  return `${campaignId}:b${bag}:${hostType}:a${attempt}`;
}

const JOB_ID = /^(.+):b(\d+):([A-Za-z0-9._-]+):a(\d+)$/;
/** The agent's answer while it still runs (or stops) another job (profiling/profile-executor.ts). */
const BUSY = /^host is busy with profile job /;
const BUSY_WAIT_MS = 5000;
/** 5 s x 60: an agent stopping a bag of many workers on a loaded machine gets five minutes. */
const MAX_BUSY_WAITS = 60;

export function parseJobId(jobId: string): { campaignId: string; bag: number; hostType: string } | undefined {
  const m = JOB_ID.exec(jobId);
  return m ? { campaignId: m[1] as string, bag: Number(m[2]), hostType: m[3] as string } : undefined;
}

/**
 * Per-bag timeout: the phases plus worker start-up and slack. Workers start one function after the
 * other, a few hundred ms of CPU each (a JVM or a Python with numpy more), on a host that may be
 * busy: 3 s per worker is generous and still bounds a wedged agent.
 */
export function bagTimeoutMs(plan: Pick<CampaignPlan, 'durationMs' | 'warmupMs' | 'idleMs' | 'openLoopUtilisations'>, workers: number): number {
  return plan.idleMs + bagPhases(plan) * (plan.warmupMs + plan.durationMs) + 60_000 + 3000 * workers;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runCampaign(plan: CampaignPlan, api: ProfileApi, opts: RunCampaignOptions): Promise<CampaignOutcome> {
  const maxAttempts = opts.maxAttempts ?? 3;
  const hostWaitMs = opts.hostWaitMs ?? 60_000;
  const pollMs = opts.pollMs ?? 1000;
  const stored = await api.begin(plan.campaignId, opts.resume);
  const done = new Map<string, DoneBag>();
  const idleDone = new Set<string>();
  for (const s of stored) {
    const id = s.result ? parseJobId(s.result.job_id) : undefined;
    if (!s.result?.ok || !id || id.campaignId !== plan.campaignId || id.bag >= plan.bags.length) continue;
    done.set(`${id.bag}/${s.host_type}`, { bag: id.bag, hostId: s.host_id, hostType: s.host_type, result: s.result });
    if (s.result.idle_duration_ms > 0) idleDone.add(s.host_id);
  }
  const resumed = done.size;
  const total = plan.bags.length * plan.hostTypes.length;
  let retries = 0;
  const failed: { bag: number; hostType: string; error: string }[] = [];
  const running = new Map<string, string>();
  let lastEvent = resumed > 0 ? `resumed: ${resumed} of ${total} bag runs already stored` : 'started';
  const progress = (): void =>
    opts.onProgress?.({ total, done: done.size, resumed, retries, failed: failed.length, running: [...running.values()], lastEvent });
  progress();
  // Ctrl-C: ask the coordinator to cancel the campaign's running jobs first (it waits until the
  // agents confirm workers and cgroups are gone, and the pending calls then return "cancelled");
  // only then are the calls themselves dropped.
  const callAbort = new AbortController();
  let cancelling: Promise<CampaignOutcome['cancel']> | undefined;
  const onAbort = (): void => {
    cancelling = api
      .cancel(plan.campaignId, 15_000)
      .catch(() => undefined)
      .finally(() => callAbort.abort());
  };
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });

  const runType = async (t: CampaignHostType): Promise<void> => {
    const queue = plan.bags.map((_, i) => ({ bag: i, attempts: 0, busyWaits: 0 })).filter((q) => !done.has(`${q.bag}/${t.hostType}`));
    let lastError = '';
    const worker = async (host: CampaignHost): Promise<void> => {
      while (queue.length > 0 && !opts.signal.aborted) {
        const task = queue.shift();
        if (task === undefined) break;
        const functions = plan.bags[task.bag] ?? [];
        const idleMs = idleDone.has(host.hostId) ? 0 : plan.idleMs;
        const jobId = jobIdOf(plan.campaignId, task.bag, t.hostType, task.attempts + 1);
        const job: wire.ProfileJob = {
          job_id: jobId,
          campaign_id: plan.campaignId,
          functions: [...functions],
          cores_per_function: t.coresPerFunction,
          duration_ms: plan.durationMs,
          warmup_ms: plan.warmupMs,
          idle_ms: idleMs,
          saturate: true,
          // The highest utilisation also as the single value: an agent that predates the list
          // then still measures the point plans are sized on.
          open_loop_utilisation: plan.openLoopUtilisations?.at(-1) ?? 0,
          open_loop_utilisations: [...(plan.openLoopUtilisations ?? [])],
        };
        running.set(jobId, `bag ${task.bag + 1} on ${host.hostId}`);
        progress();
        let hostProblem = false;
        try {
          const r = await api.runBag(host.hostId, job, bagTimeoutMs({ ...plan, idleMs }, functions.length * t.coresPerFunction), callAbort.signal);
          if (r.result.ok) {
            done.set(`${task.bag}/${t.hostType}`, { bag: task.bag, hostId: host.hostId, hostType: t.hostType, result: r.result });
            if (r.result.idle_duration_ms > 0) idleDone.add(host.hostId);
            lastEvent = `bag ${task.bag + 1} done on ${host.hostId}`;
            continue;
          }
          if (r.result.cancelled && opts.signal.aborted) break;
          lastError = `${host.hostId}: ${r.result.error}`;
          if (BUSY.test(r.result.error) && task.busyWaits < MAX_BUSY_WAITS) {
            // The host still stops an earlier (cancelled or timed-out) job: not this bag's fault.
            task.busyWaits++;
            queue.unshift(task);
            lastEvent = `${host.hostId} still busy with an earlier job; bag ${task.bag + 1} waits`;
            progress();
            await delay(opts.busyWaitMs ?? BUSY_WAIT_MS, opts.signal);
            continue;
          }
        } catch (err) {
          if (opts.signal.aborted) break;
          lastError = `${host.hostId}: ${message(err)}`;
          hostProblem = true;
        } finally {
          running.delete(jobId);
        }
        task.attempts++;
        if (task.attempts < maxAttempts) {
          retries++;
          queue.push(task);
          lastEvent = `bag ${task.bag + 1} failed on ${host.hostId} (${lastError}); retrying`;
        } else {
          failed.push({ bag: task.bag, hostType: t.hostType, error: lastError });
          lastEvent = `bag ${task.bag + 1} failed ${maxAttempts} times on ${t.hostType}: ${lastError}`;
        }
        progress();
        // Give a cancelled or timed-out job time to stop on the agent before the next one arrives.
        await delay(pollMs, opts.signal);
        if (hostProblem) {
          // Wait for the host to come back before it takes another bag; give up on it after hostWaitMs.
          const until = Date.now() + hostWaitMs;
          let up = false;
          while (!opts.signal.aborted && Date.now() < until) {
            await delay(pollMs, opts.signal);
            up = await api.hostUp(host.hostId).catch(() => false);
            if (up) break;
          }
          if (!up) {
            lastEvent = `${host.hostId} did not come back within ${hostWaitMs} ms; it takes no more bags`;
            progress();
            return;
          }
        }
      }
    };
    await Promise.all(t.hosts.map((h) => worker(h)));
    if (!opts.signal.aborted) {
      for (const q of queue.splice(0))
        failed.push({ bag: q.bag, hostType: t.hostType, error: `no host of type ${t.hostType} left to run it (${lastError || 'all hosts gave up'})` });
    }
  };

  await Promise.all(plan.hostTypes.map((t) => runType(t)));
  progress();
  opts.signal.removeEventListener('abort', onAbort);
  const cancel = cancelling ? await cancelling : undefined;
  return {
    done: [...done.values()].sort((a, b) => a.bag - b.bag || a.hostType.localeCompare(b.hostType)),
    resumed,
    retries,
    failed: failed.sort((a, b) => a.bag - b.bag || a.hostType.localeCompare(b.hostType)),
    interrupted: opts.signal.aborted,
    cancel,
  };
}

const QUALITY: Record<string, QualityName> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

export function qualityName(q: string): QualityName {
  return QUALITY[q] ?? 'estimated';
}

function openLoopSample(o: wire.OpenLoopProfile__Output): OpenLoopSample {
  return {
    utilisation: o.utilisation,
    execPerSecPerCore: o.exec_per_sec_per_core,
    energyPerExecJ: o.energy_per_exec_j,
    completed: Number(o.completed),
    offeredRps: o.offered_rps,
    achievedRps: o.achieved_rps,
    busyFraction: o.busy_fraction,
  };
}

/** The campaign's results as aggregation samples. */
export function samplesOf(done: readonly DoneBag[]): { samples: BagSample[]; idle: IdleSample[] } {
  const samples: BagSample[] = [];
  const idle: IdleSample[] = [];
  for (const d of done) {
    for (const f of d.result.functions) {
      samples.push({
        bag: d.bag,
        hostId: d.hostId,
        hostType: d.hostType,
        function: f.function,
        execPerSecPerCore: f.exec_per_sec_per_core,
        energyPerExecJ: f.energy_per_exec_j,
        completed: Number(f.completed),
        quality: qualityName(f.quality),
        ...(f.open_loop ? { openLoop: openLoopSample(f.open_loop) } : {}),
        // Results stored before points were kept (a --resume) have no list.
        ...((f.open_loop_points ?? []).length > 1 ? { openLoopPoints: f.open_loop_points.map(openLoopSample) } : {}),
      });
    }
    if (d.result.idle_duration_ms > 0)
      idle.push({ hostId: d.hostId, hostType: d.hostType, idlePowerW: d.result.idle_power_w, quality: qualityName(d.result.host_quality) });
  }
  return { samples, idle };
}
