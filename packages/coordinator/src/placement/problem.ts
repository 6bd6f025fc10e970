// A placement problem: hosts, functions with rates, and for every (host, function) pair the cores
// the function needs there (the seed's A_j = ceil(R_j / E_ij)) and its predicted power (W_ij * R_j).
// Building it validates the inputs against each other; every mismatch is listed in one ConfigError.
import { ConfigError } from '@isawatt/common';
import type { FunctionDemand, FunctionModel, HostSpec, Models } from '../workload/types.js';

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
}

/** Largest headroom accepted: planning twice the rate is a different workload, not spare capacity. */
export const MAX_HEADROOM = 1;

/** Builds the problem; throws ConfigError listing every input mismatch (exit code 2 in the CLI). */
export function buildProblem(hosts: readonly HostSpec[], models: Models, functions: readonly FunctionDemand[], opts: ProblemOptions = {}): PlacementProblem {
  const headroom = opts.headroom ?? 0;
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
  const rows = new Map<string, { cores: (number | null)[]; powerW: (number | null)[] }>();
  for (const t of clusterTypes) {
    const fm = models.hostTypes[t]?.functions ?? {};
    const c: (number | null)[] = [];
    const w: (number | null)[] = [];
    for (const f of functions) {
      const m = fm[f.name];
      c.push(m ? coresNeeded(f.rateRps * (1 + headroom), m.execPerSecPerCore) : null);
      w.push(m ? m.energyPerExecJ * f.rateRps : null);
    }
    rows.set(t, { cores: c, powerW: w });
  }
  const cores = hosts.map((h) => rows.get(h.type)?.cores ?? functions.map(() => null));
  const powerW = hosts.map((h) => rows.get(h.type)?.powerW ?? functions.map(() => null));
  const idlePowerW = hosts.map((h) => h.idlePowerW ?? models.hostTypes[h.type]?.idlePowerW ?? 0);
  const model = hosts.map((h) => functions.map((f) => models.hostTypes[h.type]?.functions[f.name] ?? null));
  return { hosts, functions, cores, powerW, idlePowerW, model };
}

/** True when function j may run on host i: a model exists and it fits the empty host. */
export function allowed(p: PlacementProblem, i: number, j: number): boolean {
  const a = p.cores[i]?.[j];
  const h = p.hosts[i];
  return a !== null && a !== undefined && h !== undefined && a <= h.cores;
}
