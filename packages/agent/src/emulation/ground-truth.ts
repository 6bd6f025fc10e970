// What an emulated host's profile means in numbers: its power figures, the CPU bandwidth each
// worker gets (speed factor x co-location slowdown), and the ground-truth models a profiling
// campaign on it must recover. The emulator, the runtime's bandwidth limits and
// `isawatt-agent emulation show|models` all compute from here, so they cannot disagree.
//
// Definitions (docs/agent.md, "Emulated hosts"), for function f on host type h:
//   slowdown_f       = 1 + strength_h x memoryBound_f x sum_{g != f} memoryBound_g x cores_g / cpus_h
//   share_f          = realCpuShare_h x speed_f / slowdown_f      (of one real CPU, per worker)
//   busy core-s      = real CPU s of f's workers / share_f        (emulated CPU-seconds kept busy)
//   dynamic power    = busy cores x dynamicWPerBusyCpu_h x power_f
// and, in isolation (slowdown 1), with c_f the real CPU seconds one invocation costs here:
//   execPerSecPerCore_f = realCpuShare_h x speed_f / c_f
//   energyPerExecJ_f    = dynamicWPerBusyCpu_h x power_f x c_f / (realCpuShare_h x speed_f)
// (energy per execution counts the dynamic energy only, as `isawatt profile` attributes it).
import { factorsOf, type EmulatedProfile } from './profiles.js';
import { msToS } from '@isawatt/common';

/** Dynamic power of one fully busy emulated CPU at power factor 1, W (all domains). */
export function dynamicWPerBusyCpu(p: EmulatedProfile): number {
  const e = p.energy;
  return e.kind === 'rapl' ? e.packageWPerBusyCpu + e.dramWPerBusyCpu : e.cpuWPerBusyCpu + e.ioWPerBusyCpu;
}

/** Idle power of the whole emulated host, W (all sockets, all domains). */
export function idlePowerW(p: EmulatedProfile): number {
  const e = p.energy;
  return p.sockets * (e.kind === 'rapl' ? e.packageIdleW + e.dramIdleW : e.cpuIdleW + e.ioIdleW);
}

/** Functions on the host and how many emulated CPUs each holds. */
export type CoreCounts = ReadonlyMap<string, number>;

/** Co-location slowdown of `fn` (>= 1) given what else runs on the host. */
export function slowdown(p: EmulatedProfile, fn: string, placement: CoreCounts): number {
  const m = factorsOf(p, fn).memoryBound;
  if (m === 0 || p.interferenceStrength === 0) return 1;
  const cpus = p.sockets * p.coresPerSocket * p.threadsPerCore;
  let pressure = 0;
  for (const [g, cores] of placement) if (g !== fn) pressure += (factorsOf(p, g).memoryBound * cores) / cpus;
  return 1 + p.interferenceStrength * m * pressure;
}

/** Share of one real CPU that each worker of `fn` gets now (speed and co-location included). */
export function workerShare(p: EmulatedProfile, fn: string, placement: CoreCounts): number {
  return (p.realCpuShare * factorsOf(p, fn).speed) / slowdown(p, fn, placement);
}

/** Ground-truth figures of one function on one host type, in isolation. */
export interface TruthFigures {
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
}

export function truthOf(p: EmulatedProfile, fn: string, cpuSecondsPerInvocation: number): TruthFigures {
  const f = factorsOf(p, fn);
  const share = p.realCpuShare * f.speed;
  return {
    execPerSecPerCore: share / cpuSecondsPerInvocation,
    energyPerExecJ: (dynamicWPerBusyCpu(p) * f.power * cpuSecondsPerInvocation) / share,
  };
}

const sig = (v: number): number => Number(v.toPrecision(6));

/** A models file (docs/file-formats.md) holding the ground truth of `profiles`. */
export function groundTruthModels(
  profiles: readonly EmulatedProfile[],
  costMs: ReadonlyMap<string, number>,
  categories: ReadonlyMap<string, string>,
  costSource: string,
): Record<string, unknown> {
  const hostTypes: Record<string, unknown> = {};
  const names = [...costMs.keys()].filter((n) => categories.has(n)).sort();
  for (const p of profiles) {
    const functions: Record<string, TruthFigures> = {};
    for (const fn of names) {
      const t = truthOf(p, fn, msToS(costMs.get(fn) ?? 0));
      functions[fn] = { execPerSecPerCore: sig(t.execPerSecPerCore), energyPerExecJ: sig(t.energyPerExecJ) };
    }
    hostTypes[p.hostType] = { arch: p.arch, idlePowerW: sig(idlePowerW(p)), functions };
  }
  return {
    source: `emulated ground truth (ILLUSTRATIVE, not measured): profiles ${profiles.map((p) => p.name).join(', ')}; isolation figures; CPU cost per invocation from ${costSource}`,
    provenance: {
      kind: 'emulated-ground-truth',
      createdAt: new Date().toISOString(),
      profiles: profiles.map((p) => ({ name: p.name, file: p.file, hostType: p.hostType, realCpuShare: p.realCpuShare })),
      cpuCost: costSource,
      definition:
        'execPerSecPerCore = realCpuShare x speed / cpuSecondsPerInvocation; energyPerExecJ = dynamicWPerBusyCpu x power x cpuSecondsPerInvocation / (realCpuShare x speed) (dynamic energy only)',
    },
    hostTypes,
    categories: Object.fromEntries(names.map((n) => [n, categories.get(n)])),
  };
}
