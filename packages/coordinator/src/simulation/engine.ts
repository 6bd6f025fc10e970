// The second-by-second simulation of one plan on a cluster (docs/simulation.md). Each second, every
// function gets its arrivals (seeded Poisson, or exactly its rate with `constant`), queues them
// (up to queueLimitS seconds of its rate; the rest is dropped), and serves what its cores can at
// the true speed; a host draws its idle power when on plus, per function, the executions served ×
// their true energy per execution (= busy core-seconds × true power per busy core). Aggregation is
// streaming: running sums per function and per host, one number per host per second only while it
// is summed, and the per-second host series kept only when it is small (seriesLimit samples), so
// memory grows with hosts + functions, not with their product by the duration.
import { Rng } from './random.js';

export type ArrivalProcess = 'poisson' | 'constant';

export interface EngineHost {
  readonly id: string;
  readonly idlePowerW: number;
  /** False when parked (by the cluster file or by the plan): draws nothing. */
  readonly on: boolean;
}

/** One function on its host, with the truth the simulated cluster runs on. */
export interface EngineFunction {
  readonly name: string;
  readonly host: number;
  readonly rateRps: number;
  /** cores × true execs/s per core × interference speed factor. */
  readonly capacityRps: number;
  /** True energy per execution including interference, joules. */
  readonly energyPerExecJ: number;
  /** True execution time per execution on one core, seconds (for busy core-seconds). */
  readonly coreSecondsPerExec: number;
}

export interface EngineOptions {
  readonly durationS: number;
  readonly seed: number;
  readonly arrivals: ArrivalProcess;
  /** Queue bound, in seconds of the function's rate. */
  readonly queueLimitS: number;
  /** Keep the per-second host power series only up to this many samples (hosts × seconds). */
  readonly seriesLimit: number;
  /**
   * Per-second co-location noise (`--colocation-noise`): each second, each function's speed is
   * multiplied by its own log-normal factor of median 1 and this coefficient of variation (0.15 =
   * 15 %), seeded by the function's name (the same noise under every policy and plan). 0: none.
   */
  readonly speedNoiseCv?: number | undefined;
}

export interface EngineFunctionResult {
  readonly offered: number;
  readonly achieved: number;
  readonly drops: number;
  /** Seconds that ended with more backlog than the function can serve in one second. */
  readonly secondsBehind: number;
  readonly backlogEnd: number;
  readonly energyJ: number;
  readonly busyCoreSeconds: number;
}

export interface EngineHostResult {
  readonly energyJ: number;
  readonly peakPowerW: number;
  readonly busyCoreSeconds: number;
}

export interface EngineResult {
  readonly functions: EngineFunctionResult[];
  readonly hosts: EngineHostResult[];
  readonly energyJ: number;
  readonly peakPowerW: number;
  /** Seconds in which no function fell behind. */
  readonly secondsAllKeptUp: number;
  /** Per-second power per host ([second][host]), when hosts × seconds <= seriesLimit. */
  readonly series?: Float64Array[] | undefined;
}

