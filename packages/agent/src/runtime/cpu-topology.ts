// Which CPUs exist and on which socket, as the CPU allocator needs them: the hardware detection's
// topology reader (hardware/topology.ts) under the configured sysfs root, reduced to (cpu, socket).
import { readTopology } from '../hardware/topology.js';

export interface CpuInfo {
  readonly cpu: number;
  readonly socket: number;
}

/** Online CPUs with their physical package id (socket 0 when the topology file is missing). */
export async function readCpuTopology(sysfsRoot: string): Promise<CpuInfo[]> {
  const topology = await readTopology(sysfsRoot, []);
  return topology.cpus.map((c) => ({ cpu: c.id, socket: c.socket }));
}
