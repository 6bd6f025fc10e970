// Shared machinery of the sysfs meters: each meter discovers a set of channels at init (a wrapping
// energy counter, or an instantaneous power file to integrate), and this class turns them into
// per-tick energy per domain. One bad channel is skipped with a warning naming its file; the others
// keep working, and the bad one re-baselines once it reads again.
import { powerW, SensorUnavailableError } from '@isawatt/common';
import type { Quality } from '@isawatt/common';
import { counterDeltaUj, trapezoidEnergyUj } from './energy-delta.js';
import { emulatedProfileOf } from './emulated-marker.js';
import type { DomainSample, EnergyDomainInfo, EnergyMeter, MeterSample } from './energy-meter.js';
import { readTextFile, readU64, SensorFileError, type TextFileReader } from '../hostfs/sysfs-file.js';

/** A cumulative energy counter in µJ (info.path), wrapping after info.maxEnergyUj. */
export interface CounterChannel {
  readonly mode: 'counter';
  readonly info: EnergyDomainInfo;
  /** Appended to permission errors (how to grant access). */
  readonly permissionHint?: string;
}

/** An instantaneous power reading in µW (info.path), integrated by trapezoids. */
export interface PowerChannel {
  readonly mode: 'power';
  readonly info: EnergyDomainInfo;
  readonly permissionHint?: string;
}

export type Channel = CounterChannel | PowerChannel;

export interface Discovery {
  readonly channels: readonly Channel[];
  /** Non-fatal findings (zones skipped and why, duplicates dropped). */
  readonly notes: readonly string[];
}

export interface ChannelMeterOptions {
  /** Root of sysfs (default "/sys"). */
  readonly sysfsRoot: string;
  /** File reader; tests inject errno failures root cannot produce. */
  readonly readFile?: TextFileReader;
}

interface ChannelState {
  value: bigint | undefined;
  atMs: number;
}

export abstract class ChannelMeter implements EnergyMeter {
  abstract readonly kind: string;
  protected readonly sysfsRoot: string;
  protected readonly read: TextFileReader;
  private channels: readonly Channel[] = [];
  private state: ChannelState[] = [];
  private discoveryNotes: readonly string[] = [];
  private lastSampleMs: number | undefined;
  private qualityLabel: Quality = 'measured';
  private emulatedProfile: string | undefined;

  constructor(opts: ChannelMeterOptions) {
    this.sysfsRoot = opts.sysfsRoot;
    this.read = opts.readFile ?? readTextFile;
  }

  get quality(): Quality {
    return this.qualityLabel;
  }

  /** The emulated profile name when the tree is emulated. */
  get emulated(): string | undefined {
    return this.emulatedProfile;
  }

  /** Finds the channels; throws SensorUnavailableError when there is none usable. */
  protected abstract discover(): Promise<Discovery>;

  async init(): Promise<void> {
    const found = await this.discover();
    if (found.channels.length === 0) {
      throw new SensorUnavailableError(this.kind, this.sysfsRoot, `no usable domain${found.notes.length ? `: ${found.notes.join('; ')}` : ''}`);
    }
    this.channels = found.channels;
    this.discoveryNotes = found.notes;
    this.state = found.channels.map(() => ({ value: undefined, atMs: 0 }));
    this.emulatedProfile = await emulatedProfileOf(this.sysfsRoot);
    if (this.emulatedProfile !== undefined) this.qualityLabel = 'emulated';
    this.lastSampleMs = undefined;
  }

  domains(): readonly EnergyDomainInfo[] {
    return this.channels.map((c) => c.info);
  }

  notes(): readonly string[] {
    return this.discoveryNotes;
  }

  async sample(nowMs: number): Promise<MeterSample> {
    const intervalMs = this.lastSampleMs === undefined ? 0 : nowMs - this.lastSampleMs;
    const baseline = this.lastSampleMs === undefined;
    this.lastSampleMs = nowMs;
    const warnings: string[] = [];
    const domains: DomainSample[] = [];
    for (const [i, ch] of this.channels.entries()) {
      const st = this.state[i] as ChannelState;
      let value: bigint;
      try {
        value = await readU64(ch.info.path, ch.mode === 'counter' ? 'µJ' : 'µW', this.read, ch.permissionHint);
      } catch (err) {
        const problem = err instanceof SensorFileError ? err.message : `${ch.info.path}: ${String(err)}`;
        warnings.push(`${this.kind}: ${problem}; domain ${ch.info.domain} skipped this tick`);
        st.value = undefined;
        continue;
      }
      const prev = st.value;
      const prevMs = st.atMs;
      st.value = value;
      st.atMs = nowMs;
      const { domain, socket, inHostTotal } = ch.info;
      if (baseline) {
        domains.push({ domain, socket, inHostTotal, energyUj: 0n, powerW: 0 });
        continue;
      }
      if (prev === undefined) {
        warnings.push(`${this.kind}: ${ch.info.path}: readable again; domain ${domain} re-baselined, no energy this tick`);
        continue;
      }
      const spanMs = nowMs - prevMs;
      let energyUj: bigint;
      if (ch.mode === 'counter') {
        const d = counterDeltaUj(prev, value, ch.info.maxEnergyUj);
        if (d.kind === 'wrapped')
          warnings.push(
            `${this.kind}: ${ch.info.path}: counter wrapped at max_energy_range ${ch.info.maxEnergyUj} µJ (${prev} -> ${value}); delta ${d.deltaUj} µJ`,
          );
        if (d.kind === 'reset')
          warnings.push(
            `${this.kind}: ${ch.info.path}: counter went backwards (${prev} -> ${value}) with no known range; treated as a reset, no energy this tick`,
          );
        energyUj = d.deltaUj;
      } else {
        energyUj = trapezoidEnergyUj(prev, value, spanMs);
      }
      domains.push({ domain, socket, inHostTotal, energyUj, powerW: powerW(energyUj, spanMs) });
    }
    return { timestampMs: nowMs, intervalMs, domains, warnings };
  }
}
