// Rolling a new placement out over a live one, shared by `deploy`, `replan --apply` and the
// coordinator's auto-replan: the start-before-stop waves of transition.ts, each wave sent as one
// all-or-nothing deployment by whoever calls (the CLI over Control.Deploy, the coordinator through
// its AssignmentService). A failed wave stops the roll-out: that wave was rolled back by the
// deployment, the waves before it stay applied (each of them kept every function at its rate).
import type { PlacementProblem } from '../placement/problem.js';
import type { LivePlacement } from '../placement/replan-diff.js';
import { planTransition, type Entry, type Transition } from './transition.js';

/** Per-host entries of a placement (every host of `hostIds`, empty ones included). */
export function byHost(placement: LivePlacement, hostIds: readonly string[]): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>(hostIds.map((h) => [h, []]));
  for (const [fn, es] of placement) for (const e of es) out.get(e.host)?.push({ function: fn, cores: e.cores, rateRps: e.rateRps });
  return out;
}

/** Executions/s per core of a function on a host, by the problem's models (0 when unknown). */
export function speedOf(problem: PlacementProblem): (host: string, fn: string) => number {
  const hi = new Map(problem.hosts.map((h, i) => [h.id, i]));
  const fj = new Map(problem.functions.map((f, j) => [f.name, j]));
  return (host, fn) => problem.model[hi.get(host) ?? -1]?.[fj.get(fn) ?? -1]?.execPerSecPerCore ?? 0;
}

/** The waves from the live placement to the planned one over the problem's hosts. */
export function transitionFor(problem: PlacementProblem, live: LivePlacement, planned: LivePlacement): Transition {
  const ids = problem.hosts.map((h) => h.id);
  return planTransition({
    current: byHost(live, ids),
    target: byHost(planned, ids),
    capacity: new Map(problem.hosts.map((h) => [h.id, h.cores])),
    speed: speedOf(problem),
  });
}

export interface WaveOutcome {
  readonly ok: boolean;
  readonly error: string;
  readonly rolledBack: boolean;
}

/** Sends one wave (every host it changes, with that host's full new assignment). */
export type DeployWave = (wave: ReadonlyMap<string, readonly Entry[]>, index: number, count: number) => Promise<WaveOutcome>;

export interface RolloutResult {
  readonly applied: boolean;
  readonly wavesApplied: number;
  /** 1-based number of the wave that failed. */
  readonly failedWave?: number | undefined;
  readonly error?: string | undefined;
  readonly rolledBack?: boolean | undefined;
}

/** Sends the waves one after the other; stops at the first that fails. */
export async function rollOut(transition: Transition, deployWave: DeployWave): Promise<RolloutResult> {
  const n = transition.waves.length;
  for (const [k, wave] of transition.waves.entries()) {
    const res = await deployWave(wave, k, n);
    if (!res.ok) return { applied: false, wavesApplied: k, failedWave: k + 1, error: res.error, rolledBack: res.rolledBack };
  }
  return { applied: true, wavesApplied: n };
}
