// A ProfileJob from the coordinator, validated into the agent's shape. Every string from the wire
// is bounded and checked before it is used, logged or echoed back; a job with problems is refused
// with all of them named.
import { ValidationError, type wire } from '@isawatt/common';

export interface ProfileJobSpec {
  readonly jobId: string;
  readonly campaignId: string;
  readonly functions: readonly string[];
  /** CPUs per function; 0 = the host's function CPUs split evenly over the bag. */
  readonly coresPerFunction: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly idleMs: number;
  readonly saturate: boolean;
  /** Open-loop rate per function when not saturated, requests/s. */
  readonly rateRps: number;
  /**
   * Open-loop phases after the saturated window, one per entry, in this (strictly increasing)
   * order: the utilisation of each function's saturated capacity to drive it at (0 < u <= 1).
   * Empty: no such phase.
   */
  readonly openLoopUtilisations: readonly number[];
}

export const MAX_BAG_FUNCTIONS = 64;
/** Longest phase (idle, warm-up or measurement) a job may ask for: one hour. */
export const MAX_PHASE_MS = 3_600_000;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FUNCTION_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** A job id safe to echo back and log (the raw one when valid, else a bounded, sanitised form). */
export function safeJobId(raw: string): string {
  return ID.test(raw) ? raw : raw.replace(/[^A-Za-z0-9._:-]/g, '?').slice(0, 128);
}

export function decodeProfileJob(j: wire.ProfileJob__Output): ProfileJobSpec {
  const issues: string[] = [];
  if (!ID.test(j.job_id)) issues.push(`job_id: expected 1-128 letters, digits or . _ - :, got "${safeJobId(j.job_id)}"`);
  if (j.campaign_id !== '' && !ID.test(j.campaign_id)) issues.push(`campaign_id: expected at most 128 letters, digits or . _ - :`);
  if (j.functions.length === 0) issues.push('functions: empty (a bag needs at least one function)');
  if (j.functions.length > MAX_BAG_FUNCTIONS) issues.push(`functions: at most ${MAX_BAG_FUNCTIONS}, got ${j.functions.length}`);
  const seen = new Set<string>();
  j.functions.slice(0, MAX_BAG_FUNCTIONS).forEach((f, i) => {
    if (!FUNCTION_NAME.test(f)) issues.push(`functions[${i}]: "${f.slice(0, 40)}" is not a function name`);
    else if (seen.has(f)) issues.push(`functions[${i}]: "${f}" appears twice`);
    seen.add(f);
  });
  if (j.cores_per_function > 4096) issues.push(`cores_per_function: at most 4096, got ${j.cores_per_function}`);
  if (j.duration_ms < 1 || j.duration_ms > MAX_PHASE_MS) issues.push(`duration_ms: expected 1..${MAX_PHASE_MS}, got ${j.duration_ms}`);
  if (j.warmup_ms > MAX_PHASE_MS) issues.push(`warmup_ms: at most ${MAX_PHASE_MS}, got ${j.warmup_ms}`);
  if (j.idle_ms > MAX_PHASE_MS) issues.push(`idle_ms: at most ${MAX_PHASE_MS}, got ${j.idle_ms}`);
  if (!j.saturate && !(Number.isFinite(j.rate_rps) && j.rate_rps > 0))
    issues.push(`rate_rps: must be a positive number when saturate is false, got ${j.rate_rps}`);
  const openLoopUtilisations = openLoopUtilisationsOf(j, issues);
  if (openLoopUtilisations.length > 0 && !j.saturate)
    issues.push('open_loop_utilisation: needs saturate (the open-loop rate is a share of the rate the saturated phase sustained)');
  if (issues.length > 0) throw new ValidationError(`profile job ${safeJobId(j.job_id)}`, 'rejected', issues);
  return {
    jobId: j.job_id,
    campaignId: j.campaign_id,
    functions: [...j.functions],
    coresPerFunction: j.cores_per_function,
    durationMs: j.duration_ms,
    warmupMs: j.warmup_ms,
    idleMs: j.idle_ms,
    saturate: j.saturate,
    rateRps: j.saturate ? 0 : j.rate_rps,
    openLoopUtilisations,
  };
}

/** Most open-loop phases a job may ask for (each adds a warm-up and a window to the bag). */
export const MAX_OPEN_LOOP_PHASES = 8;

/**
 * The job's open-loop utilisations: `open_loop_utilisations` when set (each in (0, 1], strictly
 * increasing), else the single `open_loop_utilisation` (0: none). Problems go to `issues`.
 */
function openLoopUtilisationsOf(j: wire.ProfileJob__Output, issues: string[]): number[] {
  const list = j.open_loop_utilisations ?? [];
  if (list.length === 0) {
    const u = j.open_loop_utilisation ?? 0;
    if (!(Number.isFinite(u) && u >= 0 && u <= 1)) {
      issues.push(`open_loop_utilisation: expected 0 (none) or a share of saturated capacity in (0, 1], got ${u}`);
      return [];
    }
    return u > 0 ? [u] : [];
  }
  const before = issues.length;
  if (list.length > MAX_OPEN_LOOP_PHASES) issues.push(`open_loop_utilisations: at most ${MAX_OPEN_LOOP_PHASES} phases, got ${list.length}`);
  list.forEach((u, i) => {
    if (!(Number.isFinite(u) && u > 0 && u <= 1)) issues.push(`open_loop_utilisations[${i}]: expected a share of saturated capacity in (0, 1], got ${u}`);
    else if (i > 0 && !(u > (list[i - 1] ?? 0))) issues.push(`open_loop_utilisations[${i}]: expected more than the one before (${list[i - 1]}), got ${u}`);
  });
  return issues.length === before ? [...list] : [];
}
