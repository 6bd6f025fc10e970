// One simulation cell (mix × policy × load, optionally on a variant of the cluster): rates from the
// mix, a plan from the real planner (the code `isawatt plan` runs), then the engine on the truth.
// The planner only ever sees the models file; the engine only the truth (truth.ts) and the
// interference model. Rates and the placement problem are built once per (cluster, mix, load) and
// shared by every policy of that cell group.
import { ConfigError } from '@isawatt/common';
import { AUTO_EXACT_MAX_CELLS, plan as runPlanner, type PlanOptions, type SolverName } from '../placement/planner.js';
import type { Plan, PolicyName } from '../placement/plan.js';
import { buildProblem, type PlacementProblem } from '../placement/problem.js';
import type { RunRecord } from '../results/run-record.js';
import { deriveMixRates } from '../workload/mixes.js';
import type { FunctionDemand, HostSpec, MixName, Models } from '../workload/types.js';
import type { ClusterHost } from './cluster.js';
import { simulate, type EngineFunction, type EngineHost, type EngineOptions } from './engine.js';
import { speedFactors, type InterferenceModel } from './interference.js';
import { toRunRecord, type HostDetail, type PlacedDetail } from './record.js';
import { baseName, defaultMaxReplicaCores, replicate } from './replicas.js';
import { costAtUtilisation, trueFigures, type TrueFigures, type TruthOptions } from './truth.js';

export interface SimulationSetup {
  readonly models: Models;
  readonly truth: TruthOptions;
  readonly interference: InterferenceModel;
  readonly engine: EngineOptions;
  readonly rateTolerance: number;
  /** solver `fast`: see plannerSolver(); anything else goes to the planner as given. */
  readonly planOptions: Omit<PlanOptions, 'solver'> & { readonly solver: SimSolver };
  /** Largest share of one host a function may take before it is split into replicas (default: the smallest host's cores). */
  readonly maxReplicaCores?: number | undefined;
  readonly simulationId: string;
  readonly startedAt: string;
  /** Recorded in every RunRecord's inputs (files, versions, options). */
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface CellSpec {
  /** The workload: a mix at a load, or explicit rates (e.g. those of a measured run). */
  readonly mix?: MixName | undefined;
  readonly load?: number | undefined;
  readonly rates?: readonly FunctionDemand[] | undefined;
  readonly policy: PolicyName;
  /** Share of the cluster's hosts that are aarch64, for arm-share sweeps (undefined: the cluster as written). */
  readonly armShare?: number | undefined;
  /** The hosts of this cell's cluster (parked ones included; they draw nothing). */
  readonly hosts: readonly ClusterHost[];
  /** Simulated seconds of this cell (a replayed run's duration); default: the setup's. */
  readonly durationS?: number | undefined;
  /** Key of the (cluster, workload) group: cells with the same key share rates and problem. */
  readonly groupKey: string;
  /** Spare capacity the plan gives each rate (placement/problem.ts); a replayed run's own, else 0. */
  readonly headroom?: number | undefined;
  /** A replayed run's own robust planning (its `--robust-quantile`, `-joint`, `-arrivals`); absent: point figures. */
  readonly robust?: ReplayedRobust | undefined;
}

/** How a measured run was planned on speed quantiles (its record's `inputs.plan.robust`). */
export interface ReplayedRobust {
  readonly quantile: number;
  readonly joint?: boolean | undefined;
  readonly arrivals?: 'poisson' | undefined;
}

export interface CellOutcome {
  readonly spec: CellSpec;
  readonly plan: Plan;
  /** Absent when the planner found no plan (then nothing was simulated). */
  readonly record?: RunRecord | undefined;
  readonly planTimeMs: number;
  readonly simTimeMs: number;
  /** Planned on this quantile of each function's speed (`--robust-quantile`); undefined: the point figures. */
  readonly robustQuantile?: number | undefined;
  /**
   * Rates met second by second (absent without a plan): `allPct`, seconds in which every function
   * kept up; `functionPct`, function-seconds in which the function kept up (a function keeps up in
   * a second when it ends it with no more backlog than it serves in one second).
   */
  readonly secondsAtRate?: { readonly allPct: number; readonly functionPct: number } | undefined;
}

export type SimSolver = SolverName | 'fast';

/**
 * The planner's solver for one problem. `fast` (simulate's default) is `isawatt plan --solver auto`
 * with the in-process branch and bound as its exact step instead of MiniZinc: the same optimum at
 * the paper's size (both are exact), without a MiniZinc start-up in every cell of a matrix;
 * above AUTO_EXACT_MAX_CELLS function x host cells it is the heuristic, as `auto` is, and also
 * when functions were split into replicas (identical replicas are symmetric, which the branch and
 * bound does not break: it would search every permutation of them until its time limit).
 */
export function plannerSolver(solver: SimSolver, p: PlacementProblem): SolverName {
  if (solver !== 'fast') return solver;
  const replicas = p.functions.some((f) => f.name !== baseName(f.name));
  return !replicas && p.functions.length * p.hosts.length <= AUTO_EXACT_MAX_CELLS ? 'bnb' : 'heuristic';
}

/** Caches that make a matrix cheap: rates/problems per group, true figures per (function, type). */
export class CellRunner {
  private readonly problems = new Map<string, { problem: PlacementProblem; models: Models }>();
  private readonly truths = new Map<string, TrueFigures>();
  private count = 0;

