// From bag results to models: per (host type, function) the per-bag figures, their median (the
// model's figure), min, max and coefficient of variation; per host the idle power measured with no
// function running; per figure the weakest quality label of the bags that produced it.
import type { FigureSpread, FunctionSpread, OpenLoopFigures } from '../workload/types.js';

import type { Quality as QualityName } from '@isawatt/common';

export type { QualityName };

/** One function's figures from one bag on one host. */
export interface BagSample {
  readonly bag: number;
  readonly hostId: string;
  readonly hostType: string;
  readonly function: string;
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
  readonly completed: number;
  readonly quality: QualityName;
  /** The bag's open-loop phase, when it had one (with several, the highest utilisation's). */
  readonly openLoop?: OpenLoopSample | undefined;
  /** Every open-loop phase of the bag, ascending utilisation, when it had several. */
  readonly openLoopPoints?: readonly OpenLoopSample[] | undefined;
}

/** One function's figures from the open-loop phase of one bag. */
export interface OpenLoopSample {
  readonly utilisation: number;
  /** Executions per busy core-second. */
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
  readonly completed: number;
  readonly offeredRps: number;
  readonly achievedRps: number;
  readonly busyFraction: number;
}

export interface IdleSample {
  readonly hostId: string;
  readonly hostType: string;
  readonly idlePowerW: number;
  readonly quality: QualityName;
}

export interface AggregatedFunction {
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
  readonly spread: FunctionSpread;
  readonly quality: QualityName;
  /**
   * Medians over the bags' open-loop phases, when they had one with usable figures; with several
   * utilisations, the highest one's.
   */
  readonly openLoop?: OpenLoopFigures | undefined;
  /** Every utilisation's figures, ascending (the last is `openLoop`), when more than one was measured. */
  readonly openLoopPoints?: readonly OpenLoopFigures[] | undefined;
  /** How the open-loop phase went (medians over the same bags): did the cores keep up, how busy. */
  readonly openLoopCheck?: OpenLoopCheck | undefined;
  /** The same for every utilisation, ascending, when more than one was measured. */
  readonly openLoopChecks?: readonly (OpenLoopCheck & { readonly utilisation: number })[] | undefined;
}

export interface OpenLoopCheck {
  readonly offeredRps: number;
  readonly achievedRps: number;
  /** Share of the function's cores busy in the open-loop window. */
  readonly busyFraction: number;
}

export interface AggregatedHostType {
  readonly functions: Record<string, AggregatedFunction>;
  /** Median idle power over the hosts of the type, W (undefined when none was measured). */
  readonly idlePowerW: number | undefined;
  readonly idlePowerByHostW: Record<string, number>;
}

const RANK: Record<QualityName, number> = { measured: 0, modelled: 1, estimated: 2, emulated: 3 };

export function weakest(qs: readonly QualityName[]): QualityName {
  return qs.reduce<QualityName>((a, b) => (RANK[b] > RANK[a] ? b : a), 'measured');
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Sample standard deviation / mean; 0 for fewer than two values or a zero mean. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / Math.abs(mean);
}

/** Rounded to 6 significant digits: the files stay readable and the figures do not pretend. */
export function sig(x: number, digits = 6): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

export function spreadOf(values: readonly number[]): FigureSpread {
  return {
    median: sig(median(values)),
    min: sig(Math.min(...values)),
    max: sig(Math.max(...values)),
    cv: sig(coefficientOfVariation(values), 4),
    perBag: values.map((v) => sig(v)),
  };
}

/** A sample that says something: completions, and positive figures. */
export function usable(s: BagSample): boolean {
  return s.completed > 0 && s.execPerSecPerCore > 0 && s.energyPerExecJ > 0 && Number.isFinite(s.energyPerExecJ);
}

/**
 * Why a function has no figure on a host type: what its bags there gave (e.g. "2 bags: no
 * attributed dynamic energy in 2"), or that no bag there ran it.
 */
export function whyNoFigure(samples: readonly BagSample[], hostType: string, fn: string): string {
  const rows = samples.filter((s) => s.hostType === hostType && s.function === fn);
  if (rows.length === 0) return 'no bag result names it';
  const n = (pred: (s: BagSample) => boolean): number => rows.filter(pred).length;
  const reasons = [
    [n((s) => s.completed <= 0), 'no completed execution'],
    [n((s) => s.completed > 0 && !(s.execPerSecPerCore > 0)), 'no executions/s'],
    [n((s) => s.completed > 0 && s.execPerSecPerCore > 0 && !(s.energyPerExecJ > 0 && Number.isFinite(s.energyPerExecJ))), 'no attributed dynamic energy'],
  ] as const;
  return `${rows.length} bag${rows.length === 1 ? '' : 's'}: ${reasons
    .filter(([k]) => k > 0)
    .map(([k, why]) => `${why} in ${k}`)
    .join(', ')}`;
}

