// Which CPUs exist and on which socket, from sysfs (root configurable for fake trees).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@isawatt/common';
import { parseCpuList } from '../hardware/cpu-list.js';

export interface CpuInfo {
  readonly cpu: number;
  readonly socket: number;
}

/** Online CPUs with their physical package id (socket 0 when the topology file is missing). */
export async function readCpuTopology(sysfsRoot = '/sys'): Promise<CpuInfo[]> {
  const base = join(sysfsRoot, 'devices', 'system', 'cpu');
  let online: number[];
  const file = join(base, 'online');
  try {
    online = parseCpuList(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ValidationError(file, `cannot read the online CPU list: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: CpuInfo[] = [];
  for (const cpu of online) {
    let socket = 0;
    try {
      const text = (await readFile(join(base, `cpu${cpu}`, 'topology', 'physical_package_id'), 'utf8')).trim();
      if (/^-?\d+$/.test(text)) socket = Math.max(0, Number(text));
    } catch {
      // Some VMs and containers omit topology: one socket.
    }
    out.push({ cpu, socket });
  }
  return out;
}
