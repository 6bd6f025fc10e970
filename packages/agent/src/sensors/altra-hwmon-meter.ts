// Ampere's out-of-tree altra_hwmon driver (ACPI AMPC0005, hwmon name "altra_hwmon", one chip per
// socket): one cumulative energy counter per core, labelled "Core Energy NNN", µJ. These counters
// sit inside xgene's CPU power, so they are finer-grained domains that never add to the host total.
import { SensorUnavailableError } from '@isawatt/common';
import { join } from 'node:path';
import { ChannelMeter, type Channel, type ChannelMeterOptions, type Discovery } from './channel-meter.js';
import { inputChannels, orderBySocket, scanHwmon } from './hwmon-scan.js';
import { parseU64, readTrimmed, SensorFileError } from '../hostfs/sysfs-file.js';

export const ALTRA_CHIP_NAME = 'altra_hwmon';
export const ALTRA_PERMISSION_HINT =
  'altra_hwmon energy files are root-only (0400) on Ampere LTS kernels: run the agent as root, or chmod g+r / chgrp them at boot (see docs/energy-sources.md)';

export class AltraHwmonMeter extends ChannelMeter {
  readonly kind = 'altra-hwmon';

  constructor(opts: ChannelMeterOptions) {
    super(opts);
  }

  protected async discover(): Promise<Discovery> {
    const scan = await scanHwmon(this.sysfsRoot, this.read);
    const found = scan.chips.filter((c) => c.name === ALTRA_CHIP_NAME);
    if (found.length === 0) {
      throw new SensorUnavailableError(
        this.kind,
        join(this.sysfsRoot, 'class/hwmon'),
        `no hwmon chip named "${ALTRA_CHIP_NAME}" (Ampere's out-of-tree driver is not in this kernel)`,
      );
    }
    const { chips, by } = orderBySocket(found);
    const notes = [...scan.notes];
    if (chips.length > 1) notes.push(`${chips.length} ${ALTRA_CHIP_NAME} chips, sockets assigned by ${by}`);
    notes.push('counter width and wrap are undocumented for altra_hwmon: a decrease is treated as a reset');
    const channels: Channel[] = [];
    for (const [socket, chip] of chips.entries()) {
      for (const ch of inputChannels(chip, 'energy')) {
        const label = chip.labels.get(ch);
        const m = label === undefined ? null : /^core energy (\d+)$/i.exec(label);
        // Without a label, energyN is core N-1 (the driver numbers channels from 1 in firmware order).
        const core = m ? Number(m[1]) : Number(ch.slice('energy'.length)) - 1;
        if (label !== undefined && !m) {
          notes.push(`${chip.entry}/${ch} skipped: label "${label}" is not "Core Energy NNN"`);
          continue;
        }
        if (label === undefined) notes.push(`${chip.entry}/${ch}_label missing; assuming core ${core}`);
        const path = join(chip.dir, `${ch}_input`);
        try {
          parseU64(await readTrimmed(path, this.read, ALTRA_PERMISSION_HINT), path, 'µJ');
        } catch (err) {
          notes.push(`${chip.entry} core ${core} skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
          continue;
        }
        channels.push({
          mode: 'counter',
          permissionHint: ALTRA_PERMISSION_HINT,
          info: { domain: `core-${socket}-${core}`, socket, inHostTotal: false, maxEnergyUj: null, path },
        });
      }
    }
    return { channels, notes };
  }
}
