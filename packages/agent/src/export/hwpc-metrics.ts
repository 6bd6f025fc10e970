// Prometheus metrics of the hwpc-sensor input, on the exporter's registry: reports accepted and
// rejected (by reason), the age of the last report, and whether the agent is attributing on the
// sensor's counts or has fallen back to the next activity source. Read at scrape time (collect),
// so they cost nothing per tick.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HwpcRejectReason, HwpcSourceStats } from '../counters/hwpc-report-source.js';
import type { StaleFallbackState } from '../counters/stale-fallback-source.js';
import { msToS } from '@isawatt/common';

export interface HwpcMetricsSource {
  stats(): HwpcSourceStats;
  lastReportAgeMs(): number | undefined;
  fallback(): StaleFallbackState;
}

const REASONS: readonly HwpcRejectReason[] = ['not_json', 'invalid_report', 'csv_format', 'line_too_long', 'late'];

export function registerHwpcMetrics(registry: Registry, src: HwpcMetricsSource): void {
  new Counter({
    name: 'isawatt_hwpc_reports_accepted_total',
    help: 'hwpc-sensor reports (socket lines or CSV rows) accepted',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.stats().reports);
    },
  });
  new Counter({
    name: 'isawatt_hwpc_reports_rejected_total',
    help: 'hwpc-sensor reports rejected, by reason (not_json, invalid_report, csv_format, line_too_long, late: its tick was already used)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      const rejected = src.stats().rejected;
      for (const r of REASONS) this.inc({ reason: r }, rejected.get(r) ?? 0);
    },
  });
  new Gauge({
    name: 'isawatt_hwpc_last_report_age_seconds',
    help: 'seconds since the last hwpc-sensor report was accepted (-1: none yet)',
    registers: [registry],
    collect() {
      const age = src.lastReportAgeMs();
      this.set(age === undefined ? -1 : msToS(age));
    },
  });
  new Gauge({
    name: 'isawatt_hwpc_sensor_up',
    help: '1 while hwpc-sensor reports are fresh and used for attribution; 0 while the agent uses the fallback activity source',
    labelNames: ['fallback'],
    registers: [registry],
    collect() {
      const f = src.fallback();
      this.reset();
      this.set({ fallback: f.state === 'fresh' ? 'none' : f.using }, f.state === 'fresh' ? 1 : 0);
    },
  });
}

/** The hwpc section of /healthz: listening, reports seen, targets mapped to functions, fallback. */
export function hwpcHealth(src: HwpcMetricsSource): Record<string, unknown> {
  const s = src.stats();
  const f = src.fallback();
  const age = src.lastReportAgeMs();
  return {
    state: f.state,
    using: f.using,
    listening: s.listening ?? null,
    connections: s.connections,
    reports: s.reports,
    rejected: Object.fromEntries(s.rejected),
    lastReportAgeMs: age === undefined ? null : Math.round(age),
    staleAfterMs: f.staleAfterMs,
    outages: f.outages,
    sensors: s.sensors,
    targets: Object.fromEntries([...s.targets].slice(0, 100)),
  };
}
