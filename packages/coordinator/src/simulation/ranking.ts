// Policy rankings that admit ties. Two policies whose energies differ by less than the measurement
// noise have no meaningful order: a strict ranking would call the measured and simulated rankings
// different whenever two such policies swap places, which says nothing about the simulator. Here
// two energies within `tiePct` % of each other (of the larger) are a tie, and two rankings agree when
// no pair of policies is strictly ordered one way in the measurement and strictly the other way in
// the simulation. The strict ranking is still reported beside it (docs/simulation.md).

/** Mean energy per policy (J), one ranking's input. */
export type PolicyEnergies = ReadonlyMap<string, number>;

/** -1: a before b (less energy), 1: b before a, 0: tied within tiePct. */
export function order(a: number, b: number, tiePct: number): -1 | 0 | 1 {
  const big = Math.max(Math.abs(a), Math.abs(b));
  if (big === 0 || Math.abs(a - b) <= (tiePct / 100) * big) return 0;
  return a < b ? -1 : 1;
}

/** Policies lowest energy first, with "≈" between neighbours tied within tiePct, "<" otherwise. */
export function describeRanking(e: PolicyEnergies, tiePct: number): string {
  const sorted = [...e.entries()].sort((x, y) => x[1] - y[1]);
  return sorted.map(([p], k) => (k === 0 ? p : `${order(sorted[k - 1]?.[1] ?? 0, sorted[k]?.[1] ?? 0, tiePct) === 0 ? ' ≈ ' : ' < '}${p}`)).join('');
}

/** Pairs strictly ordered one way in `a` and strictly the other way in `b` (policies in both). */
export function conflictingPairs(a: PolicyEnergies, b: PolicyEnergies, tiePct: number): [string, string][] {
  const common = [...a.keys()].filter((p) => b.has(p)).sort();
  const out: [string, string][] = [];
  for (let i = 0; i < common.length; i++) {
    for (let j = i + 1; j < common.length; j++) {
      const p = common[i] as string;
      const q = common[j] as string;
      const oa = order(a.get(p) ?? 0, a.get(q) ?? 0, tiePct);
      const ob = order(b.get(p) ?? 0, b.get(q) ?? 0, tiePct);
      if (oa !== 0 && ob !== 0 && oa !== ob) out.push([p, q]);
    }
  }
  return out;
}
