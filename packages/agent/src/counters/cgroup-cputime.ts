// Activity from cgroup CPU accounting only: cgroup v1 `cpuacct.usage` (ns) or cgroup v2 `cpu.stat`
// `usage_usec`. Works everywhere cgroups do (this machine: v1 cpuacct), gives no counters, so the
// attribution uses the CPU-time share.
// Cost matters (200 cgroups every second, budget < 1 % of a core): each target's file stays open
// and is re-read with one pread at offset 0 per tick (cgroupfs regenerates the text on every read
// from 0). Reads are synchronous: cgroupfs is in-memory and never blocks, and 200 async readFile
// calls cost ~25x more CPU (open/fstat/read/close through the libuv pool, measured by
// bench/agent-attribution.ts). A failed read closes the file; the next tick reopens it.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Logger } from '@isawatt/common';
import { cpuTimeFileOf, parseCpuacctUsageUs, parseCpuStatUsageUs } from '../hostfs/cgroup-cpu-time.js';
import type { ActivitySample, ActivitySource, ActivityTarget, TargetActivity } from './activity-source.js';

export interface CgroupCpuTimeOptions {
  /** Which accounting to read when a target has both (default "v1": cpuacct.usage is in ns). */
  readonly prefer?: 'v1' | 'v2';
  readonly log: Logger;
}

interface Previous {
  readonly file: string;
  readonly usageUs: bigint;
}

interface OpenFile {
  readonly file: string;
  readonly fd: number;
}

/** Large enough for cpuacct.usage and a v2 cpu.stat (about 10 lines). */
const READ_BUFFER_BYTES = 4096;

export class CgroupCpuTimeSource implements ActivitySource {
  readonly kind = 'cgroup-cputime';
  private readonly prev = new Map<string, Previous>();
  private readonly open = new Map<string, OpenFile>();
  private readonly buffer = Buffer.alloc(READ_BUFFER_BYTES);
  private lastNowMs: number | undefined;
  private readonly prefer: 'v1' | 'v2';
  private readonly log: Logger;

  constructor(opts: CgroupCpuTimeOptions) {
    this.prefer = opts.prefer ?? 'v1';
    this.log = opts.log.child({ component: 'cgroup-cputime' });
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    const warnings: string[] = [];
    const results = targets.map((t) => this.readTarget(t, warnings));
    const seen = new Set(targets.map((t) => t.name));
    for (const name of this.prev.keys()) if (!seen.has(name)) this.prev.delete(name);
    for (const name of this.open.keys()) if (!seen.has(name)) this.closeFile(name);
    const intervalMs = this.lastNowMs === undefined ? 0 : Math.max(0, nowMs - this.lastNowMs);
    this.lastNowMs = nowMs;
    if (warnings.length > 0) this.log.debug({ warnings }, 'cgroup cpu time: some targets unreadable');
    return Promise.resolve({ timestampMs: nowMs, intervalMs, targets: results, events: [], warnings });
  }

  private closeFile(name: string): void {
    const f = this.open.get(name);
    if (f === undefined) return;
    this.open.delete(name);
    try {
      closeSync(f.fd);
    } catch {
      // Already gone with its cgroup; nothing to release.
    }
  }

  /** The whole file's text, through the target's open descriptor (opened on first use). */
  private readText(name: string, file: string): string {
    let f = this.open.get(name);
    if (f !== undefined && f.file !== file) {
      this.closeFile(name);
      f = undefined;
    }
    if (f === undefined) {
      f = { file, fd: openSync(file, 'r') };
      this.open.set(name, f);
    }
    try {
      const n = readSync(f.fd, this.buffer, 0, this.buffer.length, 0);
      return this.buffer.toString('utf8', 0, n);
    } catch (err) {
      // ENODEV: the cgroup was removed under the open file. Reopen on the next tick.
      this.closeFile(name);
      throw err;
    }
  }

  private readTarget(target: ActivityTarget, warnings: string[]): TargetActivity {
    const empty: TargetActivity = { name: target.name, cpuTimeUs: 0n, eventsBySocket: new Map() };
    const where = cpuTimeFileOf(target, this.prefer);
    if (where === undefined) {
      warnings.push(`${target.name}: no cpuacct (v1) or unified (v2) cgroup to read CPU time from`);
      return empty;
    }
    let usageUs: bigint;
    try {
      const text = this.readText(target.name, where.file);
      usageUs = where.kind === 'v1' ? parseCpuacctUsageUs(text, where.file) : parseCpuStatUsageUs(text, where.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      warnings.push(code === undefined ? `${target.name}: ${(err as Error).message}` : `${target.name}: ${where.file}: ${code}`);
      return empty;
    }
    const prev = this.prev.get(target.name);
    this.prev.set(target.name, { file: where.file, usageUs });
    if (prev === undefined || prev.file !== where.file) {
      // A new target counts from 0 (the contract); its cgroup was created for it.
      return { ...empty, cpuTimeUs: usageUs };
    }
    if (usageUs < prev.usageUs) {
      // The cgroup was removed and recreated under the same name between two ticks.
      warnings.push(`${target.name}: CPU time went backwards (${prev.usageUs} -> ${usageUs} µs), cgroup recreated`);
      return { ...empty, cpuTimeUs: usageUs };
    }
    return { ...empty, cpuTimeUs: usageUs - prev.usageUs };
  }

  close(): Promise<void> {
    for (const name of [...this.open.keys()]) this.closeFile(name);
    this.prev.clear();
    return Promise.resolve();
  }
}
