// The seed's fixed-rule policies. Deterministic: functions in workload order, hosts in file order.
// rr cycles over the hosts, starting after the host it used last and skipping hosts without room;
// x86-first / arm-first place each function on the first host (that arch first, then the other)
// with room.
import { diagnoseInfeasibility, ruleFailure } from './diagnose.js';
import { emptyPlan, makePlan, type Plan } from './plan.js';
import type { PlacementProblem } from './problem.js';

export type RulePolicy = 'rr' | 'x86-first' | 'arm-first';

/** Host indexes in the order a rule tries them for the function after `start` (rr) or always (firsts). */
function hostOrder(p: PlacementProblem, rule: RulePolicy): number[] {
  const idx = p.hosts.map((_, i) => i);
  if (rule === 'rr') return idx;
  const first = rule === 'x86-first' ? 'x86_64' : 'aarch64';
  return [...idx.filter((i) => p.hosts[i]?.arch === first), ...idx.filter((i) => p.hosts[i]?.arch !== first)];
}

export function solveRule(p: PlacementProblem, rule: RulePolicy): Plan {
  const started = performance.now();
  const m = p.hosts.length;
  const free = p.hosts.map((h) => h.cores);
  const order = hostOrder(p, rule);
  const hostOf: number[] = [];
  let next = 0; // rr: position in `order` to try first
  for (let j = 0; j < p.functions.length; j++) {
    let chosen = -1;
    for (let k = 0; k < m; k++) {
      const pos = rule === 'rr' ? (next + k) % m : k;
      const i = order[pos] ?? -1;
      const a = p.cores[i]?.[j];
      if (a !== null && a !== undefined && a <= (free[i] ?? 0)) {
        chosen = i;
        if (rule === 'rr') next = (pos + 1) % m;
        break;
      }
    }
    if (chosen < 0) {
      const reasons = [ruleFailure(p, rule, j, free), ...diagnoseInfeasibility(p)];
      return emptyPlan(rule, 'infeasible', 'rule', performance.now() - started, reasons);
    }
    free[chosen] = (free[chosen] ?? 0) - (p.cores[chosen]?.[j] ?? 0);
    hostOf.push(chosen);
  }
  return makePlan(p, rule, hostOf, { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: performance.now() - started });
}
