// Per-core frequency from ACPI CPPC feedback counters
// (<sysfs>/devices/system/cpu/cpuN/acpi_cppc/feedback_ctrs): delivered perf over the interval,
// mapped to kHz with the kernel's formula. On Altra every read is a PCC mailbox round trip to the
// SMpro, so only a subset of cores is read (default 8 per socket, spread over the socket) and no
// more often than `minIntervalMs` (default 1000 ms).
import { SensorUnavailableError, khzToMhz } from '@isawatt/common';
import { join } from 'node:path';
import { readTextFile, readTrimmed, readU64, SensorFileError, type TextFileReader } from '../hostfs/sysfs-file.js';
import { cpusWith, socketOfCpu, spreadSubset } from './cpu-dirs.js';
import { cppcPerfToKhz, deliveredPerf, parseFeedbackCtrs, type CppcCaps, type FeedbackCounters } from './cppc-formula.js';
import { meanBySocket, type CoreFrequency, type FrequencyReader, type FrequencySample } from './frequency-reader.js';

export interface CppcReaderOptions {
  readonly sysfsRoot: string;
  readonly readFile?: TextFileReader;
  /** Exactly these CPUs (default: a spread subset of every CPU with acpi_cppc). */
  readonly cpus?: readonly number[];
  /** Subset size per socket when `cpus` is not given (default 8). */
  readonly maxCpusPerSocket?: number;
  /** Minimum time between firmware reads, ms (default 1000). */
  readonly minIntervalMs?: number;
  /** SMBIOS type 4 max speed, MHz: the kernel's fallback when CPPC gives no frequencies. */
  readonly dmiMaxMhz?: number;
}

interface CoreState {
  readonly cpu: number;
  readonly socket: number;
  readonly caps: CppcCaps;
  readonly path: string;
  prev: FeedbackCounters | undefined;
}

const CAP_FILES = {
  highestPerf: 'highest_perf',
  nominalPerf: 'nominal_perf',
  lowestPerf: 'lowest_perf',
  referencePerf: 'reference_perf',
  nominalFreqMhz: 'nominal_freq',
  lowestFreqMhz: 'lowest_freq',
} as const;

export class CppcReader implements FrequencyReader {
  readonly kind = 'cppc';
  private readonly sysfsRoot: string;
  private readonly read: TextFileReader;
  private readonly minIntervalMs: number;
  private cores: CoreState[] = [];
  private initNotes: string[] = [];
  private lastReadMs: number | undefined;
  private last: FrequencySample | undefined;

  constructor(private readonly opts: CppcReaderOptions) {
    this.sysfsRoot = opts.sysfsRoot;
    this.read = opts.readFile ?? readTextFile;
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
  }

