// Maps core counts onto concrete CPUs. Pure. Rules, in order:
//  - never a reserved CPU (the system's and the agent's);
//  - a function keeps the CPUs it has when its count is unchanged, and a subset of them when it
//    shrinks (so unchanged functions are never touched);
//  - new CPUs for a function come from the socket it already uses, else from the socket with the
//    most free CPUs that can hold them all, else the fullest-free sockets in turn;
//  - lowest CPU ids first, functions in name order: the same input gives the same placement.
import type { CpuInfo } from './cpu-topology.js';

export class NotEnoughCoresError extends Error {
  override readonly name = 'NotEnoughCoresError';
  constructor(
    readonly wanted: number,
    readonly available: number,
  ) {
    super(`not enough cores: the assignment needs ${wanted} and this host has ${available} for functions`);
  }
}

export function planCpus(
  topology: readonly CpuInfo[],
  reserved: readonly number[],
  current: ReadonlyMap<string, readonly number[]>,
  wanted: ReadonlyMap<string, number>,
): Map<string, number[]> {
  const reservedSet = new Set(reserved);
  const usable = topology.filter((c) => !reservedSet.has(c.cpu));
  const socketOf = new Map(usable.map((c) => [c.cpu, c.socket]));
  const total = [...wanted.values()].reduce((a, b) => a + b, 0);
  if (total > usable.length) throw new NotEnoughCoresError(total, usable.length);

  const names = [...wanted.keys()].sort();
  const plan = new Map<string, number[]>();
  const taken = new Set<number>();
  // 1. Keep what each function has (still usable), up to its new count, majority socket first.
  for (const name of names) {
    const want = wanted.get(name) ?? 0;
    const have = (current.get(name) ?? []).filter((c) => socketOf.has(c));
    const bySocket = new Map<number, number>();
    for (const c of have) bySocket.set(socketOf.get(c) ?? 0, (bySocket.get(socketOf.get(c) ?? 0) ?? 0) + 1);
    const keep = [...have].sort((a, b) => (bySocket.get(socketOf.get(b) ?? 0) ?? 0) - (bySocket.get(socketOf.get(a) ?? 0) ?? 0) || a - b).slice(0, want);
    for (const c of keep) taken.add(c);
    plan.set(name, keep);
  }
  // 2. Grow: functions already placed first (so they can extend on their socket), then new ones;
  //    biggest need first within each group.
  const need = (n: string): number => (wanted.get(n) ?? 0) - (plan.get(n)?.length ?? 0);
  const placed = (n: string): number => ((plan.get(n)?.length ?? 0) > 0 ? 0 : 1);
  const order = [...names].sort((a, b) => placed(a) - placed(b) || need(b) - need(a) || a.localeCompare(b));
  for (const name of order) {
    const cpus = plan.get(name) ?? [];
    let missing = need(name);
    if (missing <= 0) continue;
    const free = (): CpuInfo[] => usable.filter((c) => !taken.has(c.cpu));
    const freeOn = (s: number): CpuInfo[] => free().filter((c) => c.socket === s);
    const sockets = [...new Set(usable.map((c) => c.socket))];
    const home = cpus.length > 0 ? socketOf.get(cpus[0] as number) : undefined;
    const preferred: number[] = [];
    if (home !== undefined) preferred.push(home);
    // A socket that can hold the whole need (fewest free that fit, to keep big holes for others).
    const fitting = sockets.filter((s) => freeOn(s).length >= missing).sort((a, b) => freeOn(a).length - freeOn(b).length || a - b);
    if (fitting[0] !== undefined) preferred.push(fitting[0]);
    preferred.push(...sockets.sort((a, b) => freeOn(b).length - freeOn(a).length || a - b));
    for (const s of preferred) {
      for (const c of freeOn(s)) {
        if (missing === 0) break;
        cpus.push(c.cpu);
        taken.add(c.cpu);
        missing--;
      }
      if (missing === 0) break;
    }
    plan.set(
      name,
      cpus.sort((a, b) => a - b),
    );
  }
  return plan;
}
