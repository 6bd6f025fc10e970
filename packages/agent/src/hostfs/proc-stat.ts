// /proc/stat CPU time counters and utilisation between two reads. Counters are jiffies (USER_HZ,
// 100/s) kept as bigint like every 64-bit kernel counter. Busy time is user + nice + system + irq +
// softirq + steal (guest time is already inside user/nice); idle is idle + iowait.
import { ValidationError } from '@isawatt/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CpuTimes {
  readonly busy: bigint;
  readonly idle: bigint;
}

export interface ProcStat {
  /** The aggregate "cpu" line. */
  readonly total: CpuTimes;
  /** "cpuN" lines by logical CPU id (offline CPUs are absent). */
  readonly perCpu: ReadonlyMap<number, CpuTimes>;
}

function times(fields: readonly string[], line: string, path: string): CpuTimes {
  if (fields.length < 4 || !fields.every((f) => /^\d+$/.test(f))) {
    throw new ValidationError(path, `malformed line "${line.slice(0, 80)}": expected at least 4 unsigned counters`);
  }
  const v = fields.map((f) => BigInt(f));
  const at = (i: number): bigint => v[i] ?? 0n;
  return {
    busy: at(0) + at(1) + at(2) + at(5) + at(6) + at(7),
    idle: at(3) + at(4),
  };
}

/** Parses the text of /proc/stat; `path` names it in errors. */
export function parseProcStat(text: string, path = '/proc/stat'): ProcStat {
  let total: CpuTimes | undefined;
  const perCpu = new Map<number, CpuTimes>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [label, ...fields] = line.trim().split(/\s+/);
    if (label === 'cpu') total = times(fields, line, path);
    else if (label !== undefined && /^cpu\d+$/.test(label)) perCpu.set(Number(label.slice(3)), times(fields, line, path));
  }
  if (total === undefined) throw new ValidationError(path, 'no aggregate "cpu" line');
  return { total, perCpu };
}

export async function readProcStat(procfsRoot: string): Promise<ProcStat> {
  const path = join(procfsRoot, 'stat');
  return parseProcStat(await readFile(path, 'utf8'), path);
}

/** Busy share 0..1 between two reads; 0 when no time passed (static fixture, same jiffy). */
export function utilization(prev: CpuTimes, curr: CpuTimes): number {
  const busy = curr.busy - prev.busy;
  const idle = curr.idle - prev.idle;
  // Counters can step back after CPU hotplug; treat that interval as unknown-and-idle.
  if (busy < 0n || idle < 0n) return 0;
  const total = busy + idle;
  if (total === 0n) return 0;
  return Number(busy) / Number(total);
}

export interface Utilization {
  readonly host: number;
  /** Indexed by logical CPU id up to the highest online id; CPUs missing in either read are 0. */
  readonly perCpu: readonly number[];
}

export function utilizationBetween(prev: ProcStat, curr: ProcStat): Utilization {
  const maxId = Math.max(-1, ...curr.perCpu.keys());
  const perCpu: number[] = new Array<number>(maxId + 1).fill(0);
  for (const [id, c] of curr.perCpu) {
    const p = prev.perCpu.get(id);
    if (p !== undefined) perCpu[id] = utilization(p, c);
  }
  return { host: utilization(prev.total, curr.total), perCpu };
}
