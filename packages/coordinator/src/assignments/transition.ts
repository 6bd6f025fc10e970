// The order in which a new placement is rolled out so that no function's capacity drops below its
// rate on the way (start before stop). From the current per-host assignments to the target ones,
// in waves that alternate:
//   start: on every host, add the functions the target puts there and grow the ones it enlarges,
//          keeping everything that runs (as many as the host's cores allow; the rest wait);
//   stop:  remove or shrink an entry only when the function's capacity without it (its other
//          entries as they are now, those being stopped as they will be) still covers its target
//          rate; functions no longer in the workload stop at once.
// Each wave is one all-or-nothing deployment of the hosts it changes. When neither kind of wave can
// progress (two full hosts swapping functions), the last wave goes straight to the target and the
// functions whose capacity dips during it are named.

export interface Entry {
  readonly function: string;
  readonly cores: number;
  readonly rateRps: number;
}

export type HostAssignments = ReadonlyMap<string, readonly Entry[]>;

export interface TransitionInput {
  readonly current: HostAssignments;
  readonly target: HostAssignments;
  /** Function cores of each host. */
  readonly capacity: ReadonlyMap<string, number>;
  /** Executions/s per core of a function on a host (its model), for capacities. */
  readonly speed: (host: string, fn: string) => number;
}

export interface Transition {
  /** Each wave: the full new assignment of every host it changes. */
  readonly waves: ReadonlyMap<string, readonly Entry[]>[];
  /** Functions whose capacity drops below their target rate during the last wave (empty when none). */
  readonly dips: readonly string[];
}

type State = Map<string, Map<string, Entry>>;

function toState(a: HostAssignments, hosts: Iterable<string>): State {
  const s: State = new Map();
  for (const h of hosts) s.set(h, new Map((a.get(h) ?? []).filter((e) => e.cores > 0).map((e) => [e.function, e])));
  return s;
}

const used = (m: ReadonlyMap<string, Entry>): number => [...m.values()].reduce((s, e) => s + e.cores, 0);
const same = (a: Entry | undefined, b: Entry | undefined): boolean => a?.cores === b?.cores && a?.rateRps === b?.rateRps;

export function planTransition(input: TransitionInput): Transition {
  const hosts = new Set([...input.current.keys(), ...input.target.keys()]);
  const state = toState(input.current, hosts);
  const target = toState(input.target, hosts);
  const targetRate = new Map<string, number>();
  for (const m of target.values()) for (const e of m.values()) targetRate.set(e.function, (targetRate.get(e.function) ?? 0) + e.rateRps);
  const capacityOf = (fn: string, s: State): number => {
    let c = 0;
    for (const [h, m] of s) {
      const e = m.get(fn);
      if (e) c += e.cores * input.speed(h, fn);
    }
    return c;
  };
  const waves: Map<string, Entry[]>[] = [];
  const snapshot = (changed: Set<string>): void => {
    if (changed.size) waves.push(new Map([...changed].map((h) => [h, [...(state.get(h) ?? new Map<string, Entry>()).values()]])));
  };
  const done = (): boolean =>
    [...hosts].every((h) => {
      const a = state.get(h) ?? new Map<string, Entry>();
      const b = target.get(h) ?? new Map<string, Entry>();
      return a.size === b.size && [...b.values()].every((e) => same(a.get(e.function), e));
    });

  for (let round = 0; round < 2 * hosts.size + 4 && !done(); round++) {
    let progress = false;
    // start
    const started = new Set<string>();
    for (const h of hosts) {
      const m = state.get(h) as Map<string, Entry>;
      const cap = input.capacity.get(h) ?? Infinity;
      for (const e of (target.get(h) as Map<string, Entry>).values()) {
        const cur = m.get(e.function);
        if (cur && cur.cores >= e.cores) continue;
        if (used(m) - (cur?.cores ?? 0) + e.cores > cap) continue;
        m.set(e.function, { ...e, cores: e.cores, rateRps: cur ? Math.max(cur.rateRps, e.rateRps) : e.rateRps });
        started.add(h);
      }
    }
    snapshot(started);
    progress ||= started.size > 0;
    // stop: per function, all its pending stops at once if what remains covers its target rate
    const stopped = new Set<string>();
    const fns = new Set<string>();
    for (const m of state.values()) for (const fn of m.keys()) fns.add(fn);
    for (const fn of fns) {
      const after: State = new Map();
      const touches: string[] = [];
      for (const h of hosts) {
        const cur = state.get(h)?.get(fn);
        const tgt = target.get(h)?.get(fn);
        if (!cur || same(cur, tgt)) continue;
        if (tgt && tgt.cores > cur.cores) continue; // still to grow (no room yet)
        touches.push(h);
      }
      if (!touches.length) continue;
      for (const [h, m] of state) {
        const copy = new Map(m);
        if (touches.includes(h)) {
          const tgt = target.get(h)?.get(fn);
          if (tgt) copy.set(fn, tgt);
          else copy.delete(fn);
        }
        after.set(h, copy);
      }
      const need = targetRate.get(fn);
      if (need !== undefined && capacityOf(fn, after) < need * (1 - 1e-9)) continue;
      for (const h of touches) {
        const tgt = target.get(h)?.get(fn);
        const m = state.get(h) as Map<string, Entry>;
        if (tgt) m.set(fn, tgt);
        else m.delete(fn);
        stopped.add(h);
      }
    }
    snapshot(stopped);
    progress ||= stopped.size > 0;
    if (!progress) break;
  }
  const dips: string[] = [];
  if (!done()) {
    const final = toState(input.target, hosts);
    const changed = new Set<string>();
    for (const h of hosts) {
      const a = state.get(h) as Map<string, Entry>;
      const b = final.get(h) as Map<string, Entry>;
      if (a.size !== b.size || [...b.values()].some((e) => !same(a.get(e.function), e))) changed.add(h);
    }
    // Capacity during the forced switch: only what is neither stopped nor still starting counts.
    for (const [fn, need] of targetRate) {
      let c = 0;
      for (const h of hosts) {
        const a = state.get(h)?.get(fn);
        const b = final.get(h)?.get(fn);
        const keeps = changed.has(h) ? (a && b ? Math.min(a.cores, b.cores) : 0) : (a?.cores ?? 0);
        c += keeps * input.speed(h, fn);
      }
      if (c < need * (1 - 1e-9)) dips.push(fn);
    }
    for (const h of hosts) state.set(h, final.get(h) as Map<string, Entry>);
    snapshot(changed);
  }
  return { waves, dips: dips.sort() };
}
