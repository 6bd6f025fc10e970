// What a policy returns: one host and a core count per function, with the solver's account of how
// good the plan is. Objective and bound are in the policy's unit: cores (core-aware) or watts.
import type { PlacementProblem } from './problem.js';

export const POLICIES = ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** optimal: proven; feasible: a plan, optimality not proven (time limit, heuristic or fixed rule);
 *  infeasible: proven that no plan exists; timeout: the time limit passed before any plan. */
export type PlanStatus = 'optimal' | 'feasible' | 'infeasible' | 'timeout';

export interface PlacedFunction {
  readonly function: string;
  readonly host: string;
  readonly cores: number;
  /** Predicted power of the function at its rate on that host, in watts (W_ij * R_j). */
  readonly powerW: number;
  readonly rateRps: number;
}

export interface Plan {
  readonly policy: PolicyName;
  readonly status: PlanStatus;
  /** Who produced it, e.g. "minizinc-native/gecode", "heuristic", "rule". */
  readonly solver: string;
  /**
   * For an optimal plan, what proved it optimal, which is not always its solver: "lower bound" (the
   * plan meets the in-process Lagrangian bound, so no exact solver was needed), "branch and
   * bound", or the MiniZinc solver's tag.
   */
  readonly provenBy?: string;
  /** Empty unless status is optimal or feasible. */
  readonly assignments: readonly PlacedFunction[];
  readonly objective: number | null;
  readonly objectiveUnit: 'cores' | 'W';
  /** A proven lower bound on the objective (null when none is known, e.g. fixed-rule policies). */
  readonly bound: number | null;
  /** (objective - bound) / objective, in percent. */
  readonly gapPct: number | null;
  /** Sum of the functions' predicted power, in watts. */
  readonly predictedPowerW: number;
  /** Idle power of the hosts that run something, in watts (0 when idle powers are unknown). */
  readonly idlePowerOnW: number;
  readonly totalCores: number;
  readonly solveTimeMs: number;
  /** For infeasible/timeout: the precise reason (which hosts are short, or which function fits nowhere). */
  readonly reasons: readonly string[];
  /**
   * Present when the plan was made with --split: a function may have several assignments (one per
   * host), whose rateRps are its shares (they add up to its rate). `extraReplicas` counts the
   * assignments beyond one per function; each cost `replicaCost` in the objective.
   */
  readonly split?: { readonly replicaCost: number; readonly extraReplicas: number } | undefined;
  /** Re-planning: placements that move a function to a host that does not run it now. */
  readonly moves?: number | undefined;
  /**
   * Present when planned on a quantile of each function's speed (--robust-quantile): the quantile,
   * and (filled by the CLI, which also plans on the point figures) the cores the plain plan of the
   * same policy uses and the extra cores robustness costs.
   */
  readonly robust?:
    | {
        readonly quantile: number;
        /** --robust-joint: quantile is the plan's risk; each function was planned on functionQuantile. */
        readonly joint?: boolean | undefined;
        readonly functionQuantile?: number | undefined;
        /** --robust-arrivals: also sized for one-second bursts of these arrivals. */
        readonly arrivals?: 'poisson' | undefined;
        readonly plainCores?: number | undefined;
        readonly extraCores?: number | undefined;
      }
    | undefined;
}

/** hostOf[j] = index of the host of function j. */
export type HostIndexes = readonly number[];

export function objectiveUnit(policy: PolicyName): 'cores' | 'W' {
  return policy === 'core-aware' ? 'cores' : 'W';
}

/** Objective of an assignment under a policy (for rule policies: energy, the quantity compared). */
export function objectiveOf(p: PlacementProblem, policy: PolicyName, hostOf: HostIndexes): number {
  let v = 0;
  const used = new Set<number>();
  hostOf.forEach((i, j) => {
    used.add(i);
    v += policy === 'core-aware' ? (p.cores[i]?.[j] ?? NaN) : (p.powerW[i]?.[j] ?? NaN);
  });
  if (policy === 'energy-aware-whole') for (const i of used) v += p.idlePowerW[i] ?? 0;
  return v;
}

