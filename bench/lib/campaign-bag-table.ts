// The small campaign's per-bag figures, for bench/profile-campaign.ts: per function and bag, each
// host type's executions/s per core and the share of its emulated cores kept busy, the bag's own
// x86/ARM ratio, and how busy this machine's real CPUs were while the bag's saturated phase ran.
// The emulated hosts share the real CPUs, so a bag whose figures move on both types at once shows
// it here (docs/profiling.md, "Bag-paired figures").
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One reading of /proc/stat's aggregate "cpu" line. */
interface StatSample {
  readonly atMs: number;
  readonly busyTicks: number;
  readonly totalTicks: number;
  readonly cpus: number;
}

async function readStat(procRoot: string): Promise<StatSample> {
  const text = await readFile(join(procRoot, 'stat'), 'utf8');
  const lines = text.split('\n');
  const f = (lines.find((l) => l.startsWith('cpu ')) ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  // idle and iowait are the 4th and 5th fields.
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { atMs: Date.now(), busyTicks: total - idle, totalTicks: total, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Samples /proc/stat every second until stop() (the machine's real CPU use during the campaign). */
export function startStatSampler(procRoot: string): { stop: () => StatSample[] } {
  const samples: StatSample[] = [];
  const take = (): void =>
    void readStat(procRoot).then(
      (s) => samples.push(s),
      () => undefined,
    );
  take();
  const timer = setInterval(take, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Real CPUs busy on average between two times, and the machine's CPU count. */
function realCpusBusy(samples: readonly StatSample[], fromMs: number, toMs: number): { busy: number; cpus: number } | undefined {
  const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
  const a = inside[0];
  const b = inside[inside.length - 1];
  if (a === undefined || b === undefined || b.totalTicks <= a.totalTicks) return undefined;
  return { busy: ((b.busyTicks - a.busyTicks) / (b.totalTicks - a.totalTicks)) * b.cpus, cpus: b.cpus };
}

/** Per job id, the saturated phase's start (bag started) and end (window measured), from an agent's log. */
function saturatedWindows(log: string): Map<string, { fromMs: number; toMs: number }> {
  const start = new Map<string, number>();
  const out = new Map<string, { fromMs: number; toMs: number }>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    let rec: { msg?: string; jobId?: string; time?: string | number };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      continue;
    }
    const t = typeof rec.time === 'string' ? Date.parse(rec.time) : rec.time;
    if (rec.jobId === undefined || t === undefined || !Number.isFinite(t)) continue;
    if (rec.msg === 'profile job: bag started') start.set(rec.jobId, t);
    const s = start.get(rec.jobId);
    if (rec.msg === 'profile job: saturated window measured' && s !== undefined) out.set(rec.jobId, { fromMs: s, toMs: t });
  }
  return out;
}

interface StoredFunction {
  function?: string;
  exec_per_sec_per_core?: number;
  cpu_time_us?: string;
  cores?: number;
}
interface StoredBag {
  hostType?: string;
  result?: { ok?: boolean; job_id?: string; duration_ms?: number; functions?: StoredFunction[] };
}

/**
 * The table: one block per bag (its functions, the real CPUs busy during its saturated phase on
 * each host), one row per function with each type's executions/s per core, busy share, and the
 * bag's x86/ARM ratio. `x86Type` / `armType` name the two host types.
 */
export async function bagTable(
  stateDir: string,
  agentLogs: ReadonlyMap<string, string>,
  stat: readonly StatSample[],
  x86Type: string,
  armType: string,
): Promise<string> {
  const windows = new Map<string, { fromMs: number; toMs: number }>();
  for (const log of agentLogs.values()) for (const [k, w] of saturatedWindows(log)) windows.set(k, w);
  const profiles = join(stateDir, 'profiles');
  const bags = new Map<number, Map<string, StoredBag>>();
  for (const campaign of await readdir(profiles).catch(() => [] as string[])) {
    for (const file of await readdir(join(profiles, campaign))) {
      const m = /_b(\d+)_/.exec(file);
      if (m === null || !file.endsWith('.json')) continue;
      const rec = JSON.parse(await readFile(join(profiles, campaign, file), 'utf8')) as StoredBag;
      if (rec.result?.ok !== true || rec.hostType === undefined) continue;
      const bag = Number(m[1]);
      const byType = bags.get(bag) ?? new Map<string, StoredBag>();
      byType.set(rec.hostType, rec);
      bags.set(bag, byType);
    }
  }
  const rows: string[] = [`per bag (saturated phase): executions/s per core and share of the emulated cores busy on each type, the bag's own x86/ARM ratio`];
  for (const bag of [...bags.keys()].sort((a, b) => a - b)) {
    const byType = bags.get(bag);
    const x = byType?.get(x86Type);
    const a = byType?.get(armType);
    const machine = [x, a]
      .map((r) => {
        const w = windows.get(r?.result?.job_id ?? '');
        const b = w ? realCpusBusy(stat, w.fromMs, w.toMs) : undefined;
        return b ? `${b.busy.toFixed(2)} of ${b.cpus}` : '?';
      })
      .join(' / ');
    rows.push(`bag ${bag + 1}: real CPUs busy ${machine} (x86 / ARM run)`);
    const fns = [...new Set([...(x?.result?.functions ?? []), ...(a?.result?.functions ?? [])].map((f) => f.function ?? ''))].sort();
    for (const fn of fns) {
      const fig = (r: StoredBag | undefined): { e: number; busy: number } | undefined => {
        const f = r?.result?.functions?.find((g) => g.function === fn);
        const s = (r?.result?.duration_ms ?? 0) / 1000;
        if (f === undefined || !(s > 0) || !((f.cores ?? 0) > 0)) return undefined;
        return { e: f.exec_per_sec_per_core ?? 0, busy: Number(f.cpu_time_us ?? 0) / 1e6 / ((f.cores ?? 1) * s) };
      };
      const fx = fig(x);
      const fa = fig(a);
      const show = (f: { e: number; busy: number } | undefined): string =>
        f ? `${f.e.toPrecision(4).padStart(9)} (${(f.busy * 100).toFixed(0).padStart(3)} %)` : '        -        ';
      const ratio = fx && fa && fa.e > 0 ? (fx.e / fa.e).toFixed(3) : '-';
      rows.push(`  ${fn.padEnd(18)} x86 ${show(fx)}   ARM ${show(fa)}   ratio ${ratio}`);
    }
  }
  return rows.join('\n');
}
