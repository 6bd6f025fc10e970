// Turns one simulated cell (plan + engine result) into the shared RunRecord (kind 'simulated'),
// the same shape `isawatt run`/`experiment` write, so reports and comparisons treat both alike.
import type { FunctionResult, HostResult, PowerSample, RunRecord } from '../results/run-record.js';
import type { Plan } from '../placement/plan.js';
import { baseName } from './replicas.js';
import type { EngineFunction, EngineHost, EngineResult } from './engine.js';

export interface RecordContext {
  readonly id: string;
  readonly experimentId: string;
  readonly startedAt: string;
  readonly mix?: string | undefined;
  readonly policy: string;
  readonly load?: number | undefined;
  readonly seed: number;
  readonly durationS: number;
  readonly rateTolerance: number;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** What the record needs about each placed function beyond the engine's view. */
export interface PlacedDetail {
  readonly hostId: string;
  readonly hostType: string;
  readonly cores: number;
  /** The model's figures (what the planner believed). */
  readonly modelExecPerSecPerCore: number;
  readonly modelEnergyPerExecJ: number;
  /** The plan's predicted dynamic power of this placement, W (its W·R, on whichever figures the planner used). */
  readonly plannedPowerW: number;
  /** Interference speed factor (1 = none). */
  readonly interference: number;
  readonly speedFactor: number;
  /** Utilisation the true cost was taken at, when the models carry open-loop figures (truth.ts). */
  readonly utilisation?: number | undefined;
}

export interface HostDetail {
  readonly type: string;
  readonly cores: number;
  readonly parked: boolean;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * A function meets its rate when it can sustain it and lost nothing: its true capacity is at least
 * (1 - tolerance) x R_j, and it dropped at most tolerance of the requests offered to it. Counting
 * completions in the window instead would call a function at 94 % utilisation short whenever the
 * queue that Poisson arrivals build at that utilisation is still waiting at the end of a short
 * window; how often a function fell behind second by second is reported apart (secondsBehind).
 */
export function rateMet(capacityRps: number, rateRps: number, offered: number, drops: number, tolerance: number): boolean {
  return capacityRps >= (1 - tolerance) * rateRps - 1e-9 && drops <= tolerance * offered + 1e-9;
}

export function toRunRecord(
  ctx: RecordContext,
  plan: Plan,
  hosts: readonly EngineHost[],
  hostDetails: readonly HostDetail[],
  fns: readonly EngineFunction[],
  details: readonly PlacedDetail[],
  r: EngineResult,
): RunRecord {
  const D = ctx.durationS;
  const perReplica: FunctionResult[] = fns.map((f, j) => {
    const fr = r.functions[j];
    const d = details[j];
    if (!fr || !d) throw new Error(`simulation: no result for function ${f.name}`);
    const metRate = rateMet(f.capacityRps, f.rateRps, fr.offered, fr.drops, ctx.rateTolerance);
    const offeredRps = fr.offered / D;
    const achievedRps = fr.achieved / D;
    return {
      name: f.name,
      placement: [{ hostId: d.hostId, cores: d.cores, rateRps: f.rateRps }],
      requestedRps: f.rateRps,
      offeredRps: round3(offeredRps),
      achievedRps: round3(achievedRps),
      metRate,
      reason: metRate
        ? undefined
        : `served ${achievedRps.toFixed(2)} of ${offeredRps.toFixed(2)} req/s offered (${Math.round(fr.drops)} dropped): true capacity ${f.capacityRps.toFixed(2)} req/s on ${d.cores} cores of ${d.hostId} ` +
          `(${(f.capacityRps / d.cores).toFixed(2)}/s per core${d.utilisation !== undefined ? ` at utilisation ${d.utilisation.toFixed(2)}, open-loop cost` : ''}${d.interference < 1 ? `, interference ×${d.interference.toFixed(3)}` : ''}); the models say ${d.modelExecPerSecPerCore}/s per core saturated`,
      errors: 0,
      drops: Math.round(fr.drops),
      energyJ: fr.energyJ,
      predictedEnergyJ: d.plannedPowerW * D,
    };
  });
  const functions = mergeReplicas(perReplica);
  const predictedDynW = new Float64Array(hosts.length);
  const coresUsed = new Float64Array(hosts.length);
  fns.forEach((f, j) => {
    const d = details[j] as PlacedDetail;
    predictedDynW[f.host] = (predictedDynW[f.host] ?? 0) + d.plannedPowerW;
    coresUsed[f.host] = (coresUsed[f.host] ?? 0) + d.cores;
  });
  const hostResults: HostResult[] = hosts.map((h, i) => ({
    id: h.id,
    type: hostDetails[i]?.type ?? 'unknown',
    energyJ: r.hosts[i]?.energyJ ?? 0,
    energyQuality: 'simulated',
    energySource: 'simulation',
    predictedEnergyJ: h.on ? (h.idlePowerW + (predictedDynW[i] ?? 0)) * D : 0,
    parked: !h.on,
    coresUsed: coresUsed[i] ?? 0,
  }));
  let series: PowerSample[] | undefined;
  if (r.series) {
    series = [];
    r.series.forEach((row, t) => row.forEach((p, i) => series?.push({ tS: t, hostId: hosts[i]?.id ?? String(i), powerW: p })));
  }
  return {
    id: ctx.id,
    kind: 'simulated',
    experimentId: ctx.experimentId,
    startedAt: ctx.startedAt,
    mix: ctx.mix,
    policy: ctx.policy,
    load: ctx.load,
    seed: ctx.seed,
    durationS: D,
    warmupS: 0,
    rateTolerance: ctx.rateTolerance,
    metRates: functions.every((f) => f.metRate),
    energyJ: r.energyJ,
    energyQuality: 'simulated',
    predictedEnergyJ: hostResults.reduce((s, h) => s + h.predictedEnergyJ, 0),
    hosts: hostResults,
    functions,
    series,
    inputs: {
      ...ctx.inputs,
      planner: {
        solver: plan.solver,
        status: plan.status,
        objective: plan.objective,
        objectiveUnit: plan.objectiveUnit,
        gapPct: plan.gapPct,
        solveTimeMs: plan.solveTimeMs,
      },
      simulation: {
        peakPowerW: r.peakPowerW,
        secondsAllKeptUp: r.secondsAllKeptUp,
        // Per function (only those that ever fell behind): seconds that ended with more backlog than one second of service.
        secondsBehind: Object.fromEntries(fns.flatMap((f, j) => ((r.functions[j]?.secondsBehind ?? 0) > 0 ? [[f.name, r.functions[j]?.secondsBehind]] : []))),
      },
    },
  };
}

/** One FunctionResult per function: replicas ("name#k", replicas.ts) summed, placements listed. */
function mergeReplicas(rs: readonly FunctionResult[]): FunctionResult[] {
  const by = new Map<string, FunctionResult[]>();
  for (const r of rs) {
    const b = baseName(r.name);
    const list = by.get(b);
    if (list) list.push(r);
    else by.set(b, [r]);
  }
  const out: FunctionResult[] = [];
  for (const [name, list] of by) {
    if (list.length === 1 && list[0]?.name === name) {
      out.push(list[0]);
      continue;
    }
    const sum = (pick: (r: FunctionResult) => number): number => list.reduce((a, r) => a + pick(r), 0);
    const missed = list.filter((r) => !r.metRate);
    out.push({
      name,
      placement: list.flatMap((r) => r.placement),
      requestedRps: round3(sum((r) => r.requestedRps)),
      offeredRps: round3(sum((r) => r.offeredRps)),
      achievedRps: round3(sum((r) => r.achievedRps)),
      metRate: missed.length === 0,
      reason: missed.length ? `${missed.length} of ${list.length} replicas short: ${missed.map((r) => `${r.name}: ${r.reason ?? ''}`).join('; ')}` : undefined,
      errors: 0,
      drops: sum((r) => r.drops),
      energyJ: sum((r) => r.energyJ ?? 0),
      predictedEnergyJ: sum((r) => r.predictedEnergyJ),
    });
  }
  return out;
}
