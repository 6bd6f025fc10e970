// A placement problem: hosts, functions with rates, and for every (host, function) pair the cores
// the function needs there (the seed's A_j = ceil(R_j / E_ij)) and its predicted power (W_ij * R_j).
// Building it validates the inputs against each other; every mismatch is listed in one ConfigError.
import { ConfigError } from '@isawatt/common';
import type { FigureSpread, FunctionDemand, FunctionModel, HostSpec, Models } from '../workload/types.js';
import { fitIdleShare, openLoopPointsOf } from './open-loop-fit.js';

export interface PlacementProblem {
  readonly hosts: readonly HostSpec[];
  readonly functions: readonly FunctionDemand[];
  /** cores[i][j]: cores function j needs on host i, or null when no model exists for the pair. */
  readonly cores: readonly (readonly (number | null)[])[];
  /** powerW[i][j]: predicted power of function j on host i at its rate, in watts (null: no model). */
  readonly powerW: readonly (readonly (number | null)[])[];
  /** Idle power of each host, in watts (0 when neither the host nor its type says). */
  readonly idlePowerW: readonly number[];
  /**
   * model[i][j]: the model of function j on host i's type (null: none). Split plans need E_ij and
   * W_ij per rate share, robust plans the spread; cores and powerW above are derived from it.
   */
  readonly model: readonly (readonly (FunctionModel | null)[])[];
  /** Which figures cores, power and `model` were built on (absent in problems built by hand). */
  readonly figures?: FiguresUsed | undefined;
  /**
   * The spare capacity `cores` were sized with (ProblemOptions.headroom; absent: 0). Every step that
   * sizes cores again from `model` (robust quantiles, split shares) must apply it too, or it plans
   * the rate with no spare capacity at all.
   */
  readonly headroom?: number | undefined;
  /**
   * raw[i][j]: the models file's own figures for the pair (saturated, with its open-loop points),
   * before planningModel; the same object as model[i][j] where the plan uses the saturated ones. A
   * step that changes a pair's cores after buildProblem prices its energy again from it
   * (robust planning: more cores, each less busy). Absent in problems built by hand.
   */
  readonly raw?: readonly (readonly (FunctionModel | null)[])[] | undefined;
}

/**
 * Which figures a plan is made on. `open-loop` (the default): a function's open-loop figures where
 * the models file has them (its cost at the utilisation a planned run loads its cores to), the
 * saturated ones elsewhere. `saturated`: the saturated figures (the paper's E_ij / W_ij) everywhere.
 */
export type FiguresChoice = 'open-loop' | 'saturated';
export const FIGURES_CHOICES: readonly FiguresChoice[] = ['open-loop', 'saturated'];

export interface FiguresUsed {
  readonly choice: FiguresChoice;
  /** (host type, function) pairs of the problem planned on open-loop and on saturated figures. */
  readonly openLoopPairs: number;
  readonly saturatedPairs: number;
  /** Utilisations the open-loop figures were measured at (distinct, ascending). */
  readonly utilisations: readonly number[];
}

/** "open-loop figures (at 70 % utilisation) for 8 of 8 (host type, function) pairs" and the like. */
export function describeFigures(f: FiguresUsed): string {
  const total = f.openLoopPairs + f.saturatedPairs;
  if (f.openLoopPairs === 0)
    return `figures: saturated (E_ij, W_ij) for all ${total} (host type, function) pairs${f.choice === 'open-loop' ? ' (the models have no open-loop figures)' : ''}`;
  const at = f.utilisations.map((u) => `${Math.round(u * 100)} %`).join(', ');
  return `figures: open-loop (measured at ${at} utilisation) for ${f.openLoopPairs} of ${total} (host type, function) pairs${f.saturatedPairs > 0 ? `, saturated for ${f.saturatedPairs} without them` : ''}`;
}

function scaleSpread(s: FigureSpread, k: number): FigureSpread {
  return { ...s, median: s.median * k, min: s.min * k, max: s.max * k, ...(s.perBag ? { perBag: s.perBag.map((v) => v * k) } : {}) };
}

/**
 * Share of a function's saturated energy per execution that becomes a per-core cost below
 * saturation, fitted by least squares through the saturated point W(1) = W_sat and every
 * open-loop point measured, W(u_m) = W_open,m (open-loop-fit.ts):
 *
 *   W(u) = W_sat x ((1 - k) + k / u),  k = Σ x_m y_m / Σ x_m²,  x = 1 / u_m - 1,  y = W_open,m / W_sat - 1,
 *
 * clamped to 0 <= k <= 1. With one point, k = (W_open / W_sat - 1) / (1 / u_m - 1).
 * k = 0: energy per execution does not depend on utilisation (a slow function: its cores sleep
 * between executions). k = 1: the cores cost their saturated power whatever the rate (every
 * execution also pays a wake-up that fills the idle time: on the emulated pair, fast functions'
 * cores stay ~100 % busy from half load up). Power is then W_sat x R x (1 - k) per execution plus
 * k x W_sat x E_sat per planned core: what makes an extra core cost energy.
 */
