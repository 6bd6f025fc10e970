// Turns split parts (host, cores, rate share per replica) into a Plan, checking what must hold:
// every function's shares add up to its rate, every share has the cores it needs, no host is over
// capacity. A violation is a bug in a solver, not a plan.
import { solvedPlan, type Plan, type PolicyName } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { coresFor, splitObjective, type Part, type SplitInstance } from './split.js';

export function makeSplitPlan(
  p: PlacementProblem,
  policy: PolicyName,
  si: SplitInstance,
  parts: readonly Part[],
  fields: { status: 'optimal' | 'feasible'; solver: string; bound: number | null; solveTimeMs: number; isMove?: Uint8Array | undefined },
): Plan {
  const n = p.functions.length;
  const sorted = [...parts].sort((a, b) => a.j - b.j || a.i - b.i);
  const used = new Map<number, number>();
  const served = new Float64Array(n);
  const assignments = sorted.map((q) => {
    const h = p.hosts[q.i];
    const f = p.functions[q.j];
    const md = p.model[q.i]?.[q.j];
    if (!h || !f || !md) throw new Error(`placement: function ${q.j} placed on host ${q.i} without a model`);
    if (q.cores < coresFor(q.rateRps, si.speed[q.i * n + q.j] as number))
      throw new Error(`placement: ${f.name} on ${h.id}: ${q.cores} cores cannot serve ${q.rateRps} req/s`);
    used.set(q.i, (used.get(q.i) ?? 0) + q.cores);
    served[q.j] = (served[q.j] as number) + q.rateRps;
    return { function: f.name, host: h.id, cores: q.cores, powerW: md.energyPerExecJ * q.rateRps, rateRps: q.rateRps };
  });
  p.functions.forEach((f, j) => {
    if (Math.abs((served[j] as number) - f.rateRps) > 1e-6 * Math.max(1, f.rateRps)) {
      throw new Error(`placement: shares of ${f.name} add up to ${served[j]} req/s, not its rate ${f.rateRps}`);
    }
  });
  return {
    ...solvedPlan(p, policy, assignments, used, splitObjective(si, sorted), fields),
    split: { replicaCost: si.replicaCost, extraReplicas: Math.max(0, parts.length - n) },
    ...(fields.isMove ? { moves: sorted.filter((q) => fields.isMove?.[q.i * n + q.j] === 1).length } : {}),
  };
}
