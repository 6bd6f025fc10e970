// PDU readings per host: a bounded in-memory series plus one JSON-lines file per host in the state
// directory (<stateDir>/pdu/<host>.jsonl), so run reports can use them after a restart. Appends are
// buffered and written every flushIntervalMs; a file that has grown past twice the bound is
// compacted (rewritten with the newest maxPointsPerHost readings inside the retention window).
import { appendFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type Logger, msToS } from '@isawatt/common';
import { STATE_DIR_MODE, STATE_FILE_MODE, StateFileError } from '../store/state-file-error.js';
import { MAX_FUTURE_MS } from './ingest.js';

export interface PduPoint {
  timestampMs: number;
  powerW: number;
  outlet: string;
}

/** What the Control service and the MQTT feed read: the current PDU power of a host. */
export interface PduLatestSource {
  /** Latest reading, or undefined when none or older than the store's staleAfterMs. */
  latest(hostId: string): { powerW: number; timestampMs: number } | undefined;
}

export interface PduStoreOptions {
  /** Directory for the per-host files; undefined keeps readings in memory only. */
  dir: string | undefined;
  maxPointsPerHost: number;
  retentionMs: number;
  flushIntervalMs: number;
  staleAfterMs: number;
  log: Logger;
  now?: () => number;
}

interface HostSeries {
  points: PduPoint[];
  pendingLines: string[];
  /** Lines in the file (as far as we know), to decide when to compact. */
  fileLines: number;
}

function fileName(hostId: string): string {
  return `${encodeURIComponent(hostId)}.jsonl`;
}

function line(p: PduPoint): string {
  return JSON.stringify({ timestamp_ms: p.timestampMs, power_w: p.powerW, outlet: p.outlet }) + '\n';
}

export class PduStore implements PduLatestSource {
  private readonly hosts = new Map<string, HostSeries>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: Logger;
  private writeErrors = 0;

  constructor(private readonly opts: PduStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log;
  }

