// CPU directories under <sysfs>/devices/system/cpu and each CPU's socket, for the frequency readers.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readOptionalTrimmed, type TextFileReader } from '../hostfs/sysfs-file.js';

/** cpuN ids that have `sub` (e.g. "acpi_cppc", "cpufreq"), sorted. */
export async function cpusWith(sysfsRoot: string, sub: string): Promise<number[]> {
  const dir = join(sysfsRoot, 'devices/system/cpu');
  const entries = await readdir(dir).catch(() => [] as string[]);
  const ids: number[] = [];
  for (const e of entries) {
    if (!/^cpu\d+$/.test(e)) continue;
    const has = await readdir(join(dir, e, sub)).then(
      () => true,
      () => false,
    );
    if (has) ids.push(Number(e.slice(3)));
  }
  return ids.sort((a, b) => a - b);
}

/** Socket of a CPU from topology/physical_package_id; undefined when missing or malformed. */
export async function socketOfCpu(sysfsRoot: string, cpu: number, read: TextFileReader): Promise<number | undefined> {
  try {
    const t = await readOptionalTrimmed(join(sysfsRoot, `devices/system/cpu/cpu${cpu}/topology/physical_package_id`), read);
    return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
}

/** Picks at most `perSocket` CPUs of each socket, spread evenly over its CPU list. */
export function spreadSubset(cpus: readonly { cpu: number; socket: number }[], perSocket: number): number[] {
  const bySocket = new Map<number, number[]>();
  for (const c of cpus) bySocket.set(c.socket, [...(bySocket.get(c.socket) ?? []), c.cpu]);
  const out: number[] = [];
  for (const list of bySocket.values()) {
    if (list.length <= perSocket) {
      out.push(...list);
      continue;
    }
    for (let i = 0; i < perSocket; i++) out.push(list[Math.floor((i * list.length) / perSocket)] as number);
  }
  return out.sort((a, b) => a - b);
}
