// Generic hwmon energy/power sensors (after Kepler's hwmon meter): per chip, energy counters when it
// has any, else power readings (`*_average` preferred over `*_input`) integrated over time. The
// Ampere chips have their own meters and are skipped here. Channels whose label says "core" are
// taken as parts of another channel (inHostTotal false); restrict chips with the `chips` option
// when a host exposes overlapping sensors.
import { SensorUnavailableError } from '@isawatt/common';
import { join } from 'node:path';
import { ALTRA_CHIP_NAME } from './altra-hwmon-meter.js';
import { ChannelMeter, type Channel, type ChannelMeterOptions, type Discovery } from './channel-meter.js';
import { inputChannels, scanHwmon } from './hwmon-scan.js';
import { parseU64, readTrimmed, SensorFileError } from '../hostfs/sysfs-file.js';
import { XGENE_CHIP_NAME } from './xgene-hwmon-meter.js';

export interface HwmonMeterOptions extends ChannelMeterOptions {
  /** Only these chip names (default: every chip with energy or power channels). */
  readonly chips?: readonly string[];
}

/** "CPU power" -> "cpu_power" (Kepler's zone naming). */
export function hwmonZoneName(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9:_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export class HwmonMeter extends ChannelMeter {
  readonly kind = 'hwmon';
  private readonly chipFilter: readonly string[] | undefined;

  constructor(opts: HwmonMeterOptions) {
    super(opts);
    this.chipFilter = opts.chips;
  }

  protected async discover(): Promise<Discovery> {
    const scan = await scanHwmon(this.sysfsRoot, this.read);
    if (scan.chips.length === 0) {
      throw new SensorUnavailableError(this.kind, join(this.sysfsRoot, 'class/hwmon'), `no hwmon chip${scan.notes.length ? `: ${scan.notes.join('; ')}` : ''}`);
    }
    const notes = [...scan.notes];
    const channels: Channel[] = [];
    const used = new Set<string>();
    for (const chip of scan.chips) {
      if (chip.name === XGENE_CHIP_NAME || chip.name === ALTRA_CHIP_NAME) continue;
      if (this.chipFilter !== undefined && !this.chipFilter.includes(chip.name)) continue;
      const energy = inputChannels(chip, 'energy');
      const power = inputChannels(chip, 'power');
      const mode = energy.length > 0 ? 'counter' : 'power';
      const list = energy.length > 0 ? energy : power;
      if (list.length === 0) continue;
      for (const ch of list) {
        const file = mode === 'power' && chip.files.has(`${ch}_average`) ? `${ch}_average` : `${ch}_input`;
        const label = chip.labels.get(ch);
        if (label === undefined) notes.push(`${chip.entry}/${ch}_label missing; domain named after the chip and channel`);
        let domain = label === undefined ? `${hwmonZoneName(chip.name)}-${ch}` : hwmonZoneName(label);
        if (used.has(domain)) domain = `${domain}-${chip.entry}`;
        const path = join(chip.dir, file);
        try {
          parseU64(await readTrimmed(path, this.read), path, mode === 'counter' ? 'µJ' : 'µW');
        } catch (err) {
          notes.push(`${chip.entry}/${ch} skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
          continue;
        }
        used.add(domain);
        const inHostTotal = !/core/i.test(label ?? '');
        channels.push({ mode, info: { domain, socket: 0, inHostTotal, maxEnergyUj: null, path } });
      }
    }
    if (channels.length === 0 && notes.length === 0) {
      throw new SensorUnavailableError(this.kind, join(this.sysfsRoot, 'class/hwmon'), 'no hwmon chip with energy or power channels');
    }
    return { channels, notes };
  }
}
