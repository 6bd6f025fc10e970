// Turns a plan and the totals of its measured window into a RunRecord: per function offered and
// achieved rates against R_j (the run meets its rates only if every function achieved at least
// (1 - tolerance) R_j), the reason when one did not, per host energy (the PDU's when it covers the
// window, else the agent's source, always labelled) beside the model's prediction.
import type { Plan } from '../placement/plan.js';
import type { PlacementProblem } from '../placement/problem.js';
import type { DeployReadiness, FunctionResult, HostResult, PowerSample, RunRecord } from '../results/run-record.js';
import { worstQuality, type HostTotals } from './window-collector.js';
import { COMPLETED_BY_AGE_TICKS, msToS, sToMs } from '@isawatt/common';

/** A PDU's account of one host over the window (from the coordinator's PDU store). */
export interface PduWindow {
  readonly energyJ: number;
  readonly coveredMs: number;
  readonly outlet: string;
  /** Readings: ms since the Unix epoch, watts. */
  readonly points: readonly { timestampMs: number; powerW: number }[];
}

export interface RecordMeta {
  readonly id: string;
  readonly experimentId?: string | undefined;
  readonly startedAt: string;
  readonly mix?: string | undefined;
  readonly load?: number | undefined;
  readonly repeat?: number | undefined;
  readonly seed?: number | undefined;
  readonly durationS: number;
  readonly warmupS: number;
  readonly rateTolerance: number;
  readonly fromMs: number;
  readonly deploy?: DeployReadiness | undefined;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** A PDU figure replaces the agent's only when its readings cover this share of the window. */
export const PDU_MIN_COVERAGE = 0.9;

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Why a function missed its rate, from what the agents counted. */
export function missReason(f: {
  requestedRps: number;
  offeredRps: number;
  achievedRps: number;
  /** Arrivals not served: at a full queue, or expired in it (below). */
  drops: number;
  /** Of drops: arrivals that waited in the queue past the function's timeout without a worker (default 0). */
  expired?: number;
  errors: number;
  timeouts: number;
  /** Arrivals in the window (the agents' count, else the answers). */
  arrivals: number;
  /** Answers in the window per second (completed + errors + timeouts + drops); default offeredRps. */
  answeredRps?: number;
  /** Counted by arrival: the window's arrivals still unanswered when the count ended. */
  unanswered?: number;
  cores: number;
  hosts: number;
}): string {
  const answeredRps = f.answeredRps ?? f.offeredRps;
  const parts: string[] = [];
  if (f.hosts === 0) return 'no telemetry from its host during the window';
  if (answeredRps === 0)
    return `no invocation finished or was dropped in the window: every arrival was still queued or running on its ${f.cores} core${f.cores === 1 ? '' : 's'}`;
  const cores = `${f.cores} core${f.cores === 1 ? '' : 's'}`;
  // Two ways to drop an arrival, two causes to name: the queue bound was reached, or the arrival
  // waited in the queue longer than the function's timeout before a worker was free.
  const expired = Math.min(f.expired ?? 0, f.drops);
  const full = f.drops - expired;
  if (full > 0) parts.push(`${full} arrivals (${pct(full / f.arrivals)}) dropped at a full queue: ${cores} could not keep up`);
  if (expired > 0)
    parts.push(`${expired} arrivals (${pct(expired / f.arrivals)}) dropped after waiting in the queue past the function's timeout: ${cores} could not keep up`);
  if (f.errors > 0) parts.push(`${f.errors} invocations failed`);
  if (f.timeouts > 0) parts.push(`${f.timeouts} timed out`);
  // Counted by arrival, the offered load is known apart from the answers: a driver that did not
  // generate R_j (its host too busy to keep its timers) is not the function's cores falling behind.
  if (f.unanswered !== undefined && f.offeredRps < f.requestedRps * 0.98)
    parts.push(
      `only ${f.offeredRps.toFixed(2)} of ${f.requestedRps.toFixed(2)} req/s arrived: the load driver did not offer the rest (its host too busy, or the function not running all the window)`,
    );
  if (parts.length === 0 && f.unanswered !== undefined && f.unanswered > 0) {
    parts.push(
      `${f.unanswered} of the window's ${f.arrivals} arrivals were still queued or running when the count ended (up to ${COMPLETED_BY_AGE_TICKS - 1} ticks after the window): ${cores} fell behind`,
    );
  }
  // The agents' drivers submit every arrival at its due time, so arrivals missing from the window's
  // counts are still waiting in the queue (or in flight) when the window closes.
  if (parts.length === 0 && f.unanswered === undefined && answeredRps < f.requestedRps * 0.98) {
    parts.push(
      `only ${answeredRps.toFixed(2)} req/s were answered or dropped within the window: the rest were still queued (${f.cores} core${f.cores === 1 ? '' : 's'} fell behind) or the load driver did not offer them`,
    );
  }
  if (parts.length === 0)
    parts.push(
      `served ${f.achievedRps.toFixed(2)} of ${f.requestedRps.toFixed(2)} req/s: requests queued faster than ${f.cores} core${f.cores === 1 ? '' : 's'} served them`,
    );
  return parts.join('; ');
}

export function buildRecord(
  problem: PlacementProblem,
  plan: Plan,
  totals: ReadonlyMap<string, HostTotals>,
  pdu: ReadonlyMap<string, PduWindow>,
  meta: RecordMeta,
): RunRecord {
  const parkedAllowed = plan.policy === 'energy-aware-whole';
  const usedHosts = new Set(plan.assignments.map((a) => a.host));
  const hosts: HostResult[] = [];
  const series: PowerSample[] = [];
  for (const [i, h] of problem.hosts.entries()) {
    const t = totals.get(h.id);
    const windowS = msToS(t?.windowMs ?? sToMs(meta.durationS));
    const parked = parkedAllowed && !usedHosts.has(h.id);
    const fnPowerW = plan.assignments.filter((a) => a.host === h.id).reduce((s, a) => s + a.powerW, 0);
    const predicted = ((parked ? 0 : (problem.idlePowerW[i] ?? 0)) + fnPowerW) * windowS;
    const p = pdu.get(h.id);
    const usePdu = p !== undefined && t !== undefined && t.windowMs > 0 && p.coveredMs >= PDU_MIN_COVERAGE * t.windowMs;
    const agentJ = t?.energyJ ?? 0;
    hosts.push({
      id: h.id,
      type: h.type,
      // Scaled from the covered part to the whole window: the PDU's readings are seconds apart.
      energyJ: usePdu ? (p.energyJ * t.windowMs) / p.coveredMs : agentJ,
      energyQuality: usePdu ? 'measured' : (t?.quality ?? 'estimated'),
      energySource: usePdu ? `pdu:${p.outlet}` : `agent:${t?.source || 'none'}`,
      agentEnergyJ: usePdu ? agentJ : undefined,
      predictedEnergyJ: predicted,
      parked,
      coresUsed: plan.assignments.filter((a) => a.host === h.id).reduce((s, a) => s + a.cores, 0),
    });
    for (const s of t?.series ?? []) {
      const atMs = meta.fromMs + sToMs(s.tS);
      const near = p?.points.reduce<{ timestampMs: number; powerW: number } | undefined>(
        (best, q) => (!best || Math.abs(q.timestampMs - atMs) < Math.abs(best.timestampMs - atMs) ? q : best),
        undefined,
      );
      const pduPowerW = near && Math.abs(near.timestampMs - atMs) <= 2000 ? near.powerW : undefined;
      series.push({ tS: s.tS, hostId: h.id, powerW: s.powerW, pduPowerW });
    }
  }

  const functions: FunctionResult[] = problem.functions.map((f) => {
    const placed = plan.assignments.filter((a) => a.function === f.name);
    let completed = 0;
    let errors = 0;
    let timeouts = 0;
    let drops = 0;
    let expired = 0;
    let arrived = 0;
    let served = 0;
    let byArrival = true;
    let energyJ = 0;
    let w50 = 0;
    let w95 = 0;
    let w99 = 0;
    let windowS = 0;
    let hostsSeen = 0;
    for (const a of placed) {
      const t = totals.get(a.host);
      const ft = t?.functions.get(f.name);
      if (!t) continue;
      hostsSeen++;
      windowS = Math.max(windowS, msToS(t.windowMs));
      if (!ft) continue;
      completed += ft.completed;
      errors += ft.errors;
      timeouts += ft.timeouts;
      drops += ft.dropped;
      expired += ft.expired;
      arrived += ft.arrived;
      served += ft.servedOfArrivals;
      // Completions tell their arrival tick only from agents that break them down by age; a host
      // that completed something and did not (an older agent) puts the whole function back on
      // completions in the window.
      if (!ft.byArrival && ft.completed > 0) byArrival = false;
      energyJ += ft.dynamicEnergyJ;
      w50 += ft.p50Weighted;
      w95 += ft.p95Weighted;
      w99 += ft.p99Weighted;
    }
    // Offered: the requests that arrived in the window, as the agents counted them at submission.
    // Answers (completed + errors + timeouts + drops) also count arrivals queued before the window,
    // so a queue built during the warm-up and drained inside the window read as an offered rate
    // 7-9 % above R_j. Agents that predate the count report 0: answers are the fallback.
    // Achieved: the window's arrivals that completed, whenever they did (window-collector.ts), but
    // no more than the completions inside the window plus one per core: what a window's edge can
    // cut off is the work in flight, about a request per core, while a backlog that grows through
    // the window (a function short of capacity, its latency climbing) would otherwise be credited
    // by the completions after it. Agents without the breakdown: the completions inside the window
    // (which also count arrivals from before it).
    byArrival &&= arrived > 0;
    const cores = placed.reduce((s, a) => s + a.cores, 0);
    const achieved = byArrival ? Math.min(served, completed + cores) : completed;
    const answered = (byArrival ? served : completed) + errors + timeouts + drops;
    const arrivals = arrived > 0 ? arrived : answered;
    const unansweredField = byArrival ? { unanswered: Math.max(0, arrivals - answered) } : {};
    const offeredRps = windowS > 0 ? arrivals / windowS : 0;
    const achievedRps = windowS > 0 ? achieved / windowS : 0;
    const metRate = achievedRps >= (1 - meta.rateTolerance) * f.rateRps;
    return {
      name: f.name,
      placement: placed.map((a) => ({ hostId: a.host, cores: a.cores, rateRps: a.rateRps })),
      requestedRps: f.rateRps,
      offeredRps,
      achievedRps,
      achievedCounts: byArrival ? 'window-arrivals' : 'window-completions',
      ...unansweredField,
      metRate,
      reason: metRate
        ? undefined
        : missReason({
            requestedRps: f.rateRps,
            offeredRps,
            achievedRps,
            answeredRps: windowS > 0 ? answered / windowS : 0,
            drops,
            expired,
            errors: errors,
            timeouts,
            arrivals,
            ...unansweredField,
            cores,
            hosts: hostsSeen,
          }),
      latencyMs: completed > 0 ? { p50: w50 / completed, p95: w95 / completed, p99: w99 / completed } : undefined,
      errors: errors + timeouts,
      drops,
      energyJ: hostsSeen > 0 ? energyJ : undefined,
      predictedEnergyJ: placed.reduce((s, a) => s + a.powerW, 0) * (windowS || meta.durationS),
    };
  });

  const counted = hosts.filter((h) => !h.parked);
  return {
    id: meta.id,
    kind: 'measured',
    experimentId: meta.experimentId,
    startedAt: meta.startedAt,
    mix: meta.mix,
    policy: plan.policy,
    load: meta.load,
    repeat: meta.repeat,
    seed: meta.seed,
    durationS: meta.durationS,
    warmupS: meta.warmupS,
    rateTolerance: meta.rateTolerance,
    metRates: functions.every((f) => f.metRate),
    energyJ: counted.reduce((s, h) => s + h.energyJ, 0),
    energyQuality: worstQuality(counted.map((h) => h.energyQuality)),
    predictedEnergyJ: counted.reduce((s, h) => s + h.predictedEnergyJ, 0),
    hosts,
    functions,
    series,
    ...(meta.deploy !== undefined ? { deploy: meta.deploy } : {}),
    inputs: meta.inputs,
  };
}