/** An open-loop sample that says something: completions and positive, finite figures. */
function usableOpenLoop(o: OpenLoopSample | undefined): o is OpenLoopSample {
  return o !== undefined && o.completed > 0 && o.execPerSecPerCore > 0 && o.energyPerExecJ > 0 && Number.isFinite(o.energyPerExecJ) && o.utilisation > 0;
}

/** A sample's open-loop points: every phase's, else its one phase's, else none. */
function pointsOf(s: BagSample): readonly OpenLoopSample[] {
  if (s.openLoopPoints !== undefined && s.openLoopPoints.length > 0) return s.openLoopPoints;
  return s.openLoop ? [s.openLoop] : [];
}

/** The utilisations the samples' open-loop phases ran at, ascending (the campaign's list). */
export function openLoopUtilisationsOf(samples: readonly BagSample[]): number[] {
  return [...new Set(samples.flatMap((s) => pointsOf(s).map((o) => o.utilisation)))].sort((a, b) => a - b);
}

/** The sample with its open-loop point at utilisation `u` as its only one (none if it has none there). */
function atUtilisation(s: BagSample, u: number): BagSample {
  return { ...s, openLoop: pointsOf(s).find((o) => o.utilisation === u), openLoopPoints: undefined };
}

/**
 * The open-loop figures of one (host type, function): medians over the bags whose open-loop phase
 * gave usable figures (the utilisation is the campaign's, the same in every bag).
 */
export function openLoopOf(rows: readonly BagSample[]): OpenLoopFigures | undefined {
  const ol = rows.map((r) => r.openLoop).filter(usableOpenLoop);
  if (ol.length === 0) return undefined;
  return {
    utilisation: sig(median(ol.map((o) => o.utilisation)), 4),
    execPerSecPerCore: sig(median(ol.map((o) => o.execPerSecPerCore))),
    energyPerExecJ: sig(median(ol.map((o) => o.energyPerExecJ))),
    samples: ol.length,
  };
}

/** Fewest bags a function must have run in on every host type for its figures to be bag-paired. */
export const MIN_PAIRED_BAGS = 2;

/** The median of positive values taken in log space: the median for an odd count, else the geometric mean of the middle two. */
export function logMedian(values: readonly number[]): number {
  return Math.exp(median(values.map((v) => Math.log(v))));
}

/**
 * Bag-paired figures of one function (docs/profiling.md, "Aggregation"): a bag runs on one host of
 * every type at the same time, on the same machine-wide conditions, with the same co-runners, so
 * whatever moves a bag's figures on every host type alike (on the emulated pair, the real CPU cost
 * of an execution, which rises with this machine's load for both emulated hosts at once) cancels
 * in the bag's ratios between host types. Per bag run on every type: its level (geometric mean of
 * the types' values) and each type's value relative to it; per type, the figure is the log-median
 * of its relative values times the log-median of the levels. With two types, the models' ratio is
 * the log-median of the per-bag ratios, and each type's figure its value at the median bag's level.
 * Undefined (plain per-type medians apply) with one host type or fewer than MIN_PAIRED_BAGS such
 * bags.
 */
