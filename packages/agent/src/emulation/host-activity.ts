// From the real CPU time of an emulated host's function cgroups to what its emulated hardware sees:
// per function the emulated CPU-seconds its workers kept busy (real CPU time / the share of a real
// CPU each worker gets: speed factor and co-location slowdown), split over the emulated sockets its
// CPUs sit on, and the dynamic power that draws (x its power factor). Pure; the emulator feeds it.
import { workerShare } from './ground-truth.js';
import { emulatedSocketOf, factorsOf, type EmulatedProfile } from './profiles.js';
import { msToS, nsToS } from '@isawatt/common';

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
}

/**
 * @param cpuDeltaNs real CPU time of each function cgroup over the interval
 * @param placement the emulated CPUs each running function holds
 */
export function hostActivity(
  p: EmulatedProfile,
  cpuDeltaNs: ReadonlyMap<string, bigint>,
  placement: ReadonlyMap<string, readonly number[]>,
  intervalMs: number,
): HostActivity {
  const counts = new Map([...placement].map(([fn, cpus]) => [fn, cpus.length]));
  const busy = new Array<number>(p.sockets).fill(0);
  const weighted = new Array<number>(p.sockets).fill(0);
  const functions: FunctionActivity[] = [];
  for (const [name, ns] of cpuDeltaNs) {
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
    const busyS = nsToS(ns) / workerShare(p, name, counts);
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
  for (let s = 0; s < p.sockets; s++) {
    const b = intervalS > 0 ? (busy[s] ?? 0) / intervalS : 0;
    const w = intervalS > 0 ? (weighted[s] ?? 0) / intervalS : 0;
    // More busy CPUs than the socket has (a runtime starting at full real speed): scale both down.
    const k = b > cap ? cap / b : 1;
    busyCpus.push(b * k);
    powerWeighted.push(w * k);
  }
  return { functions, busyCpus, powerWeightedBusyCpus: powerWeighted };
}
