// Ampere Altra / Altra Max host power through the upstream xgene-hwmon driver (hwmon name
// "apm_xgene", one chip per socket): power1 "CPU power" and power2 "IO power", instantaneous µW at
// 1 mW resolution, no energy counter, so energy is the trapezoid integral of successive readings.
import { SensorUnavailableError } from '@isawatt/common';
import { join } from 'node:path';
import { ChannelMeter, type Channel, type ChannelMeterOptions, type Discovery } from './channel-meter.js';
import { inputChannels, orderBySocket, scanHwmon } from './hwmon-scan.js';
import { parseU64, readTrimmed, SensorFileError } from '../hostfs/sysfs-file.js';

export const XGENE_CHIP_NAME = 'apm_xgene';
export const XGENE_PERMISSION_HINT =
  'Ampere LTS kernels make xgene power*_input root-only: run the agent as root, or chmod g+r / chgrp the files at boot (see docs/energy-sources.md)';

/** Label -> our domain prefix. The driver's fixed channels (power1 CPU, power2 IO) are the fallback. */
const LABELS: Readonly<Record<string, 'cpu' | 'io'>> = { 'cpu power': 'cpu', 'io power': 'io' };
const FIXED: Readonly<Record<string, 'cpu' | 'io'>> = { power1: 'cpu', power2: 'io' };

export class XgeneHwmonMeter extends ChannelMeter {
  readonly kind = 'xgene-hwmon';

  constructor(opts: ChannelMeterOptions) {
    super(opts);
  }

  protected async discover(): Promise<Discovery> {
    const scan = await scanHwmon(this.sysfsRoot, this.read);
    const found = scan.chips.filter((c) => c.name === XGENE_CHIP_NAME);
    if (found.length === 0) {
      throw new SensorUnavailableError(
        this.kind,
        join(this.sysfsRoot, 'class/hwmon'),
        `no hwmon chip named "${XGENE_CHIP_NAME}" (not an Ampere Altra host, or the xgene-hwmon driver is not loaded)`,
      );
    }
    const { chips, by } = orderBySocket(found);
    const notes = [...scan.notes];
    if (chips.length > 1)
      notes.push(`${chips.length} ${XGENE_CHIP_NAME} chips, sockets assigned by ${by}: ${chips.map((c, s) => `${c.entry}=socket ${s}`).join(', ')}`);
    const channels: Channel[] = [];
    for (const [socket, chip] of chips.entries()) {
      for (const ch of inputChannels(chip, 'power')) {
        const label = chip.labels.get(ch);
        let role = label === undefined ? undefined : LABELS[label.toLowerCase()];
        if (label === undefined) {
          role = FIXED[ch];
          if (role !== undefined)
            notes.push(`${chip.entry}/${ch}_label missing; using the driver's fixed meaning of ${ch} (${role === 'cpu' ? 'CPU' : 'IO'} power)`);
        }
        if (role === undefined) {
          notes.push(`${chip.entry}/${ch} skipped: label "${label ?? ''}" is neither "CPU power" nor "IO power"`);
          continue;
        }
        const path = join(chip.dir, `${ch}_input`);
        try {
          parseU64(await readTrimmed(path, this.read, XGENE_PERMISSION_HINT), path, 'µW');
        } catch (err) {
          notes.push(`${chip.entry} ${role} power skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
          continue;
        }
        // CPU (PMD rail) and IO (rest of the SoC) are disjoint: both count toward the host total.
        channels.push({
          mode: 'power',
          permissionHint: XGENE_PERMISSION_HINT,
          info: { domain: `${role}-${socket}`, socket, inHostTotal: true, maxEnergyUj: null, path },
        });
      }
    }
    return { channels, notes };
  }
}