  constructor(private readonly setup: SimulationSetup) {}

  /** The cell's placement problem, with the models as the planner sees them (replica names included). */
  problemFor(spec: CellSpec): { problem: PlacementProblem; models: Models } {
    let p = this.problems.get(spec.groupKey);
    if (!p) {
      const active: HostSpec[] = spec.hosts.filter((h) => !h.parked);
      const models = this.setup.models;
      const demands = spec.rates ? [...spec.rates] : deriveMixRates(spec.mix ?? 'general', spec.load ?? 0.5, undefined, active, models);
      const headroom = spec.headroom ?? 0;
      const r = replicate(demands, active, models, this.setup.maxReplicaCores ?? defaultMaxReplicaCores(active), { headroom });
      p = { problem: buildProblem(active, r.models, r.demands, { headroom }), models: r.models };
      // Only the current group is kept: cells are run group by group, and big problems are big.
      this.problems.clear();
      this.problems.set(spec.groupKey, p);
    }
    return p;
  }

  /** The truth of a function (a replica has its function's) on a host type. */
  private truthFor(replica: string, hostType: string): TrueFigures {
    const fn = baseName(replica);
    const key = `${fn}\u0000${hostType}`;
    let t = this.truths.get(key);
    if (!t) {
      const model = this.setup.models.hostTypes[hostType]?.functions[fn];
      if (!model) throw new Error(`simulation: no model for ${fn} on ${hostType} (the planner placed it there)`);
      t = trueFigures(model, fn, hostType, this.setup.truth);
      this.truths.set(key, t);
    }
    return t;
  }