  /** Loads what earlier runs stored and starts the flush timer. */
  async init(): Promise<void> {
    const dir = this.opts.dir;
    if (dir !== undefined) {
      await mkdir(dir, { recursive: true, mode: STATE_DIR_MODE });
      for (const name of await readdir(dir)) {
        if (!name.endsWith('.jsonl')) continue;
        const path = join(dir, name);
        let hostId: string;
        try {
          hostId = decodeURIComponent(name.slice(0, -'.jsonl'.length));
        } catch {
          throw new StateFileError(path, 'the name is not a percent-encoded host id (PDU history files are <encoded host id>.jsonl)');
        }
        const st = await stat(path);
        if (!st.isFile()) throw new StateFileError(path, 'not a regular file');
        await this.load(hostId, path);
      }
    }
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  private async load(hostId: string, path: string): Promise<void> {
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const cutoff = this.now() - this.opts.retentionMs;
    const points: PduPoint[] = [];
    let bad = 0;
    for (const l of lines) {
      try {
        const o = JSON.parse(l) as { timestamp_ms?: unknown; power_w?: unknown; outlet?: unknown };
        // Far-future points would sort after every real reading: treated as unreadable.
        if (typeof o.timestamp_ms === 'number' && o.timestamp_ms <= this.now() + MAX_FUTURE_MS && typeof o.power_w === 'number' && Number.isFinite(o.power_w)) {
          if (o.timestamp_ms >= cutoff) points.push({ timestampMs: o.timestamp_ms, powerW: o.power_w, outlet: typeof o.outlet === 'string' ? o.outlet : '' });
          continue;
        }
      } catch {
        // counted below
      }
      bad++;
    }
    // A crash mid-append can leave one torn last line: skip it, say so, keep the rest.
    if (bad > 0) this.log.warn({ path, badLines: bad }, 'pdu history: skipped unreadable lines');
    points.sort((a, b) => a.timestampMs - b.timestampMs);
    this.hosts.set(hostId, { points: points.slice(-this.opts.maxPointsPerHost), pendingLines: [], fileLines: lines.length });
  }

  add(hostId: string, point: PduPoint): void {
    let s = this.hosts.get(hostId);
    if (!s) {
      s = { points: [], pendingLines: [], fileLines: 0 };
      this.hosts.set(hostId, s);
    }
    const last = s.points[s.points.length - 1];
    if (last && point.timestampMs < last.timestampMs) {
      // Keep the series sorted: insert in place (rare: PDUs with their own clocks, reordered topics).
      const i = s.points.findIndex((p) => p.timestampMs > point.timestampMs);
      s.points.splice(i, 0, point);
    } else {
      s.points.push(point);
    }
    // Trim in chunks so that a full series does not shift an array on every reading.
    const max = this.opts.maxPointsPerHost;
    if (s.points.length > max + Math.max(1, Math.floor(max / 10))) s.points.splice(0, s.points.length - max);
    if (this.opts.dir !== undefined) s.pendingLines.push(line(point));
  }

  latest(hostId: string): { powerW: number; timestampMs: number } | undefined {
    const p = this.hosts.get(hostId)?.points.at(-1);
    if (!p || this.now() - p.timestampMs > this.opts.staleAfterMs) return undefined;
    return { powerW: p.powerW, timestampMs: p.timestampMs };
  }

  /** Readings of a host with fromMs <= timestamp <= toMs, oldest first. */
  series(hostId: string, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): PduPoint[] {
    const pts = this.hosts.get(hostId)?.points.slice(-this.opts.maxPointsPerHost) ?? [];
    return pts.filter((p) => p.timestampMs >= fromMs && p.timestampMs <= toMs);
  }

  /**
   * Energy in joules over [fromMs, toMs] by the trapezoid rule over the readings inside it, and the
   * part of the window the readings cover (ms). Gaps count as not covered, never as zero power.
   */
  energyJ(hostId: string, fromMs: number, toMs: number, maxGapMs = 60_000): { energyJ: number; coveredMs: number; points: number } {
    const pts = this.series(hostId, fromMs, toMs);
    let energyJ = 0;
    let coveredMs = 0;
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1] as PduPoint;
      const b = pts[i] as PduPoint;
      const dt = b.timestampMs - a.timestampMs;
      if (dt <= 0 || dt > maxGapMs) continue;
      energyJ += ((a.powerW + b.powerW) / 2) * msToS(dt);
      coveredMs += dt;
    }
    return { energyJ, coveredMs, points: pts.length };
  }

  hostIds(): string[] {
    return [...this.hosts.keys()].sort();
  }

  get fileWriteErrors(): number {
    return this.writeErrors;
  }

  /** Appends buffered readings to the files, compacting those that grew too long. Serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const dir = this.opts.dir;
    if (dir === undefined) return;
    for (const [hostId, s] of this.hosts) {
      if (s.pendingLines.length === 0) continue;
      const lines = s.pendingLines;
      s.pendingLines = [];
      const path = join(dir, fileName(hostId));
      try {
        if (s.fileLines + lines.length > 2 * this.opts.maxPointsPerHost) {
          await this.compact(path, s);
        } else {
          await appendFile(path, lines.join(''), { mode: STATE_FILE_MODE });
          s.fileLines += lines.length;
        }
      } catch (err) {
        this.writeErrors++;
        // Readings stay in memory; the next flush retries with the lines that came since.
        s.pendingLines = lines.concat(s.pendingLines);
        this.log.warn({ path, err: errorMessage(err) }, 'pdu history: write failed');
      }
    }
  }

  private async compact(path: string, s: HostSeries): Promise<void> {
    const cutoff = this.now() - this.opts.retentionMs;
    const keep = s.points.filter((p) => p.timestampMs >= cutoff).slice(-this.opts.maxPointsPerHost);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, keep.map(line).join(''), { mode: STATE_FILE_MODE });
    await rename(tmp, path);
    s.fileLines = keep.length;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
