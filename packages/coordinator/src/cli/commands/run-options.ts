// Flags shared by `isawatt run` and `isawatt experiment`: durations, tolerance, signal handling.
import { EXIT, ExitError } from '@isawatt/common';
import { MAX_HEADROOM } from '../../placement/problem.js';

export function parseSeconds(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || n > 7 * 24 * 3600) {
    throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number of seconds (at most a week), got "${value}"`);
  }
  return n;
}

export function parseTolerance(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new ExitError(EXIT.BAD_INPUT, `--tolerance: expected a fraction in [0, 1) such as 0.02, got "${value}"`);
  return n;
}

/**
 * Default spare capacity a run plans above each rate (problem.ts, docs/experiments.md "Headroom"):
 * 10 % keeps every function's cores below ~91 % utilisation, where an open-loop queue stays short,
 * while a run is checked at 98 % of its rate.
 */
export const DEFAULT_RUN_HEADROOM = 0.1;

export function parseHeadroom(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_HEADROOM)
    throw new ExitError(EXIT.BAD_INPUT, `--headroom: expected a fraction from 0 to ${MAX_HEADROOM} such as 0.1, got "${value}"`);
  return n;
}

export function parseAckTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ExitError(EXIT.BAD_INPUT, `--ack-timeout-ms: expected a positive number of ms, got "${value}"`);
  return n;
}

/** An AbortSignal that fires on the first Ctrl-C / SIGTERM (a run then undeploys before exiting). */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
