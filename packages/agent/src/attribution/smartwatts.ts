// SmartWatts-style attribution (Fieni et al., CCGRID 2020; powerapi-ng/smartwatts-formula): per
// socket and per frequency layer, a non-negative linear model from per-cgroup counter rates to the
// socket's measured power. Differences from SmartWatts, on purpose:
//  - NNLS (Lawson-Hanson) instead of ElasticNet(positive=True) — see nnls.ts.
//  - Conservation against MEASURED energy. SmartWatts' targets add up to the model's estimate; here
//    the static part is the model intercept × Δt clipped to [0, measured], and the rest of the
//    measured socket energy is split by each function's predicted dynamic power (largest remainder
//    in integer µJ), so Σ dynamic + idle === measured host energy every tick.
//  - Until every socket's current layer has a model (10 samples by default), the whole tick falls
//    back to the CPU-time share and says so in `method`/`detail`; learning continues meanwhile.
import type { ActivitySample } from '../counters/activity-source.js';
import { weakerQuality, energyUjOf, msToS, powerW, ujToJ } from '@isawatt/common';
import type { AttributionInput, AttributionResult, Attributor, FunctionAttribution } from './attributor.js';
import { conserveSplit } from './conserve.js';
import { attributeByCpuTime, type CpuTimeShareOptions } from './cputime-share.js';
import { splitLargestRemainder } from './largest-remainder.js';
import { PowerModel, type PowerModelOptions } from './power-model.js';

export interface SmartWattsOptions extends PowerModelOptions, CpuTimeShareOptions {
  /** Width of a frequency layer, MHz (SmartWatts cpu-base-clock: 100). */
  readonly layerStepMhz: number;
}

export const SMARTWATTS_DEFAULTS: SmartWattsOptions = {
  minSamples: 10,
  historySize: 60,
  errorWindowSize: 60,
  errorThresholdW: 2,
  errorStatistic: 'median',
  tdpW: 400,
  layerStepMhz: 100,
};

/** Layer of a frequency: the highest multiple of the step <= f; -1 when the frequency is unknown. */
export function frequencyLayerMhz(frequencyMhz: number | undefined, stepMhz: number): number {
  if (frequencyMhz === undefined || !Number.isFinite(frequencyMhz) || frequencyMhz <= 0) return -1;
  return Math.floor(frequencyMhz / stepMhz) * stepMhz;
}

function layerName(layer: number): string {
  return layer < 0 ? 'unknown-frequency' : `${layer} MHz`;
}

/** Per-socket energy budgets (µJ) that add up to the host energy exactly. */
function socketBudgets(input: AttributionInput): Map<number, bigint> {
  const bySocket = new Map<number, bigint>();
  for (const d of input.domains) {
    if (!d.inHostTotal) continue;
    bySocket.set(d.socket, (bySocket.get(d.socket) ?? 0n) + (d.energyUj > 0n ? d.energyUj : 0n));
  }
  const host = input.hostEnergyUj > 0n ? input.hostEnergyUj : 0n;
  const sum = [...bySocket.values()].reduce((a, b) => a + b, 0n);
  if (bySocket.size === 0 || sum === 0n) return new Map([[0, host]]);
  if (sum === host) return bySocket;
  // The meter's host total and its domains disagree (should not happen): keep the host total and
  // share it by the domains' proportions so the invariant still holds.
  const sockets = [...bySocket.keys()];
  const parts = splitLargestRemainder(
    host,
    sockets.map((s) => Number(bySocket.get(s) ?? 0n)),
  );
  return new Map(sockets.map((s, i) => [s, parts[i] ?? 0n]));
}

/** No-function ticks needed before their mean power is taken as the socket's idle power. */
const IDLE_MIN_SAMPLES = 5;

export class SmartWattsAttributor implements Attributor {
  readonly method = 'smartwatts';
  private readonly opts: SmartWattsOptions;
  private readonly layers = new Map<string, PowerModel>();
  private eventsKey = '';
  /** Per socket: measured power of the last ticks in which no function was active, W. */
  private readonly idleSamples = new Map<number, number[]>();

