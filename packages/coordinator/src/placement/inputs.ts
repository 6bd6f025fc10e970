// Loads and cross-checks the inputs of a plan (workload, models, hosts from a file or the
// registry) into a PlacementProblem, and validates the option values the CLI passes. Every bad
// input becomes an ExitError with code 2 (EXIT.BAD_INPUT) and a message naming what is wrong.
import { ConfigError, EXIT, ExitError } from '@isawatt/common';
import { loadHostsFile, loadModelsFile, loadWorkloadFile } from '../workload/parse.js';
import { resolveWorkload } from '../workload/resolve.js';
import type { HostSpec } from '../workload/types.js';
import { POLICIES, type PolicyName } from './plan.js';
import { BACKENDS, SOLVERS, type BackendName, type SolverName } from './planner.js';
import { buildProblem, FIGURES_CHOICES, hostTypeIssues, type FiguresChoice, type PlacementProblem } from './problem.js';

export interface PlanInputFiles {
  readonly workload: string;
  readonly models: string;
  /** Hosts file; when undefined, `hosts` must be given (e.g. from the registry). */
  readonly hostsFile?: string | undefined;
  readonly hosts?: readonly HostSpec[] | undefined;
  /** Spare capacity planned above each rate (problem.ts); 0 when absent. */
  readonly headroom?: number | undefined;
  /** Figures to plan on (problem.ts); open-loop where present when absent. */
  readonly figures?: FiguresChoice | undefined;
}

function badInput(err: unknown): never {
  if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
  throw err;
}

export function loadPlanProblem(files: PlanInputFiles): PlacementProblem {
  try {
    const hosts = files.hostsFile !== undefined ? loadHostsFile(files.hostsFile) : files.hosts;
    if (!hosts || hosts.length === 0) throw new ConfigError(['no hosts: give --hosts <file> or register live agents'], 'placement input');
    const models = loadModelsFile(files.models);
    const spec = loadWorkloadFile(files.workload);
    // Host types first: a mix cannot derive rates for a cluster the models do not describe.
    const hostIssues = hostTypeIssues(hosts, models);
    if (hostIssues.length) throw new ConfigError(hostIssues, 'placement input');
    return buildProblem(hosts, models, resolveWorkload(spec, hosts, models), { headroom: files.headroom ?? 0, figures: files.figures ?? 'open-loop' });
  } catch (err) {
    badInput(err);
  }
}

/** `--figures`: open-loop (default) or saturated. */
export function parseFigures(value: string | undefined): FiguresChoice {
  const v = value ?? 'open-loop';
  if (!(FIGURES_CHOICES as readonly string[]).includes(v))
    throw new ExitError(EXIT.BAD_INPUT, `--figures: expected one of ${FIGURES_CHOICES.join(', ')}, got "${v}"`);
  return v as FiguresChoice;
}

/** `--policy`: one policy, a comma-separated list, or `all`. */
export function parsePolicies(value: string): PolicyName[] {
  if (value === 'all') return [...POLICIES];
  const out: PolicyName[] = [];
  for (const v of value.split(',').map((s) => s.trim())) {
    if (!(POLICIES as readonly string[]).includes(v)) {
      throw new ExitError(EXIT.BAD_INPUT, `unknown policy "${v}" (expected all or one of: ${POLICIES.join(', ')})`);
    }
    out.push(v as PolicyName);
  }
  return out;
}

export function parseSolver(value: string): SolverName {
  if (!(SOLVERS as readonly string[]).includes(value)) {
    throw new ExitError(EXIT.BAD_INPUT, `unknown solver "${value}" (expected one of: ${SOLVERS.join(', ')})`);
  }
  return value as SolverName;
}

export function parseBackend(value: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new ExitError(EXIT.BAD_INPUT, `unknown backend "${value}" (expected one of: ${BACKENDS.join(', ')})`);
  }
  return value as BackendName;
}

export function parseTimeLimitMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ExitError(EXIT.BAD_INPUT, `--time-limit: expected a positive number of milliseconds, got "${value}"`);
  return n;
}

/** `--replica-cost`: a number >= 0 in the objective's unit (W, or cores under core-aware). */
export function parseReplicaCost(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new ExitError(EXIT.BAD_INPUT, `--replica-cost: expected a number >= 0 (watts, or cores under core-aware), got "${value}"`);
  return n;
}

/** `--robust-joint`: only meaningful with `--robust-quantile` (alone: exit 2). */
export function robustJointFlag(joint: boolean | undefined, quantile: string | undefined): boolean | undefined {
  if (joint !== true) return undefined;
  if (quantile === undefined) throw new ExitError(EXIT.BAD_INPUT, '--robust-joint: only with --robust-quantile Q');
  return true;
}

/** `--robust-arrivals poisson`: only with `--robust-quantile` (else, or another value: exit 2). */
export function robustArrivalsFlag(value: string | undefined, quantile: string | undefined): 'poisson' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'poisson') throw new ExitError(EXIT.BAD_INPUT, `--robust-arrivals: expected "poisson", got "${value}"`);
  if (quantile === undefined) throw new ExitError(EXIT.BAD_INPUT, '--robust-arrivals: only with --robust-quantile Q');
  return 'poisson';
}

/** `--robust-quantile`: a probability strictly between 0 and 1 (e.g. 0.1). */
export function parseRobustQuantile(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1))
    throw new ExitError(EXIT.BAD_INPUT, `--robust-quantile: expected a number between 0 and 1 (e.g. 0.1), got "${value}"`);
  return n;
}
