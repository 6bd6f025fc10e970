// CPU time of a cgroup v1 cpuacct subtree: the total (descendants included), per real CPU, and per
// direct child (one per function by the runtime's layout <cgroupfs>/cpuacct/isawatt/<function>).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CgroupUsage {
  readonly totalNs: bigint;
  /** cpuacct.usage_percpu, indexed by real CPU; empty when the file is absent. */
  readonly perCpuNs: readonly bigint[];
  /** Direct child directory name -> its cpuacct.usage. */
  readonly childrenNs: ReadonlyMap<string, bigint>;
}

function u64(text: string, file: string): bigint {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) throw new Error(`${file}: expected CPU time in ns as an unsigned integer, got "${t.slice(0, 40)}"`);
  return BigInt(t);
}

/** Undefined when the cgroup does not exist (yet); throws naming the file for malformed content. */
export async function readCgroupUsage(dir: string): Promise<CgroupUsage | undefined> {
  const usageFile = join(dir, 'cpuacct.usage');
  let text: string;
  try {
    text = await readFile(usageFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${usageFile}: unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const totalNs = u64(text, usageFile);
  const perCpuFile = join(dir, 'cpuacct.usage_percpu');
  const perCpuText = await readFile(perCpuFile, 'utf8').catch(() => '');
  const perCpuNs = perCpuText
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => u64(s, perCpuFile));
  const childrenNs = new Map<string, bigint>();
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const f = join(dir, e.name, 'cpuacct.usage');
    const t = await readFile(f, 'utf8').catch(() => undefined);
    if (t !== undefined) childrenNs.set(e.name, u64(t, f));
  }
  return { totalNs, perCpuNs, childrenNs };
}

const sub = (a: bigint, b: bigint | undefined): bigint => (b === undefined || a < b ? 0n : a - b);

/** Real CPU time of each function cgroup between two readings (a new cgroup counts from 0). */
export function childDeltasNs(prev: CgroupUsage | undefined, cur: CgroupUsage | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (cur === undefined) return out;
  for (const [name, ns] of cur.childrenNs) out.set(name, sub(ns, prev?.childrenNs.get(name) ?? 0n));
  return out;
}
