// CPU time of a cgroup from its accounting files: cgroup v1 `cpuacct.usage` (ns) or cgroup v2
// `cpu.stat` `usage_usec`. The one place that knows these formats: the per-tick activity source
// (counters/cgroup-cputime.ts), the `run` command's one-shot reads and the emulator use it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nsToUs } from '@isawatt/common';

/** Where a cgroup lives: its cgroup2 directory and/or its v1 directories by controller. */
export interface CgroupPaths {
  readonly cgroupV2Path?: string | undefined;
  readonly cgroupV1Paths?: Readonly<Record<string, string>> | undefined;
}

/** Parses `cpuacct.usage` (or one figure of `cpuacct.usage_percpu`), ns. Throws naming the file on anything but a uint64. */
export function parseCpuacctUsageNs(text: string, file: string): bigint {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) throw new Error(`${file}: expected CPU time in ns as an unsigned integer, got "${t.slice(0, 40)}"`);
  return BigInt(t);
}

/** Parses `cpuacct.usage` text (ns) into µs. Throws naming the file on anything but a uint64. */
export function parseCpuacctUsageUs(text: string, file: string): bigint {
  return nsToUs(parseCpuacctUsageNs(text, file));
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
export function cpuTimeFileOf(target: CgroupPaths, prefer: 'v1' | 'v2'): { file: string; kind: 'v1' | 'v2' } | undefined {
  const v1 = target.cgroupV1Paths?.cpuacct;
  const v2 = target.cgroupV2Path;
  const v1f = v1 === undefined ? undefined : { file: join(v1, 'cpuacct.usage'), kind: 'v1' as const };
  const v2f = v2 === undefined ? undefined : { file: join(v2, 'cpu.stat'), kind: 'v2' as const };
  return prefer === 'v1' ? (v1f ?? v2f) : (v2f ?? v1f);
}

/**
 * CPU time used by a target's cgroup so far, µs, read once (v1 cpuacct first, then cgroup2);
 * undefined when no accounting file can be read.
 */
export async function readCgroupCpuTimeUs(target: CgroupPaths): Promise<bigint | undefined> {
  for (const prefer of ['v1', 'v2'] as const) {
    const where = cpuTimeFileOf(target, prefer);
    if (where === undefined || where.kind !== prefer) continue;
    try {
      const text = await readFile(where.file, 'utf8');
      return where.kind === 'v1' ? parseCpuacctUsageUs(text, where.file) : parseCpuStatUsageUs(text, where.file);
    } catch {
      // unreadable or malformed: try the other hierarchy
    }
  }
  return undefined;
}
