// hwpc-sensor is a separate process: it can stop, crash or lose its connection while the agent runs.
// Attributing on its last counts would be wrong, so this source watches the age of its last report:
// while it is fresh, the sensor's sample is used; once no report arrived for `staleAfterMs` (or
// none yet), the next activity source's sample is used instead (perf, else cgroup CPU time), with a
// warning in the log, in the sample and in `state()` (/healthz, /metrics). When reports come back,
// the sensor is used again. The fallback is sampled every tick either way, so that its counts always
// cover exactly one tick when it takes over.
import type { Logger } from '@isawatt/common';
import type { ActivitySample, ActivitySource, ActivityTarget } from './activity-source.js';
import { msToS } from '@isawatt/common';

/** The part of HwpcReportSource this needs (tests pass a stand-in). */
export interface ReportAgeSource extends ActivitySource {
  /** ms since the last accepted report (monotonic), undefined before the first. */
  lastReportAgeMs(): number | undefined;
}

export type FallbackState = 'waiting' | 'fresh' | 'stale';

export interface StaleFallbackState {
  readonly state: FallbackState;
  /** Whose counts the last sample carried: the primary's kind or the fallback's. */
  readonly using: string;
  readonly lastReportAgeMs: number | undefined;
  readonly staleAfterMs: number;
  /** Times the source switched to the fallback after having been fresh. */
  readonly outages: number;
}

export interface StaleFallbackOptions {
  readonly primary: ReportAgeSource;
  readonly fallback: ActivitySource | undefined;
  readonly staleAfterMs: number;
  readonly log: Logger;
}

export class StaleFallbackSource implements ActivitySource {
  readonly kind: string;
  private current: FallbackState = 'waiting';
  private using: string;
  private outages = 0;
  private lastAgeMs: number | undefined;

  constructor(private readonly opts: StaleFallbackOptions) {
    this.kind = opts.primary.kind;
    this.using = opts.fallback?.kind ?? 'none';
  }

  async init(): Promise<void> {
    // Both come initialised from their factory (main.ts): nothing to do.
  }

  state(): StaleFallbackState {
    return { state: this.current, using: this.using, lastReportAgeMs: this.lastAgeMs, staleAfterMs: this.opts.staleAfterMs, outages: this.outages };
  }

  async sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    const { primary, fallback, staleAfterMs, log } = this.opts;
    const fromPrimary = await primary.sample(targets, nowMs);
    const fromFallback = fallback
      ? await fallback.sample(targets, nowMs).catch((err: unknown) => (log.warn({ err, source: fallback.kind }, 'fallback activity source failed'), undefined))
      : undefined;
    const age = primary.lastReportAgeMs();
    this.lastAgeMs = age;
    const next: FallbackState = age === undefined ? 'waiting' : age > staleAfterMs ? 'stale' : 'fresh';
    if (next !== this.current) {
      if (next === 'fresh') log.info({ source: primary.kind }, `${primary.kind} reports again: per-function activity from ${primary.kind}`);
      else if (next === 'stale') {
        this.outages++;
        log.warn(
          { source: primary.kind, lastReportAgeMs: age, staleAfterMs, fallback: fallback?.kind ?? 'none' },
          `${primary.kind} stopped reporting: per-function activity from ${fallback?.kind ?? 'nothing (functions get no attributed energy)'} until it comes back`,
        );
      }
      this.current = next;
    }
    if (next === 'fresh') {
      this.using = primary.kind;
      return fromPrimary;
    }
    this.using = fromFallback ? (fallback?.kind ?? 'none') : 'none';
    const why = next === 'waiting' ? `no ${primary.kind} report yet` : `no ${primary.kind} report for ${msToS(age ?? 0).toFixed(1)} s`;
    const warning = `${why}: activity from ${this.using} instead`;
    if (fromFallback) return { ...fromFallback, warnings: [...fromFallback.warnings, ...fromPrimary.warnings, warning] };
    return { timestampMs: nowMs, intervalMs: 0, targets: [], events: [], warnings: [...fromPrimary.warnings, warning] };
  }

  async close(): Promise<void> {
    await this.opts.primary.close();
    await this.opts.fallback?.close();
  }
}
