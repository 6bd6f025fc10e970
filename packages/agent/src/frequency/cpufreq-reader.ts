// Current frequency from cpufreq (<sysfs>/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq, kHz).
// An instantaneous figure per CPU, cheap to read; used where CPPC is absent (x86, VMs with cpufreq).
import { SensorUnavailableError, khzToMhz } from '@isawatt/common';
import { join } from 'node:path';
import { readTextFile, readU64, SensorFileError, type TextFileReader } from '../hostfs/sysfs-file.js';
import { cpusWith, socketOfCpu } from './cpu-dirs.js';
import { meanBySocket, type CoreFrequency, type FrequencyReader, type FrequencySample } from './frequency-reader.js';

export interface CpufreqReaderOptions {
  readonly sysfsRoot: string;
  readonly readFile?: TextFileReader;
  readonly cpus?: readonly number[];
}

export class CpufreqReader implements FrequencyReader {
  readonly kind = 'cpufreq';
  private readonly sysfsRoot: string;
  private readonly read: TextFileReader;
  private cores: { cpu: number; socket: number; path: string }[] = [];
  private initNotes: string[] = [];

  constructor(private readonly opts: CpufreqReaderOptions) {
    this.sysfsRoot = opts.sysfsRoot;
    this.read = opts.readFile ?? readTextFile;
  }

  async init(): Promise<void> {
    const cpuDir = join(this.sysfsRoot, 'devices/system/cpu');
    const all = await cpusWith(this.sysfsRoot, 'cpufreq');
    if (all.length === 0) throw new SensorUnavailableError(this.kind, cpuDir, 'no cpuN/cpufreq directory (no cpufreq driver, typical in VMs)');
    const notes: string[] = [];
    this.cores = [];
    for (const cpu of this.opts.cpus?.filter((c) => all.includes(c)) ?? all) {
      const path = join(cpuDir, `cpu${cpu}`, 'cpufreq/scaling_cur_freq');
      try {
        await readU64(path, 'kHz', this.read);
        this.cores.push({ cpu, socket: (await socketOfCpu(this.sysfsRoot, cpu, this.read)) ?? 0, path });
      } catch (err) {
        notes.push(`cpu${cpu} skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
      }
    }
    if (this.cores.length === 0) throw new SensorUnavailableError(this.kind, cpuDir, `no readable scaling_cur_freq: ${notes.join('; ')}`);
    this.initNotes = notes;
  }

  cpus(): readonly number[] {
    return this.cores.map((c) => c.cpu);
  }

  notes(): readonly string[] {
    return this.initNotes;
  }

  async sample(nowMs: number): Promise<FrequencySample> {
    const warnings: string[] = [];
    const cores: CoreFrequency[] = [];
    for (const c of this.cores) {
      try {
        const khz = await readU64(c.path, 'kHz', this.read);
        cores.push({ cpu: c.cpu, socket: c.socket, mhz: khzToMhz(khz) });
      } catch (err) {
        warnings.push(`cpufreq: ${err instanceof SensorFileError ? err.message : String(err)}; cpu${c.cpu} skipped`);
      }
    }
    return { timestampMs: nowMs, intervalMs: 0, mhzBySocket: meanBySocket(cores), cores, cached: false, warnings };
  }
}
