// The emulated host's hardware counters, as PowerAPI hwpc-sensor would report them (socket output:
// one JSON report per target per tick, v1.7.0 delta semantics), so that the agent's real hwpc
// ingest path (counters/hwpc-report-source.ts) carries them. The sensor name starts with
// "emulated-": nobody can take these counts for a real PMU's.
//
// The counts follow the profile's ground truth exactly: per emulated busy CPU-second a function
// runs `cycles` = the nominal frequency, and `misses` = cycles x MISSES_PER_CYCLE x (power - base),
// so its dynamic power, busy x dynamicW x power, is a linear function of the two counts:
//     P = dynamicW x base / f x cycles + dynamicW / (f x MISSES_PER_CYCLE) x misses
// which is what a SmartWatts-style model can learn. (Real counters are never this clean; the point
// here is to check the attribution against a known truth.)
import type { FunctionActivity } from './host-activity.js';
import { factorsOf, type EmulatedProfile } from './profiles.js';
import { mhzToHz, msToNs, msToS, sToNs } from '@isawatt/common';

const MISSES_PER_CYCLE = 0.01;

export interface HwpcEventNames {
  readonly cycles: string;
  readonly misses: string;
}

/** The events hwpc-sensor would count per cgroup: Intel's on x86, the Ampere fork's generic ones on arm64. */
export function hwpcEvents(p: EmulatedProfile): HwpcEventNames {
  return p.arch === 'x86_64'
    ? { cycles: 'CPU_CLK_THREAD_UNHALTED:THREAD_P', misses: 'LLC_MISSES' }
    : { cycles: 'PERF_COUNT_HW_CPU_CYCLES', misses: 'PERF_COUNT_HW_CACHE_MISSES' };
}

/** Nominal frequency of the emulated cores, MHz (the hwpc source's cpuBaseFreqMhz). */
export function nominalMhz(p: EmulatedProfile): number {
  return p.energy.kind === 'rapl' ? p.energy.curFreqMhz : p.energy.busyFreqMhz;
}

/** The power factor whose functions cause no misses: the smallest in the profile (at most 0.5). */
export function basePowerFactor(p: EmulatedProfile): number {
  return Math.min(0.5, p.defaultFactors.power, ...[...p.functions.values()].map((f) => f.power));
}

/** hwpc-sensor's JSON with integers as bare digits (its counts are uint64). */
function reading(events: Record<string, bigint>): string {
  return `{${Object.entries(events)
    .map(([k, v]) => `${JSON.stringify(k)}:${v.toString()}`)
    .join(',')}}`;
}

/** RAPL energy units of hwpc-sensor's rapl group: 2^-32 J. */
const RAPL_UNITS_PER_J = 2 ** 32;

/**
 * The NDJSON lines of one sensor tick: the system target "all" (msr group: TSC, APERF, MPERF per
 * socket, at the nominal frequency; on a RAPL host also the rapl group, RAPL_ENERGY_PKG and
 * RAPL_ENERGY_DRAM per socket: the energy the emulated counters advance by over this same interval,
 * so that the agent pairs each interval's counts with that interval's energy exactly, as it does with
 * a real sensor's rapl group) and one report per function (`core` group, per socket on the
 * function's first emulated CPU of that socket). `targetOf` maps a function to its hwpc target (its
 * cgroup path relative to the sensor's base path, leading "/").
 */
export function hwpcTickLines(
  p: EmulatedProfile,
  functions: readonly FunctionActivity[],
  timestampMs: number,
  intervalMs: number,
  targetOf: (fn: string) => string,
  energyJBySocket?: readonly { readonly pkg: number; readonly dram: number }[],
): string[] {
  const sensor = `emulated-${p.name}`;
  const hz = mhzToHz(nominalMhz(p));
  const names = hwpcEvents(p);
  const base = basePowerFactor(p);
  const ts = Math.round(timestampMs);
  const lines: string[] = [];
  const intervalNs = BigInt(Math.max(0, Math.round(msToNs(intervalMs))));
  const msr: string[] = [];
  const perSocket = p.coresPerSocket * p.threadsPerCore;
  for (let s = 0; s < p.sockets; s++) {
    const busyS = functions.reduce((a, f) => a + (f.busyCpuSBySocket[s] ?? 0), 0);
    const cycles = BigInt(Math.max(1, Math.round(busyS * hz)));
    const tsc = BigInt(Math.round(msToS(intervalMs) * hz * perSocket));
    msr.push(`"${s}":{"${s * p.coresPerSocket}":${reading({ TSC: tsc, APERF: cycles, MPERF: cycles, time_enabled: intervalNs, time_running: intervalNs })}}`);
  }
  const rapl =
    energyJBySocket === undefined
      ? ''
      : `,"rapl":{${energyJBySocket
          .map(
            (e, s) =>
              `"${s}":{"${s * p.coresPerSocket}":${reading({ RAPL_ENERGY_PKG: BigInt(Math.round(e.pkg * RAPL_UNITS_PER_J)), RAPL_ENERGY_DRAM: BigInt(Math.round(e.dram * RAPL_UNITS_PER_J)), time_enabled: intervalNs, time_running: intervalNs })}}`,
          )
          .join(',')}}`;
  lines.push(`{"timestamp":${ts},"sensor":${JSON.stringify(sensor)},"target":"all","groups":{"msr":{${msr.join(',')}}${rapl}}}`);
  for (const f of functions) {
    const extra = Math.max(0, factorsOf(p, f.name).power - base);
    const sockets: string[] = [];
    f.busyCpuSBySocket.forEach((busyS, s) => {
      const cpu = f.firstCpuBySocket.get(s);
      if (cpu === undefined) return;
      const cycles = busyS * hz;
      const ns = BigInt(Math.round(sToNs(busyS)));
      sockets.push(
        `"${s}":{"${cpu}":${reading({ [names.cycles]: BigInt(Math.round(cycles)), [names.misses]: BigInt(Math.round(cycles * MISSES_PER_CYCLE * extra)), time_enabled: ns, time_running: ns })}}`,
      );
    });
    if (sockets.length === 0) continue;
    lines.push(`{"timestamp":${ts},"sensor":${JSON.stringify(sensor)},"target":${JSON.stringify(targetOf(f.name))},"groups":{"core":{${sockets.join(',')}}}}`);
  }
  return lines;
}