  /**
   * Plans and simulates one cell; `robustQuantile` plans it on that quantile of each speed (same
   * truth). Without it, a replayed run is planned as it was (its own robust options, if any).
   */
  async run(spec: CellSpec, robustQuantile?: number): Promise<CellOutcome> {
    const s = this.setup;
    const { problem, models } = this.problemFor(spec);
    const t0 = performance.now();
    const robust =
      robustQuantile !== undefined
        ? { robustQuantile }
        : spec.robust
          ? { robustQuantile: spec.robust.quantile, robustJoint: spec.robust.joint, robustArrivals: spec.robust.arrivals }
          : { robustQuantile: undefined };
    const plan = await runPlanner(problem, spec.policy, { ...s.planOptions, solver: plannerSolver(s.planOptions.solver, problem), ...robust });
    const planTimeMs = performance.now() - t0;
    if (plan.assignments.length === 0) return { spec, plan, planTimeMs, simTimeMs: 0, robustQuantile };

    const t1 = performance.now();
    const hostIndex = new Map(spec.hosts.map((h, i) => [h.id, i]));
    const used = new Set(plan.assignments.map((a) => a.host));
    // energy-aware-whole parks the hosts its plan leaves empty; every other policy keeps them on.
    const hosts: EngineHost[] = spec.hosts.map((h) => ({
      id: h.id,
      idlePowerW: h.idlePowerW ?? s.models.hostTypes[h.type]?.idlePowerW ?? 0,
      on: !h.parked && (spec.policy !== 'energy-aware-whole' || used.has(h.id)),
    }));
    const hostDetails: HostDetail[] = spec.hosts.map((h) => ({ type: h.type, cores: h.cores, parked: h.parked }));

    // Interference factors, host by host, from the cores each tenant holds.
    const byHost = new Map<number, number[]>();
    plan.assignments.forEach((a, j) => {
      const i = hostIndex.get(a.host);
      if (i === undefined) throw new Error(`simulation: plan uses unknown host ${a.host}`);
      const list = byHost.get(i) ?? [];
      list.push(j);
      byHost.set(i, list);
    });
    const slow = new Float64Array(plan.assignments.length).fill(1);
    for (const [i, js] of byHost) {
      const tenants = js.map((j) => {
        const a = plan.assignments[j];
        return { cores: a?.cores ?? 0, category: a ? models.categories[a.function] : undefined };
      });
      speedFactors(s.interference, spec.hosts[i]?.cores ?? 0, tenants).forEach((f, k) => (slow[js[k] as number] = f));
    }

    const fns: EngineFunction[] = [];
    const details: PlacedDetail[] = [];
    plan.assignments.forEach((a, j) => {
      const i = hostIndex.get(a.host) as number;
      const h = spec.hosts[i] as ClusterHost;
      const model = models.hostTypes[h.type]?.functions[a.function];
      if (!model) throw new Error(`simulation: no model for ${a.function} on ${h.type}`);
      const truth = this.truthFor(a.function, h.type);
      const sf = slow[j] ?? 1;
      // The utilisation the function's cores run at (its rate over their true saturated capacity),
      // and what one execution really costs there (truth.ts: wake-ups below saturation).
      const utilisation = a.cores > 0 ? a.rateRps / (a.cores * truth.execPerSecPerCore * sf) : 1;
      const cost = costAtUtilisation(truth, utilisation);
      const perCore = cost.execPerSecPerCore * sf;
      fns.push({
        name: a.function,
        host: i,
        rateRps: a.rateRps,
        capacityRps: a.cores * perCore,
        // Same power per busy core, fewer executions per core-second: more energy per execution.
        energyPerExecJ: cost.energyPerExecJ / sf,
        coreSecondsPerExec: 1 / perCore,
      });
      details.push({
        hostId: h.id,
        hostType: h.type,
        cores: a.cores,
        modelExecPerSecPerCore: model.execPerSecPerCore,
        modelEnergyPerExecJ: model.energyPerExecJ,
        plannedPowerW: a.powerW,
        interference: sf,
        speedFactor: truth.speedFactor,
        utilisation: cost.openLoop ? cost.utilisation : undefined,
      });
    });
    const engine = spec.durationS !== undefined ? { ...s.engine, durationS: spec.durationS } : s.engine;
    const result = simulate(hosts, fns, engine);
    const n = ++this.count;
    const tag = [
      spec.mix ?? 'rates',
      spec.policy,
      spec.load !== undefined ? `l${spec.load}` : '',
      spec.armShare !== undefined ? `arm${spec.armShare}` : '',
      robustQuantile !== undefined ? `robust${robustQuantile}` : '',
    ]
      .filter(Boolean)
      .join('-');
    const record = toRunRecord(
      {
        id: `${s.simulationId}-${String(n).padStart(4, '0')}-${tag}`,
        experimentId: s.simulationId,
        startedAt: s.startedAt,
        mix: spec.mix,
        policy: spec.policy,
        load: spec.load,
        seed: s.truth.seed,
        durationS: engine.durationS,
        rateTolerance: s.rateTolerance,
        inputs: {
          ...s.inputs,
          ...(spec.armShare !== undefined ? { armShare: spec.armShare } : {}),
          ...(robustQuantile !== undefined ? { robustQuantile } : {}),
        },
      },
      plan,
      hosts,
      hostDetails,
      fns,
      details,
      result,
    );
    const D = engine.durationS;
    const behind = result.functions.reduce((sum, f) => sum + f.secondsBehind, 0);
    const secondsAtRate = {
      allPct: (result.secondsAllKeptUp / D) * 100,
      functionPct: fns.length ? (1 - behind / (fns.length * D)) * 100 : 100,
    };
    return { spec, plan, record, planTimeMs, simTimeMs: performance.now() - t1, robustQuantile, secondsAtRate };
  }
}

/** The paper's short mix names (general, crypto, media, scientific, web) or the workload file's. */
export function parseMix(value: string): MixName {
  const v = value.trim();
  const full = v === 'general' || v.endsWith('-dominated') ? v : `${v}-dominated`;
  const known: readonly string[] = ['general', 'crypto-dominated', 'media-dominated', 'scientific-dominated', 'web-dominated'];
  if (!known.includes(full)) {
    throw new ConfigError([`--mixes: unknown mix "${v}" (expected general, crypto, media, scientific, web or their -dominated forms)`], 'simulate options');
  }
  return full as MixName;
}

/** The short name used in tables (crypto for crypto-dominated). */
export function shortMix(mix: string | undefined): string {
  return mix === undefined ? 'rates' : mix.replace(/-dominated$/, '');
}
