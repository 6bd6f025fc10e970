// From the real CPU time of an emulated host's function cgroups to what its emulated hardware sees:
// per function the emulated CPU-seconds its workers kept busy (real CPU time / the share of a real
// CPU each worker gets: speed factor and co-location slowdown), split over the emulated sockets its
// CPUs sit on, and the dynamic power that draws (x its power factor). Pure; the emulator feeds it.
import { workerShare } from './ground-truth.js';
import { emulatedSocketOf, factorsOf, type EmulatedProfile } from './profiles.js';
import { msToS, nsToS, sToNs } from '@isawatt/common';

export interface FunctionActivity {
  readonly name: string;
  /** Emulated CPU-seconds kept busy over the interval, per socket. */
  readonly busyCpuSBySocket: readonly number[];
  readonly powerFactor: number;
  /** Emulated CPUs the function holds, per socket (for the hwpc stream's CPU ids). */
  readonly firstCpuBySocket: ReadonlyMap<number, number>;
}

export interface HostActivity {
  readonly functions: readonly FunctionActivity[];
  /** Busy emulated CPUs per socket, averaged over the interval (capped at the socket's CPUs). */
  readonly busyCpus: readonly number[];
  /** Busy CPUs weighted by power factor, per socket (what the dynamic power follows), capped likewise. */
  readonly powerWeightedBusyCpus: readonly number[];
  /**
   * Real CPU time, ns, per function, that did not fit in the interval (more busy emulated CPUs than
   * the function holds) and belongs to the next one: pass it back in as `carryNs`.
   */
  readonly carryNs: ReadonlyMap<string, bigint>;
}

/** Longest backlog a function may carry, s of all its emulated CPUs busy (see hostActivity). */
const MAX_CARRY_S = 1;

/**
 * A bandwidth-limited worker runs in bursts (its quota at full speed, once per CFS period of up to
 * 1 s), so within one short emulator tick a function may seem busier than the emulated CPUs it
 * holds. The excess is carried into the next ticks (`carryNs`) instead of being dropped: over a
 * period the function is exactly as busy as its quota allows. The backlog is bounded by MAX_CARRY_S
 * of all its CPUs (what is beyond, e.g. a worker warming at full speed, is not the emulated work).
 *
 * @param cpuDeltaNs real CPU time of each function cgroup over the interval
 * @param placement the emulated CPUs each running function holds
 * @param carryNs the previous tick's carryNs
 */
export function hostActivity(
  p: EmulatedProfile,
  cpuDeltaNs: ReadonlyMap<string, bigint>,
  placement: ReadonlyMap<string, readonly number[]>,
  intervalMs: number,
  carryNs: ReadonlyMap<string, bigint> = new Map(),
): HostActivity {
  const counts = new Map([...placement].map(([fn, cpus]) => [fn, cpus.length]));
  const busy = new Array<number>(p.sockets).fill(0);
  const weighted = new Array<number>(p.sockets).fill(0);
  const functions: FunctionActivity[] = [];
  const nextCarry = new Map<string, bigint>();
  const intervalS0 = msToS(intervalMs);
  const names = new Set([...cpuDeltaNs.keys(), ...[...carryNs.keys()].filter((n) => placement.has(n))]);
  for (const name of names) {
    const ns = (cpuDeltaNs.get(name) ?? 0n) + (carryNs.get(name) ?? 0n);
    const cpus = placement.get(name) ?? [];
    const perSocket = new Array<number>(p.sockets).fill(0);
    const first = new Map<number, number>();
    for (const c of cpus) {
      const s = emulatedSocketOf(p, c);
      perSocket[s] = (perSocket[s] ?? 0) + 1;
      if (!first.has(s)) first.set(s, c);
    }
    // A function the placement does not know (yet): its CPU time counts evenly on every socket.
    const total = cpus.length > 0 ? cpus.length : p.sockets;
    if (cpus.length === 0) {
      for (let s = 0; s < p.sockets; s++) {
        perSocket[s] = 1;
        first.set(s, s * p.coresPerSocket);
      }
    }
    const share = workerShare(p, name, counts);
    let busyS = nsToS(ns) / share;
    if (cpus.length > 0 && intervalS0 > 0 && busyS > cpus.length * intervalS0) {
      const excessS = Math.min(busyS - cpus.length * intervalS0, cpus.length * MAX_CARRY_S);
      nextCarry.set(name, BigInt(Math.round(sToNs(excessS * share))));
      busyS = cpus.length * intervalS0;
    }
    const powerFactor = factorsOf(p, name).power;
    const bySocket = perSocket.map((n) => (busyS * n) / total);
    functions.push({ name, busyCpuSBySocket: bySocket, powerFactor, firstCpuBySocket: first });
    bySocket.forEach((b, s) => {
      busy[s] = (busy[s] ?? 0) + b;
      weighted[s] = (weighted[s] ?? 0) + b * powerFactor;
    });
  }
  const intervalS = msToS(intervalMs);
  const cap = p.coresPerSocket * p.threadsPerCore;
  const busyCpus: number[] = [];
  const powerWeighted: number[] = [];
  const scale: number[] = [];
  for (let s = 0; s < p.sockets; s++) {
    const b = intervalS > 0 ? (busy[s] ?? 0) / intervalS : 0;
    const w = intervalS > 0 ? (weighted[s] ?? 0) / intervalS : 0;
    // More busy CPUs than the socket has (a runtime starting or warming at full real speed): scale
    // both down, and the functions' busy time with them, so that the hardware counters the host
    // reports stay consistent with its energy (a counter model fitted on them must not learn from
    // ticks where they disagree).
    const k = b > cap ? cap / b : 1;
    scale.push(k);
    busyCpus.push(b * k);
    powerWeighted.push(w * k);
  }
  const scaled = scale.every((k) => k === 1)
    ? functions
    : functions.map((f) => ({ ...f, busyCpuSBySocket: f.busyCpuSBySocket.map((b, s) => b * (scale[s] ?? 1)) }));
  return { functions: scaled, busyCpus, powerWeightedBusyCpus: powerWeighted, carryNs: nextCarry };
}
