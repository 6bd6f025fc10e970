// Activity from cgroup CPU accounting only: cgroup v1 `cpuacct.usage` (ns) or cgroup v2 `cpu.stat`
// `usage_usec`. Works everywhere cgroups do (this machine: v1 cpuacct), gives no counters, so the
// attribution uses the CPU-time share. Each target's file is read once per tick, concurrently.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@isawatt/common';
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

/** Parses `cpuacct.usage` text (ns) into µs. Throws naming the file on anything but a uint64. */
export function parseCpuacctUsageUs(text: string, file: string): bigint {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) throw new Error(`${file}: expected CPU time in ns as an unsigned integer, got "${t.slice(0, 40)}"`);
  return BigInt(t) / 1000n;
}

/** Parses cgroup v2 `cpu.stat` and returns `usage_usec`. Throws naming the file when absent or bad. */
export function parseCpuStatUsageUs(text: string, file: string): bigint {
  for (const line of text.split('\n')) {
    const m = /^usage_usec (\S+)$/.exec(line.trim());
    if (m === null) continue;
    const v = m[1] ?? '';
    if (!/^\d{1,20}$/.test(v)) throw new Error(`${file}: usage_usec is not an unsigned integer: "${v.slice(0, 40)}"`);
    return BigInt(v);
  }
  throw new Error(`${file}: no usage_usec line (is this a cgroup v2 cpu.stat?)`);
}

/** Where a target's CPU time is read from, or undefined when it has no usable cgroup. */
export function cpuTimeFileOf(target: ActivityTarget, prefer: 'v1' | 'v2'): { file: string; kind: 'v1' | 'v2' } | undefined {
  const v1 = target.cgroupV1Paths?.cpuacct;
  const v2 = target.cgroupV2Path;
  const v1f = v1 === undefined ? undefined : { file: join(v1, 'cpuacct.usage'), kind: 'v1' as const };
  const v2f = v2 === undefined ? undefined : { file: join(v2, 'cpu.stat'), kind: 'v2' as const };
  return prefer === 'v1' ? (v1f ?? v2f) : (v2f ?? v1f);
}

export class CgroupCpuTimeSource implements ActivitySource {
  readonly kind = 'cgroup-cputime';
  private readonly prev = new Map<string, Previous>();
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

  async sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    const warnings: string[] = [];
    const results = await Promise.all(targets.map((t) => this.readTarget(t, warnings)));
    const seen = new Set(targets.map((t) => t.name));
    for (const name of this.prev.keys()) if (!seen.has(name)) this.prev.delete(name);
    const intervalMs = this.lastNowMs === undefined ? 0 : Math.max(0, nowMs - this.lastNowMs);
    this.lastNowMs = nowMs;
    if (warnings.length > 0) this.log.debug({ warnings }, 'cgroup cpu time: some targets unreadable');
    return { timestampMs: nowMs, intervalMs, targets: results, events: [], warnings };
  }

  private async readTarget(target: ActivityTarget, warnings: string[]): Promise<TargetActivity> {
    const empty: TargetActivity = { name: target.name, cpuTimeUs: 0n, eventsBySocket: new Map() };
    const where = cpuTimeFileOf(target, this.prefer);
    if (where === undefined) {
      warnings.push(`${target.name}: no cpuacct (v1) or unified (v2) cgroup to read CPU time from`);
      return empty;
    }
    let usageUs: bigint;
    try {
      const text = await readFile(where.file, 'utf8');
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
    this.prev.clear();
    return Promise.resolve();
  }
}
