// GET /healthz: the agent is healthy when its tick loop published a snapshot recently. The
// coordinator link is reported but does not make the agent unhealthy: an agent keeps serving its
// last assignment while the coordinator is away (liveness, not readiness of the cluster).
import type { TelemetrySource } from '../telemetry/snapshot.js';
import { sendJson, type Route } from './server.js';

export interface HealthzOptions {
  readonly telemetry: TelemetrySource;
  /** Current tick length, ms (the coordinator may change it). */
  readonly tickIntervalMs: () => number;
  readonly nowMs: () => number;
  readonly startedAtMs: number;
  /** Extra facts, e.g. the coordinator link's counters. */
  readonly details?: () => Record<string, unknown>;
  /**
   * Reasons the agent works in a degraded mode (e.g. hwpc-sensor silent, attributing on the
   * fallback source): status "degraded", still 200 (it serves and attributes, with less precision).
   */
  readonly degraded?: () => readonly string[];
}

export function healthzRoute(opts: HealthzOptions): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handle: (_req, res) => {
      const snap = opts.telemetry.snapshot();
      const now = opts.nowMs();
      // Three missed ticks (and some slack for start-up) mean the loop is stuck.
      const staleAfterMs = 3 * opts.tickIntervalMs() + 1000;
      const lastAt = snap?.timestampMs ?? opts.startedAtMs;
      const ageMs = now - lastAt;
      const ok = ageMs <= staleAfterMs;
      const degraded = opts.degraded?.() ?? [];
      sendJson(res, ok ? 200 : 503, {
        status: !ok ? 'stale' : degraded.length > 0 ? 'degraded' : 'ok',
        ...(degraded.length > 0 ? { degraded } : {}),
        lastSeq: snap?.seq.toString() ?? '0',
        lastTickAgeMs: ageMs,
        ...opts.details?.(),
      });
    },
  };
}
