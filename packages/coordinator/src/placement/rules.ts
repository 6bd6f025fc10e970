// The seed's fixed-rule policies. Deterministic: functions in workload order, hosts in file order.
// rr cycles over the hosts, starting after the host it used last and skipping hosts without room;
// x86-first / arm-first place each function on the first host (that arch first, then the other)
// with room. With split, a function that fits no host whole fills the hosts' free cores in the
// rule's order (rr: starting at its next host), each replica serving what its cores can.
import { diagnoseInfeasibility, diagnoseSplitInfeasibility, ruleFailure } from './diagnose.js';
import { emptyPlan, makePlan, type Plan } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { makeSplitPlan } from './split-plan.js';
import { coresFor, DEFAULT_REPLICA_COST, toSplitInstance, type Part } from './split.js';

export type RulePolicy = 'rr' | 'x86-first' | 'arm-first';

/** Host indexes in the order a rule tries them for the function after `start` (rr) or always (firsts). */
function hostOrder(p: PlacementProblem, rule: RulePolicy): number[] {
  const idx = p.hosts.map((_, i) => i);
  if (rule === 'rr') return idx;
  const first = rule === 'x86-first' ? 'x86_64' : 'aarch64';
  return [...idx.filter((i) => p.hosts[i]?.arch === first), ...idx.filter((i) => p.hosts[i]?.arch !== first)];
}

export function solveRule(p: PlacementProblem, rule: RulePolicy, split?: { replicaCost?: number | undefined }): Plan {
  const started = performance.now();
  const m = p.hosts.length;
  const free = p.hosts.map((h) => h.cores);
  const order = hostOrder(p, rule);
  const hostOf: number[] = [];
  const parts: Part[] = [];
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
    if (chosen < 0 && split) {
      const got = splitInOrder(
        p,
        j,
        order.map((_, k) => order[(rule === 'rr' ? next + k : k) % m] ?? 0),
        free,
      );
      if (got) {
        parts.push(...got);
        if (rule === 'rr') next = (order.indexOf(got[got.length - 1]?.i ?? 0) + 1) % m;
        hostOf.push(-1);
        continue;
      }
    }
    if (chosen < 0) {
      const reasons = [ruleFailure(p, rule, j, free), ...(split ? diagnoseSplitInfeasibility(p) : diagnoseInfeasibility(p))];
      return emptyPlan(rule, 'infeasible', 'rule', performance.now() - started, reasons);
    }
    free[chosen] = (free[chosen] ?? 0) - (p.cores[chosen]?.[j] ?? 0);
    hostOf.push(chosen);
    parts.push({ j, i: chosen, cores: p.cores[chosen]?.[j] ?? 0, rateRps: p.functions[j]?.rateRps ?? 0 });
  }
  const fields = { status: 'feasible' as const, solver: 'rule', bound: null, solveTimeMs: performance.now() - started };
  if (!split) return makePlan(p, rule, hostOf, fields);
  return { ...makeSplitPlan(p, rule, toSplitInstance(p, 'energy-aware', split.replicaCost ?? DEFAULT_REPLICA_COST), parts, fields), policy: rule };
}

/** Fills the free cores of the hosts in `hosts` order with function j's rate; null (nothing taken) if they cannot carry it. */
function splitInOrder(p: PlacementProblem, j: number, hosts: readonly number[], free: number[]): Part[] | null {
  let rest = p.functions[j]?.rateRps ?? 0;
  const parts: Part[] = [];
  for (const i of hosts) {
    const e = p.model[i]?.[j]?.execPerSecPerCore;
    if (rest <= 0 || !e || (free[i] ?? 0) < 1) continue;
    const cores = Math.min(free[i] ?? 0, coresFor(rest, e));
    const share = Math.min(rest, cores * e);
    parts.push({ j, i, cores: coresFor(share, e), rateRps: share });
    rest -= share;
  }
  if (rest > 1e-9 * (p.functions[j]?.rateRps ?? 0)) return null;
  for (const q of parts) free[q.i] = (free[q.i] ?? 0) - q.cores;
  return parts;
}