export function simulate(hosts: readonly EngineHost[], fns: readonly EngineFunction[], opts: EngineOptions): EngineResult {
  const n = fns.length;
  const m = hosts.length;
  const D = opts.durationS;
  const rate = Float64Array.from(fns, (f) => f.rateRps);
  const cap = Float64Array.from(fns, (f) => f.capacityRps);
  const ePerExec = Float64Array.from(fns, (f) => f.energyPerExecJ);
  const csPerExec = Float64Array.from(fns, (f) => f.coreSecondsPerExec);
  const hostOf = Int32Array.from(fns, (f) => f.host);
  const qMax = Float64Array.from(fns, (f) => Math.max(1, f.rateRps * opts.queueLimitS));
  // Arrival streams are keyed by the function's name: the same arrivals under every policy.
  const rngs = opts.arrivals === 'poisson' ? fns.map((f) => new Rng(opts.seed, `arrivals\u0000${f.name}`)) : [];
  const noiseCv = opts.speedNoiseCv ?? 0;
  const noiseSigma = noiseCv > 0 ? Math.sqrt(Math.log(1 + noiseCv * noiseCv)) : 0;
  const noise = noiseSigma > 0 ? fns.map((f) => new Rng(opts.seed, `speed-noise\u0000${f.name}`)) : [];

  const queue = new Float64Array(n);
  const offered = new Float64Array(n);
  const achieved = new Float64Array(n);
  const drops = new Float64Array(n);
  const behind = new Int32Array(n);
  const fnEnergy = new Float64Array(n);
  const hostDyn = new Float64Array(m);
  const hostEnergy = new Float64Array(m);
  const hostPeak = new Float64Array(m);
  const hostBusy = new Float64Array(m);
  const idle = Float64Array.from(hosts, (h) => (h.on ? h.idlePowerW : 0));
  const on = Uint8Array.from(hosts, (h) => (h.on ? 1 : 0));
  const keepSeries = m * D <= opts.seriesLimit;
  const series: Float64Array[] = [];
  let total = 0;
  let peak = 0;
  let allKeptUp = 0;

  for (let t = 0; t < D; t++) {
    hostDyn.fill(0);
    let anyBehind = false;
    for (let j = 0; j < n; j++) {
      const r = rate[j] as number;
      const a = opts.arrivals === 'poisson' ? (rngs[j] as Rng).poisson(r) : r;
      offered[j] = (offered[j] as number) + a;
      let q = (queue[j] as number) + a;
      const limit = qMax[j] as number;
      if (q > limit) {
        drops[j] = (drops[j] as number) + (q - limit);
        q = limit;
      }
      // This second's capacity: the planned cores at the true speed, times this second's noise.
      const c = noiseSigma > 0 ? (cap[j] as number) * Math.exp(noiseSigma * (noise[j] as Rng).normal()) : (cap[j] as number);
      const served = q < c ? q : c;
      q -= served;
      queue[j] = q;
      achieved[j] = (achieved[j] as number) + served;
      // A slower second costs more per execution (same power per busy core, fewer executions).
      const slowdown = c > 0 ? (cap[j] as number) / c : 1;
      const e = served * (ePerExec[j] as number) * slowdown;
      fnEnergy[j] = (fnEnergy[j] as number) + e;
      const h = hostOf[j] as number;
      hostDyn[h] = (hostDyn[h] as number) + e;
      hostBusy[h] = (hostBusy[h] as number) + served * (csPerExec[j] as number) * slowdown;
      if (q > c) {
        behind[j] = (behind[j] as number) + 1;
        anyBehind = true;
      }
    }
    if (!anyBehind) allKeptUp++;
    const row = keepSeries ? new Float64Array(m) : undefined;
    let clusterW = 0;
    for (let i = 0; i < m; i++) {
      // A parked host runs nothing (the plan gives it nothing), so its dynamic power is 0 too.
      const p = on[i] ? (idle[i] as number) + (hostDyn[i] as number) : 0;
      hostEnergy[i] = (hostEnergy[i] as number) + p;
      if (p > (hostPeak[i] as number)) hostPeak[i] = p;
      clusterW += p;
      if (row) row[i] = p;
    }
    total += clusterW;
    if (clusterW > peak) peak = clusterW;
    if (row) series.push(row);
  }

  return {
    functions: fns.map((f, j) => ({
      offered: offered[j] as number,
      achieved: achieved[j] as number,
      drops: drops[j] as number,
      secondsBehind: behind[j] as number,
      backlogEnd: queue[j] as number,
      energyJ: fnEnergy[j] as number,
      busyCoreSeconds: (achieved[j] as number) * (csPerExec[j] as number),
    })),
    hosts: hosts.map((_, i) => ({ energyJ: hostEnergy[i] as number, peakPowerW: hostPeak[i] as number, busyCoreSeconds: hostBusy[i] as number })),
    energyJ: total,
    peakPowerW: peak,
    secondsAllKeptUp: allKeptUp,
    series: keepSeries ? series : undefined,
  };
}
