// CPU topology from sysfs (/sys/devices/system/cpu/{online, cpuN/topology/*}) with /proc/cpuinfo
// as the fallback (x86 "physical id"/"core id"). The number of sockets is the number of distinct
// package ids; physical cores are distinct (package, core id) pairs, because core ids repeat across
// sockets and are not contiguous (Skylake-SP numbers cores by mesh tile).
import { join } from 'node:path';
import { parseCpuList } from './cpu-list.js';
import type { CpuinfoBlock } from './cpuinfo.js';
import { readIntFile, readText } from '../hostfs/sysfs-read.js';

export interface CpuTopologyEntry {
  /** Logical CPU id (cpuN). */
  readonly id: number;
  /** Physical package (socket) id. */
  readonly socket: number;
  /** Core id within the socket (not unique across sockets, not contiguous). */
  readonly coreId: number;
}

export interface Topology {
  readonly onlineCpus: readonly number[];
  readonly cpus: readonly CpuTopologyEntry[];
  readonly sockets: number;
  readonly physicalCores: number;
  /** Where the figures came from ("sysfs topology", "cpuinfo", ...). */
  readonly source: string;
  readonly warnings: readonly string[];
}

/** Reads the online CPU list, then each CPU's package and core ids. */
export async function readTopology(sysfsRoot: string, cpuinfo: readonly CpuinfoBlock[]): Promise<Topology> {
  const warnings: string[] = [];
  const cpuDir = join(sysfsRoot, 'devices/system/cpu');
  const onlinePath = join(cpuDir, 'online');
  const online = await readText(onlinePath);
  let onlineCpus: number[];
  if (online.text !== undefined) {
    try {
      onlineCpus = parseCpuList(online.text);
    } catch (err) {
      throw new RangeError(`${onlinePath}: ${(err as Error).message}`);
    }
  } else {
    onlineCpus = cpuinfo.flatMap((b) => (b.processor === undefined ? [] : [b.processor])).sort((a, b) => a - b);
    warnings.push(`${onlinePath}: unreadable (${online.reason}); using the processors listed in cpuinfo`);
  }
  if (onlineCpus.length === 0) throw new RangeError(`no online CPU found (${onlinePath} and cpuinfo both empty)`);

  const byProcessor = new Map(cpuinfo.flatMap((b) => (b.processor === undefined ? [] : [[b.processor, b.fields] as const])));
  const cpus: CpuTopologyEntry[] = [];
  const sources = new Set<string>();
  const guessed: number[] = [];
  for (const id of onlineCpus) {
    const topo = join(cpuDir, `cpu${id}`, 'topology');
    let socket = await readIntFile(join(topo, 'physical_package_id'));
    let coreId = await readIntFile(join(topo, 'core_id'));
    if (socket !== undefined && coreId !== undefined) {
      sources.add('sysfs topology');
    } else {
      const fields = byProcessor.get(id);
      const phys = fields?.get('physical id');
      const core = fields?.get('core id');
      if (phys !== undefined && core !== undefined && /^\d+$/.test(phys) && /^\d+$/.test(core)) {
        socket = Number(phys);
        coreId = Number(core);
        sources.add('cpuinfo');
      } else {
        // Nothing says which CPUs share a core: count each as its own core on socket 0.
        socket = 0;
        coreId = id;
        guessed.push(id);
      }
    }
    // arm64 firmware without PPTT reports package -1: treat it as one socket.
    if (socket < 0) socket = 0;
    cpus.push({ id, socket, coreId });
  }
  if (guessed.length > 0) {
    warnings.push(`no topology for CPUs ${guessed.join(',')} in sysfs or cpuinfo; counting each as one core on socket 0`);
    sources.add('assumed');
  }
  const sockets = new Set(cpus.map((c) => c.socket)).size;
  const physicalCores = new Set(cpus.map((c) => `${c.socket}:${c.coreId}`)).size;
  return { onlineCpus, cpus, sockets, physicalCores, source: [...sources].join('+'), warnings };
}