export function openLoopEnergyShare(m: FunctionModel): number {
  return fitIdleShare(openLoopPointsOf(m).map((o) => ({ utilisation: o.utilisation, ratio: o.energyPerExecJ / m.energyPerExecJ })));
}

/**
 * Energy per execution at utilisation `u` of the saturated capacity of the planned cores: the
 * saturated figure with the open-loop share (openLoopEnergyShare) spread over the executions.
 */
export function energyPerExecAt(m: FunctionModel, u: number): number {
  const k = openLoopEnergyShare(m);
  const util = Math.min(1, Math.max(1e-6, u));
  return m.energyPerExecJ * (1 - k + k / util);
}

/**
 * The model a plan uses for one pair. With open-loop figures, capacity is the open-loop
 * executions per busy core-second: where the cores had idle time left, the true cost of one
 * execution; where they were at their limit yet kept up, the rate they were shown to sustain;
 * where they fell behind, what they managed. With several points, capacity is the one at the
 * highest utilisation (`openLoop`): a plan loads cores up to 1 / (1 + headroom), and that point
 * (0.85 by default) is the only one showing that the cores keep up that high; a lower point's rate
 * per busy core-second is lower where wake-ups fill the idle time, and would buy cores the
 * measurements do not ask for. Energy per execution is the one at the utilisation
 * the plan will load them to (energyPerExecAt), given the rate and the cores the open-loop
 * capacity asks for (`rateRps`, `headroom`; without a rate, the open-loop figure as measured).
 * The spread (robust planning's quantiles) and standard deviations are scaled by the same factors:
 * the bags' relative spread is kept. The saturated figures stay in the models file (issue 11's
 * ratio checks and the report read them).
 */
export function planningModel(m: FunctionModel, choice: FiguresChoice = 'open-loop', rateRps?: number, headroom = 0): FunctionModel {
  const o = m.openLoop;
  if (choice === 'saturated' || o === undefined) return m;
  let energy = o.energyPerExecJ;
  if (rateRps !== undefined && rateRps > 0) {
    const cores = coresNeeded(rateRps * (1 + headroom), o.execPerSecPerCore);
    energy = energyPerExecAt(m, rateRps / (cores * m.execPerSecPerCore));
  }
  const kE = o.execPerSecPerCore / m.execPerSecPerCore;
  const kW = energy / m.energyPerExecJ;
  return {
    ...m,
    execPerSecPerCore: o.execPerSecPerCore,
    energyPerExecJ: energy,
    ...(m.execPerSecPerCoreStd !== undefined ? { execPerSecPerCoreStd: m.execPerSecPerCoreStd * kE } : {}),
    ...(m.energyPerExecJStd !== undefined ? { energyPerExecJStd: m.energyPerExecJStd * kW } : {}),
    ...(m.spread
      ? { spread: { ...m.spread, execPerSecPerCore: scaleSpread(m.spread.execPerSecPerCore, kE), energyPerExecJ: scaleSpread(m.spread.energyPerExecJ, kW) } }
      : {}),
  };
}

/**
 * Cores needed to serve `rateRps` at `execPerSecPerCore` per core: ceil(R / E). The tiny tolerance
 * keeps a rate that is an exact multiple (8 / 2 computed as 4.000000000000001) from costing a core.
 */
export function coresNeeded(rateRps: number, execPerSecPerCore: number): number {
  return Math.max(1, Math.ceil(rateRps / execPerSecPerCore - 1e-9));
}

/** Hosts whose type has no model, or whose arch differs from the model's (one line each). */
export function hostTypeIssues(hosts: readonly HostSpec[], models: Models): string[] {
  const issues: string[] = [];
  for (const h of hosts) {
    const t = models.hostTypes[h.type];
    if (!t) issues.push(`host "${h.id}": no model for host type "${h.type}" in the models file`);
    else if (t.arch !== h.arch) {
      issues.push(`host "${h.id}": arch ${h.arch} but host type "${h.type}" is modelled as ${t.arch}`);
    }
  }
  return issues;
}

export interface ProblemOptions {
  /**
   * Spare capacity planned on top of each rate: A_j = ceil(R_j (1 + headroom) / E_ij). 0 is the
   * seed's plan. A run offers R_j and checks >= (1 - tolerance) R_j: at headroom 0 a function whose
   * cores come out exactly at R_j runs them at 100 % utilisation, where an open-loop queue grows
   * with every slow invocation and drops arrivals (docs/experiments.md, "Headroom"). Power and
   * energy predictions stay at R_j: spare cores are idle, not busy.
   */
  readonly headroom?: number;
  /** Figures to plan on (default open-loop where present, see FiguresChoice). */
  readonly figures?: FiguresChoice;
}

