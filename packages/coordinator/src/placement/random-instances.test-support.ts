// Seeded random small placement problems and a brute-force reference, for the property tests
// (test-only code; it lives beside the tests so that it is type-checked and linted with them).
import { buildProblem, type PlacementProblem } from './problem.js';
import type { FunctionDemand, HostSpec, Models } from '../workload/types.js';

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomInstance {
  readonly hosts: HostSpec[];
  readonly models: Models;
  readonly demands: FunctionDemand[];
  readonly problem: PlacementProblem;
}

export function randomInstance(seed: number, maxHosts = 4, maxFunctions = 7): RandomInstance {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const nTypes = int(1, 3);
  const m = int(1, maxHosts);
  const n = int(1, maxFunctions);
  const fnNames = Array.from({ length: n }, (_, j) => `f${j}`);
  const hostTypes: Record<string, Models['hostTypes'][string]> = {};
  for (let t = 0; t < nTypes; t++) {
    const functions: Record<string, { execPerSecPerCore: number; energyPerExecJ: number }> = {};
    for (const f of fnNames) {
      // About one pair in eight has no model (the function cannot run on that type).
      if (r() < 0.12) continue;
      functions[f] = { execPerSecPerCore: 1 + r() * 9, energyPerExecJ: 0.1 + r() * 4.9 };
    }
    hostTypes[`t${t}`] = { arch: t % 2 === 0 ? 'x86_64' : 'aarch64', idlePowerW: int(0, 60), functions };
  }
  const hosts: HostSpec[] = Array.from({ length: m }, (_, i) => {
    const type = `t${int(0, nTypes - 1)}`;
    return { id: `h${i}`, type, arch: hostTypes[type]?.arch ?? 'x86_64', cores: int(2, 12), idlePowerW: r() < 0.5 ? int(0, 80) : undefined };
  });
  // Every function needs a model on some host type of the cluster (else the input is invalid).
  const firstType = hosts[0]?.type ?? 't0';
  for (const f of fnNames) {
    if (!hosts.some((h) => hostTypes[h.type]?.functions[f])) {
      (hostTypes[firstType]?.functions as Record<string, unknown>)[f] = { execPerSecPerCore: 5, energyPerExecJ: 1 };
    }
  }
  const demands = fnNames.map((name) => ({ name, rateRps: Math.round((0.5 + r() * 30) * 100) / 100 }));
  const models: Models = { hostTypes, categories: {} };
  return { hosts, models, demands, problem: buildProblem(hosts, models, demands) };
}

export interface BruteForce {
  /** Minimum sum of cores, of power (W), and of power plus idle power of used hosts; Infinity if none fits. */
  readonly minCores: number;
  readonly minPowerW: number;
  readonly minWholeW: number;
}

/** Enumerates all m^n assignments. Independent of the planner's code (only reads the problem). */
export function bruteForce(p: PlacementProblem): BruteForce {
  const n = p.functions.length;
  const m = p.hosts.length;
  let minCores = Infinity;
  let minPowerW = Infinity;
  let minWholeW = Infinity;
  const hostOf = new Array<number>(n).fill(0);
  const total = m ** n;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let j = 0; j < n; j++) {
      hostOf[j] = c % m;
      c = Math.floor(c / m);
    }
    const used = new Array<number>(m).fill(0);
    const on = new Array<boolean>(m).fill(false);
    let cores = 0;
    let power = 0;
    let ok = true;
    for (let j = 0; j < n && ok; j++) {
      const i = hostOf[j] as number;
      const a = p.cores[i]?.[j];
      const w = p.powerW[i]?.[j];
      if (a === null || a === undefined || w === null || w === undefined) ok = false;
      else {
        used[i] = (used[i] as number) + a;
        on[i] = true;
        cores += a;
        power += w;
      }
    }
    if (!ok || used.some((u, i) => u > (p.hosts[i]?.cores ?? 0))) continue;
    const idle = on.reduce((s, o, i) => s + (o ? (p.idlePowerW[i] ?? 0) : 0), 0);
    minCores = Math.min(minCores, cores);
    minPowerW = Math.min(minPowerW, power);
    minWholeW = Math.min(minWholeW, power + idle);
  }
  return { minCores, minPowerW, minWholeW };
}
