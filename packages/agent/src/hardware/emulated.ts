// The hardware an emulated agent reports: the profile's machine (arch, CPU model, sockets, cores,
// CPU numbering) for Hello and the models. Its function CPUs are emulated CPUs (all of them minus
// `reservedCpus`, read as emulated ids): each worker of an emulated CPU runs on this machine's CPUs
// with a slice of one of them (emulation/ground-truth.ts). The sources say "emulated profile" so
// nobody mistakes it for detection.
import type { HostHardware } from './detect.js';
import { hostTypeFromModel } from './host-type.js';
import type { CpuTopologyEntry } from './topology.js';

/** The machine of an emulated profile (emulation/profiles.ts emulatedHostFacts). */
export interface EmulatedMachine {
  /** Profile name. */
  readonly profile: string;
  readonly arch: 'x86_64' | 'aarch64';
  readonly cpuModel: string;
  readonly sockets: number;
  readonly physicalCores: number;
  readonly logicalCpus: number;
  /** Emulated logical CPU -> socket. */
  readonly socketOfCpu: ReadonlyMap<number, number>;
}

export function emulatedHardware(real: HostHardware, machine: EmulatedMachine, hostType: string | undefined): HostHardware {
  const onlineCpus = Array.from({ length: machine.logicalCpus }, (_, i) => i);
  const coresPerSocket = Math.max(1, Math.round(machine.physicalCores / machine.sockets));
  const cpus: CpuTopologyEntry[] = onlineCpus.map((id) => ({ id, socket: machine.socketOfCpu.get(id) ?? 0, coreId: id % coresPerSocket }));
  return {
    ...real,
    arch: machine.arch,
    cpuModel: machine.cpuModel,
    sockets: machine.sockets,
    physicalCores: machine.physicalCores,
    logicalCpus: machine.logicalCpus,
    onlineCpus,
    cpus,
    socketOfCpu: machine.socketOfCpu,
    functionCpus: onlineCpus.filter((c) => !real.reservedCpus.includes(c)),
    reservedCpus: real.reservedCpus.filter((c) => c < machine.logicalCpus),
    hostType: hostType ?? hostTypeFromModel(machine.cpuModel),
    sources: {
      ...real.sources,
      arch: `emulated profile ${machine.profile}`,
      model: `emulated profile ${machine.profile}`,
      topology: `emulated profile ${machine.profile}`,
      functionCpus: 'emulated CPUs minus reservedCpus (each a slice of a CPU of this machine)',
      hostType: hostType === undefined ? 'derived from the emulated CPU model' : 'config',
    },
  };
}