/** Largest headroom accepted: planning twice the rate is a different workload, not spare capacity. */
export const MAX_HEADROOM = 1;

/** Builds the problem; throws ConfigError listing every input mismatch (exit code 2 in the CLI). */
export function buildProblem(hosts: readonly HostSpec[], models: Models, functions: readonly FunctionDemand[], opts: ProblemOptions = {}): PlacementProblem {
  const headroom = opts.headroom ?? 0;
  const choice = opts.figures ?? 'open-loop';
  const issues = hostTypeIssues(hosts, models);
  if (!(headroom >= 0 && headroom <= MAX_HEADROOM)) issues.push(`headroom: expected a fraction from 0 to ${MAX_HEADROOM}, got ${headroom}`);
  const known = new Set(Object.values(models.hostTypes).flatMap((t) => Object.keys(t.functions)));
  const clusterTypes = [...new Set(hosts.map((h) => h.type))];
  for (const f of functions) {
    if (!(f.rateRps > 0) || !Number.isFinite(f.rateRps)) {
      issues.push(`function "${f.name}": rate must be a positive number of requests/s, got ${f.rateRps}`);
    }
    if (!known.has(f.name)) {
      issues.push(`function "${f.name}": unknown function (no host type in the models file has it)`);
    } else if (!clusterTypes.some((t) => models.hostTypes[t]?.functions[f.name])) {
      issues.push(`function "${f.name}": no model on any host type of the cluster (${clusterTypes.join(', ')})`);
    }
  }
  if (issues.length) throw new ConfigError(issues, 'placement input');

  // Both rows depend on the host type only: hosts of one type share one (read-only) row, which
  // keeps a 1,000-host x 10,000-function problem to a few rows per type instead of 10^7 cells.
  const rows = new Map<string, { cores: (number | null)[]; powerW: (number | null)[]; model: (FunctionModel | null)[]; raw: (FunctionModel | null)[] }>();
  let openLoopPairs = 0;
  let saturatedPairs = 0;
  const utilisations = new Set<number>();
  for (const t of clusterTypes) {
    const fm = models.hostTypes[t]?.functions ?? {};
    const c: (number | null)[] = [];
    const w: (number | null)[] = [];
    const md: (FunctionModel | null)[] = [];
    const rw: (FunctionModel | null)[] = [];
    for (const f of functions) {
      const raw = fm[f.name];
      const m = raw ? planningModel(raw, choice, f.rateRps, headroom) : undefined;
      if (raw) {
        if (m !== raw && raw.openLoop) {
          openLoopPairs++;
          for (const o of openLoopPointsOf(raw)) utilisations.add(o.utilisation);
        } else saturatedPairs++;
      }
      c.push(m ? coresNeeded(f.rateRps * (1 + headroom), m.execPerSecPerCore) : null);
      w.push(m ? m.energyPerExecJ * f.rateRps : null);
      md.push(m ?? null);
      rw.push(raw ?? null);
    }
    rows.set(t, { cores: c, powerW: w, model: md, raw: rw });
  }
  const cores = hosts.map((h) => rows.get(h.type)?.cores ?? functions.map(() => null));
  const powerW = hosts.map((h) => rows.get(h.type)?.powerW ?? functions.map(() => null));
  const idlePowerW = hosts.map((h) => h.idlePowerW ?? models.hostTypes[h.type]?.idlePowerW ?? 0);
  const model = hosts.map((h) => rows.get(h.type)?.model ?? functions.map(() => null));
  const raw = hosts.map((h) => rows.get(h.type)?.raw ?? functions.map(() => null));
  const figures: FiguresUsed = { choice, openLoopPairs, saturatedPairs, utilisations: [...utilisations].sort((a, b) => a - b) };
  return { hosts, functions, cores, powerW, idlePowerW, model, figures, headroom, raw };
}

/**
 * Cores that serve `rateRps` at `execPerSecPerCore` with the problem's headroom: what `cores` holds,
 * computed again for a speed changed after buildProblem (robust planning).
 */
export function plannedCores(p: Pick<PlacementProblem, 'headroom'>, rateRps: number, execPerSecPerCore: number): number {
  return coresNeeded(rateRps * (1 + (p.headroom ?? 0)), execPerSecPerCore);
}

/** True when function j may run on host i: a model exists and it fits the empty host. */
export function allowed(p: PlacementProblem, i: number, j: number): boolean {
  const a = p.cores[i]?.[j];
  const h = p.hosts[i];
  return a !== null && a !== undefined && h !== undefined && a <= h.cores;
}