  async init(): Promise<void> {
    const all = await cpusWith(this.sysfsRoot, 'acpi_cppc');
    const cpuDir = join(this.sysfsRoot, 'devices/system/cpu');
    if (all.length === 0) {
      throw new SensorUnavailableError(this.kind, cpuDir, 'no cpuN/acpi_cppc directory (no ACPI CPPC, or CPPC disabled in the firmware setup)');
    }
    const notes: string[] = [];
    const withSocket: { cpu: number; socket: number }[] = [];
    let noTopology = 0;
    for (const cpu of all) {
      const socket = await socketOfCpu(this.sysfsRoot, cpu, this.read);
      if (socket === undefined) noTopology++;
      withSocket.push({ cpu, socket: socket ?? 0 });
    }
    if (noTopology > 0) notes.push(`${noTopology} CPU(s) without topology/physical_package_id: counted as socket 0`);
    const wanted = this.opts.cpus ?? spreadSubset(withSocket, this.opts.maxCpusPerSocket ?? 8);
    const missing = wanted.filter((c) => !all.includes(c));
    if (missing.length > 0) notes.push(`CPU(s) ${missing.join(',')} requested but have no acpi_cppc; ignored`);
    this.cores = [];
    for (const cpu of wanted.filter((c) => all.includes(c))) {
      const dir = join(cpuDir, `cpu${cpu}`, 'acpi_cppc');
      try {
        const caps = await this.readCaps(dir);
        const path = join(dir, 'feedback_ctrs');
        await readTrimmed(path, this.read);
        this.cores.push({ cpu, socket: withSocket.find((w) => w.cpu === cpu)?.socket ?? 0, caps, path, prev: undefined });
      } catch (err) {
        notes.push(`cpu${cpu} skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
      }
    }
    if (this.cores.length === 0) throw new SensorUnavailableError(this.kind, cpuDir, `no usable CPPC core: ${notes.join('; ')}`);
    notes.unshift(
      `reading ${this.cores.length} of ${all.length} CPUs (${this.opts.cpus ? 'configured list' : `at most ${this.opts.maxCpusPerSocket ?? 8} per socket`}), at most every ${this.minIntervalMs} ms: each read is a firmware round trip on Altra`,
    );
    this.initNotes = notes;
    this.lastReadMs = undefined;
    this.last = undefined;
  }

  private async readCaps(dir: string): Promise<CppcCaps> {
    const v: Partial<Record<keyof CppcCaps, bigint>> = {};
    for (const [key, file] of Object.entries(CAP_FILES) as [keyof CppcCaps, string][]) {
      const path = join(dir, file);
      // nominal_freq and lowest_freq are optional in ACPI: absent means 0 (use the SMBIOS fallback).
      if (key === 'nominalFreqMhz' || key === 'lowestFreqMhz') {
        try {
          v[key] = await readU64(path, 'MHz', this.read);
        } catch (err) {
          if (err instanceof SensorFileError && err.problem.startsWith('missing')) v[key] = 0n;
          else throw err;
        }
      } else {
        v[key] = await readU64(path, 'perf units', this.read);
      }
    }
    const caps = v as CppcCaps;
    if (cppcPerfToKhz(caps, caps.nominalPerf, this.opts.dmiMaxMhz) === undefined) {
      throw new SensorFileError(join(dir, 'nominal_freq'), 'no perf-to-frequency mapping: nominal_freq/lowest_freq are 0 and no SMBIOS max speed was given');
    }
    return caps;
  }

  cpus(): readonly number[] {
    return this.cores.map((c) => c.cpu);
  }

  notes(): readonly string[] {
    return this.initNotes;
  }

  async sample(nowMs: number): Promise<FrequencySample> {
    if (this.last !== undefined && this.lastReadMs !== undefined && nowMs - this.lastReadMs < this.minIntervalMs) {
      return { ...this.last, cached: true };
    }
    const intervalMs = this.lastReadMs === undefined ? 0 : nowMs - this.lastReadMs;
    this.lastReadMs = nowMs;
    const warnings: string[] = [];
    const cores: CoreFrequency[] = [];
    for (const core of this.cores) {
      let cur: FeedbackCounters;
      try {
        cur = parseFeedbackCtrs(await readTrimmed(core.path, this.read), core.path);
      } catch (err) {
        warnings.push(`cppc: ${err instanceof SensorFileError ? err.message : String(err)}; cpu${core.cpu} skipped`);
        core.prev = undefined;
        continue;
      }
      const prev = core.prev;
      core.prev = cur;
      if (prev === undefined) continue;
      const perf = deliveredPerf(core.caps.referencePerf, prev, cur);
      const khz = perf === undefined ? undefined : cppcPerfToKhz(core.caps, perf, this.opts.dmiMaxMhz);
      cores.push({ cpu: core.cpu, socket: core.socket, mhz: khz === undefined ? null : khzToMhz(khz) });
    }
    const idle = cores.filter((c) => c.mhz === null).length;
    if (intervalMs > 0 && idle > 0 && idle === cores.length)
      warnings.push(`cppc: no sampled core's counters moved over ${Math.round(intervalMs)} ms: all reported idle`);
    this.last = { timestampMs: nowMs, intervalMs, mhzBySocket: meanBySocket(cores), cores, cached: false, warnings };
    return this.last;
  }
}