export function gapPct(objective: number | null, bound: number | null): number | null {
  if (objective === null || bound === null) return null;
  if (objective <= 0) return 0;
  return Math.max(0, ((objective - bound) / objective) * 100);
}

/** Turns host indexes into a Plan, checking capacity (a violated one is a bug, not a plan). */
export function makePlan(
  p: PlacementProblem,
  policy: PolicyName,
  hostOf: HostIndexes,
  fields: {
    status: 'optimal' | 'feasible';
    solver: string;
    provenBy?: string | undefined;
    bound: number | null;
    solveTimeMs: number;
    openPrice?: Float64Array | undefined;
  },
): Plan {
  const used = new Map<number, number>();
  const assignments = hostOf.map((i, j) => {
    const h = p.hosts[i];
    const f = p.functions[j];
    const cores = p.cores[i]?.[j];
    const powerW = p.powerW[i]?.[j];
    if (!h || !f || cores === null || cores === undefined || powerW === null || powerW === undefined) {
      throw new Error(`placement: function ${j} placed on host ${i} without a model`);
    }
    used.set(i, (used.get(i) ?? 0) + cores);
    return { function: f.name, host: h.id, cores, powerW, rateRps: f.rateRps };
  });
  const n = p.functions.length;
  const open = fields.openPrice;
  const objective = objectiveOf(p, policy, hostOf) + (open ? hostOf.reduce((s, i, j) => s + (open[i * n + j] ?? 0), 0) : 0);
  return solvedPlan(p, policy, assignments, used, objective, fields);
}

/**
 * The Plan of checked assignments (whole or split): refuses an over-committed host (a solver bug,
 * not a plan) and derives the totals every plan reports. `used` is the cores taken on each host.
 */
export function solvedPlan(
  p: PlacementProblem,
  policy: PolicyName,
  assignments: readonly PlacedFunction[],
  used: ReadonlyMap<number, number>,
  objective: number,
  fields: { status: 'optimal' | 'feasible'; solver: string; provenBy?: string | undefined; bound: number | null; solveTimeMs: number },
): Plan {
  for (const [i, c] of used) {
    const h = p.hosts[i];
    if (h && c > h.cores) throw new Error(`placement: host "${h.id}" over capacity (${c} > ${h.cores})`);
  }
  const bound = fields.status === 'optimal' ? objective : fields.bound;
  return {
    policy,
    status: fields.status,
    solver: fields.solver,
    ...(fields.status === 'optimal' && fields.provenBy !== undefined ? { provenBy: fields.provenBy } : {}),
    assignments,
    objective,
    objectiveUnit: objectiveUnit(policy),
    bound,
    gapPct: gapPct(objective, bound),
    predictedPowerW: assignments.reduce((s, a) => s + a.powerW, 0),
    idlePowerOnW: [...used.keys()].reduce((s, i) => s + (p.idlePowerW[i] ?? 0), 0),
    totalCores: assignments.reduce((s, a) => s + a.cores, 0),
    solveTimeMs: fields.solveTimeMs,
    reasons: [],
  };
}

/** A plan without assignments (infeasible or timed out), with the reasons. */
export function emptyPlan(
  policy: PolicyName,
  status: 'infeasible' | 'timeout',
  solver: string,
  solveTimeMs: number,
  reasons: readonly string[],
  bound: number | null = null,
): Plan {
  return {
    policy,
    status,
    solver,
    assignments: [],
    objective: null,
    objectiveUnit: objectiveUnit(policy),
    bound,
    gapPct: null,
    predictedPowerW: 0,
    idlePowerOnW: 0,
    totalCores: 0,
    solveTimeMs,
    reasons,
  };
}