export function pairedFigures(rows: readonly { bag: number; hostType: string; value: number }[]): Map<string, number> | undefined {
  const types = [...new Set(rows.map((r) => r.hostType))].sort();
  if (types.length < 2) return undefined;
  const byBag = new Map<number, Map<string, number[]>>();
  for (const r of rows) {
    if (!(r.value > 0 && Number.isFinite(r.value))) continue;
    const m = byBag.get(r.bag) ?? new Map<string, number[]>();
    m.set(r.hostType, [...(m.get(r.hostType) ?? []), r.value]);
    byBag.set(r.bag, m);
  }
  const levels: number[] = [];
  const relative = new Map<string, number[]>(types.map((t) => [t, []]));
  for (const m of byBag.values()) {
    if (!types.every((t) => m.has(t))) continue;
    // A bag retried on a second host of a type: the geometric mean of its runs there.
    const logs = new Map(types.map((t) => [t, mean((m.get(t) ?? []).map((v) => Math.log(v)))]));
    const level = mean([...logs.values()]);
    levels.push(Math.exp(level));
    for (const t of types) relative.get(t)?.push(Math.exp((logs.get(t) ?? 0) - level));
  }
  if (levels.length < MIN_PAIRED_BAGS) return undefined;
  const lv = logMedian(levels);
  return new Map(types.map((t) => [t, sig(logMedian(relative.get(t) ?? []) * lv)]));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Per function and host type, the bag-paired figures (pairedFigures) of each figure. */
function pairedAll(
  samples: readonly BagSample[],
): Map<string, { perf?: Map<string, number>; energy?: Map<string, number>; olPerf?: Map<string, number>; olEnergy?: Map<string, number> }> {
  const out = new Map<string, { perf?: Map<string, number>; energy?: Map<string, number>; olPerf?: Map<string, number>; olEnergy?: Map<string, number> }>();
  const ok = samples.filter(usable);
  for (const fn of new Set(ok.map((s) => s.function))) {
    const rows = ok.filter((s) => s.function === fn);
    const ol = rows.filter((r) => usableOpenLoop(r.openLoop));
    const perf = pairedFigures(rows.map((r) => ({ bag: r.bag, hostType: r.hostType, value: r.execPerSecPerCore })));
    const energy = pairedFigures(rows.map((r) => ({ bag: r.bag, hostType: r.hostType, value: r.energyPerExecJ })));
    const olPerf = pairedFigures(ol.map((r) => ({ bag: r.bag, hostType: r.hostType, value: r.openLoop?.execPerSecPerCore ?? 0 })));
    const olEnergy = pairedFigures(ol.map((r) => ({ bag: r.bag, hostType: r.hostType, value: r.openLoop?.energyPerExecJ ?? 0 })));
    out.set(fn, { ...(perf ? { perf } : {}), ...(energy ? { energy } : {}), ...(olPerf ? { olPerf } : {}), ...(olEnergy ? { olEnergy } : {}) });
  }
  return out;
}

/**
 * Aggregates samples per host type. Samples without completions carry no energy per execution and
 * are left out (a function that completed nothing in a bag says nothing about its cost). A figure
 * is bag-paired (pairedFigures) where the function ran in MIN_PAIRED_BAGS bags on every host type,
 * else the median over the type's bags; `spread` always describes the type's own per-bag values.
 */
export function aggregate(samples: readonly BagSample[], idle: readonly IdleSample[]): Record<string, AggregatedHostType> {
  const out: Record<string, AggregatedHostType> = {};
  const types = [...new Set([...samples.map((s) => s.hostType), ...idle.map((i) => i.hostType)])].sort();
  const paired = pairedAll(samples);
  // Each open-loop utilisation is aggregated on its own, as if it were the campaign's only one.
  const utilisations = openLoopUtilisationsOf(samples);
  const pairedAt = new Map(utilisations.map((u) => [u, pairedAll(samples.map((s) => atUtilisation(s, u)))]));
  for (const type of types) {
    const functions: Record<string, AggregatedFunction> = {};
    const ofType = samples.filter((s) => s.hostType === type && usable(s));
    for (const fn of [...new Set(ofType.map((s) => s.function))].sort()) {
      const rows = ofType.filter((s) => s.function === fn).sort((a, b) => a.bag - b.bag || a.hostId.localeCompare(b.hostId));
      const perf = spreadOf(rows.map((r) => r.execPerSecPerCore));
      const energy = spreadOf(rows.map((r) => r.energyPerExecJ));
      const p = paired.get(fn);
      const points: OpenLoopFigures[] = [];
      const checks: (OpenLoopCheck & { utilisation: number })[] = [];
      for (const u of utilisations) {
        const at = rows.map((r) => atUtilisation(r, u));
        const pu = pairedAt.get(u)?.get(fn);
        const plainOl = openLoopOf(at);
        const olPerf = pu?.olPerf?.get(type);
        const olEnergy = pu?.olEnergy?.get(type);
        const ol = plainOl && olPerf !== undefined && olEnergy !== undefined ? { ...plainOl, execPerSecPerCore: olPerf, energyPerExecJ: olEnergy } : plainOl;
        if (ol) points.push(ol);
        const olRows = at.map((r) => r.openLoop).filter(usableOpenLoop);
        if (olRows.length > 0)
          checks.push({
            utilisation: u,
            offeredRps: sig(median(olRows.map((o) => o.offeredRps)), 4),
            achievedRps: sig(median(olRows.map((o) => o.achievedRps)), 4),
            busyFraction: sig(median(olRows.map((o) => o.busyFraction)), 3),
          });
      }
      const ol = points.at(-1);
      const lastCheck = checks.at(-1);
      functions[fn] = {
        execPerSecPerCore: p?.perf?.get(type) ?? perf.median,
        energyPerExecJ: p?.energy?.get(type) ?? energy.median,
        spread: { bags: rows.length, execPerSecPerCore: perf, energyPerExecJ: energy },
        quality: weakest(rows.map((r) => r.quality)),
        ...(ol ? { openLoop: ol } : {}),
        ...(points.length > 1 ? { openLoopPoints: points } : {}),
        ...(lastCheck ? { openLoopCheck: { offeredRps: lastCheck.offeredRps, achievedRps: lastCheck.achievedRps, busyFraction: lastCheck.busyFraction } } : {}),
        ...(checks.length > 1 ? { openLoopChecks: checks } : {}),
      };
    }
    const idleOfType = idle.filter((i) => i.hostType === type && i.idlePowerW > 0);
    const idlePowerByHostW: Record<string, number> = {};
    for (const host of [...new Set(idleOfType.map((i) => i.hostId))].sort()) {
      idlePowerByHostW[host] = sig(median(idleOfType.filter((i) => i.hostId === host).map((i) => i.idlePowerW)), 5);
    }
    const perHost = Object.values(idlePowerByHostW);
    out[type] = { functions, idlePowerW: perHost.length > 0 ? sig(median(perHost), 5) : undefined, idlePowerByHostW };
  }
  return out;
}
