// LiveProbe backed by systeminformation, for the machine the agent actually runs on (roots are the
// real /proc and /sys). It names CPUs the files leave unnamed (arm64 without SMBIOS access) and
// cross-checks the sysfs counts.
import si from 'systeminformation';
import type { Arch } from '@isawatt/common';
import type { LiveFacts, LiveProbe } from './detect.js';

function archOf(nodeArch: string): Arch | undefined {
  if (nodeArch === 'x64' || nodeArch === 'x86_64') return 'x86_64';
  if (nodeArch === 'arm64' || nodeArch === 'aarch64') return 'aarch64';
  return undefined;
}

export class SystemInformationProbe implements LiveProbe {
  readonly name = 'systeminformation';

  async probe(): Promise<LiveFacts> {
    const [cpu, os, mem] = await Promise.all([si.cpu(), si.osInfo(), si.mem()]);
    const model = [cpu.manufacturer, cpu.brand]
      .filter((s) => s && s.trim() !== '')
      .join(' ')
      .trim();
    return {
      arch: archOf(os.arch),
      cpuModel: model === '' ? undefined : model,
      physicalCores: cpu.physicalCores > 0 ? cpu.physicalCores : undefined,
      sockets: cpu.processors > 0 ? cpu.processors : undefined,
      memoryBytes: mem.total > 0 ? BigInt(mem.total) : undefined,
    };
  }
}