  constructor(opts: Partial<SmartWattsOptions> = {}) {
    this.opts = { ...SMARTWATTS_DEFAULTS, ...opts };
    if (this.opts.minSamples < 1 || this.opts.historySize < this.opts.minSamples) {
      throw new RangeError(`smartwatts: need 1 <= minSamples (${this.opts.minSamples}) <= historySize (${this.opts.historySize})`);
    }
    if (!(this.opts.layerStepMhz > 0)) throw new RangeError(`smartwatts: layerStepMhz must be > 0`);
  }

  /** Models by "socket:layer", for inspection and reports. */
  models(): ReadonlyMap<string, PowerModel> {
    return this.layers;
  }

  /** Measured idle power per socket (median of the no-function ticks kept), once there are enough. */
  idleW(socket: number): number | undefined {
    const xs = this.idleSamples.get(socket);
    if (xs === undefined || xs.length < IDLE_MIN_SAMPLES) return undefined;
    // The median: a stray busy tick (activity the source did not see) must not move it.
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  }

  /** A tick in which no function (and no other monitored cgroup) did anything measures idle power. */
  private learnIdle(input: AttributionInput): void {
    const a = input.activity;
    // A sample whose source delivered no counts (intervalMs 0: e.g. no complete hwpc tick yet) says
    // nothing about activity and must not pass for an idle tick; neither may a tick in which
    // non-function cgroups were busy (a function whose workers are still starting is one of them).
    const zero = (m: ReadonlyMap<number, ReadonlyMap<string, bigint>>): boolean => [...m.values()].every((c) => [...c.values()].every((n) => n === 0n));
    const idle =
      a === undefined || (a.intervalMs > 0 && a.targets.every((t) => t.cpuTimeUs === 0n && zero(t.eventsBySocket)) && zero(a.otherEventsBySocket ?? new Map()));
    if (!idle || input.intervalMs <= 0) return;
    for (const [s, uj] of socketBudgets(input)) {
      let xs = this.idleSamples.get(s);
      if (xs === undefined) this.idleSamples.set(s, (xs = []));
      xs.push(powerW(uj, input.intervalMs));
      if (xs.length > this.opts.historySize) xs.shift();
    }
  }

  attribute(input: AttributionInput): AttributionResult {
    const activity = input.activity;
    this.learnIdle(input);
    if (activity === undefined || activity.events.length === 0) {
      return attributeByCpuTime(input, activity, this.opts, 'no hardware counters: cpu-time share of the active energy');
    }
    const events = activity.events;
    const key = events.join('\u0000');
    if (key !== this.eventsKey) {
      // A different event set means different features: start learning again.
      this.layers.clear();
      this.eventsKey = key;
    }
    const budgets = socketBudgets(input);
    const sockets = [...budgets.keys()];
    const firstSocket = sockets[0] ?? 0;
    const intervalS = msToS(input.intervalMs);
    // Rates use the span the counts cover (perf and hwpc deliver whole sensor intervals, which need
    // not line up with the energy tick); the host tick when the source does not say.
    const countSpanS = activity.intervalMs > 0 ? msToS(activity.intervalMs) : intervalS;
    const fold = (s: number): number => (budgets.has(s) ? s : firstSocket);

    // Feature vectors (event/s) per socket: one per function, plus "other" and the global sum.
    const fnFeatures = new Map<number, number[][]>();
    const otherFeatures = new Map<number, number[]>();
    for (const s of sockets) {
      fnFeatures.set(
        s,
        activity.targets.map(() => new Array<number>(events.length).fill(0)),
      );
      otherFeatures.set(s, new Array<number>(events.length).fill(0));
    }
    const addCounts = (into: number[] | undefined, counts: ReadonlyMap<string, bigint>): void => {
      if (into === undefined || countSpanS <= 0) return;
      events.forEach((e, i) => {
        const c = counts.get(e);
        if (c !== undefined && c > 0n) into[i] = (into[i] ?? 0) + Number(c) / countSpanS;
      });
    };
    activity.targets.forEach((t, ti) => {
      for (const [s, counts] of t.eventsBySocket) addCounts(fnFeatures.get(fold(s))?.[ti], counts);
    });
    for (const [s, counts] of activity.otherEventsBySocket ?? []) addCounts(otherFeatures.get(fold(s)), counts);

    const perSocket = sockets.map((s) => {
      const fns = fnFeatures.get(s) ?? [];
      const other = otherFeatures.get(s) ?? [];
      const global = other.slice();
      for (const f of fns) f.forEach((v, i) => (global[i] = (global[i] ?? 0) + v));
      const layer = frequencyLayerMhz(input.frequencyMhzBySocket.get(s), this.opts.layerStepMhz);
      const modelKey = `${s}:${layer}`;
      let model = this.layers.get(modelKey);
      if (model === undefined) {
        model = new PowerModel(events.length, this.opts);
        this.layers.set(modelKey, model);
      }
      return { socket: s, layer, model, fns, other, global, budgetUj: budgets.get(s) ?? 0n };
    });

    const notReady = perSocket.filter((p) => p.model.model === undefined && p.budgetUj > 0n);
    let result: AttributionResult;
    if (notReady.length > 0 || intervalS <= 0) {
      const why =
        intervalS <= 0
          ? 'baseline tick'
          : notReady.map((p) => `socket ${p.socket} layer ${layerName(p.layer)}: ${p.model.sampleCount}/${this.opts.minSamples} samples`).join('; ');
      result = attributeByCpuTime(input, activity, this.opts, `model not ready (${why}): cpu-time share`);
    } else {
      result = this.split(input, activity, perSocket);
    }

    // Learn from this tick after using the model that was in force at its start (as SmartWatts).
    if (intervalS > 0) {
      for (const p of perSocket) p.model.observe(p.global, ujToJ(p.budgetUj) / intervalS, this.idleW(p.socket));
    }
    const errors = perSocket.map((p) => p.model.errorW()).filter((e) => e >= 0);
    return { ...result, modelErrorW: errors.length > 0 ? Math.max(...errors) : -1 };
  }

  private split(
    input: AttributionInput,
    activity: ActivitySample,
    perSocket: readonly {
      socket: number;
      layer: number;
      model: PowerModel;
      fns: number[][];
      other: number[];
      budgetUj: bigint;
    }[],
  ): AttributionResult {
    const n = activity.targets.length;
    const dyn = new Array<bigint>(n).fill(0n);
    const total = new Array<bigint>(n).fill(0n);
    let idle = 0n;
    const notes: string[] = [];
    for (const p of perSocket) {
      const m = p.model.model;
      const interceptW = m?.interceptW ?? 0;
      const staticUj = energyUjOf(interceptW, input.intervalMs);
      const weights = p.fns.map((f) => p.model.dynamicPowerW(f));
      const split = conserveSplit(p.budgetUj, staticUj, weights, p.model.dynamicPowerW(p.other));
      split.dynamicUj.forEach((d, i) => (dyn[i] = (dyn[i] ?? 0n) + d));
      split.totalUj.forEach((d, i) => (total[i] = (total[i] ?? 0n) + d));
      idle += split.idleUj;
      notes.push(`socket ${p.socket} layer ${layerName(p.layer)} model ${m?.id ?? 0}${m?.measuredIdle === true ? ' (measured idle)' : ''}`);
    }
    const quality = weakerQuality(input.hostQuality, 'modelled');
    const functions: FunctionAttribution[] = activity.targets.map((t, i) => ({
      name: t.name,
      dynamicEnergyUj: dyn[i] ?? 0n,
      totalEnergyUj: total[i] ?? 0n,
      quality,
    }));
    return { method: 'smartwatts', modelErrorW: -1, idleEnergyUj: idle, functions, detail: notes.join('; ') };
  }
}
