// Lists hwmon chips under <sysfs>/class/hwmon. hwmon numbering is not stable across boots, so
// chips are always found by their `name` file and their channels by `*_label` files.
import { readdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readOptionalTrimmed, readTrimmed, SensorFileError, type TextFileReader } from '../hostfs/sysfs-file.js';

export interface HwmonChip {
  /** "hwmon3". */
  readonly entry: string;
  /** <sysfs>/class/hwmon/hwmon3 */
  readonly dir: string;
  /** Content of `name` ("apm_xgene", "altra_hwmon", "coretemp"). */
  readonly name: string;
  /** Files in the chip directory. */
  readonly files: ReadonlySet<string>;
  /** Channel ("power1") -> label text ("CPU power"), for channels that have a readable label. */
  readonly labels: ReadonlyMap<string, string>;
  /** Name of the device the chip belongs to ("APMC0D29:01"), from the `device` symlink, if any. */
  readonly device: string | undefined;
}

export interface HwmonScan {
  readonly chips: readonly HwmonChip[];
  readonly notes: readonly string[];
}

/** Chips ordered by hwmon number (hwmon2 before hwmon10). Missing class dir -> no chips, one note. */
export async function scanHwmon(sysfsRoot: string, read: TextFileReader): Promise<HwmonScan> {
  const classDir = join(sysfsRoot, 'class/hwmon');
  const notes: string[] = [];
  let entries: string[];
  try {
    entries = (await readdir(classDir)).filter((e) => /^hwmon\d+$/.test(e));
  } catch {
    return { chips: [], notes: ['class/hwmon missing (no hwmon driver loaded)'] };
  }
  entries.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const chips: HwmonChip[] = [];
  for (const entry of entries) {
    const dir = join(classDir, entry);
    let name: string;
    let files: Set<string>;
    try {
      files = new Set(await readdir(dir));
      name = await readTrimmed(join(dir, 'name'), read);
    } catch (err) {
      notes.push(`${entry} skipped: ${err instanceof SensorFileError ? err.message : `${dir}: unreadable directory`}`);
      continue;
    }
    const labels = new Map<string, string>();
    for (const f of files) {
      const m = /^([a-z]+\d+)_label$/.exec(f);
      if (!m) continue;
      try {
        const label = await readOptionalTrimmed(join(dir, f), read);
        if (label) labels.set(m[1] as string, label);
      } catch (err) {
        notes.push(`${entry}: ${err instanceof SensorFileError ? err.message : String(err)}`);
      }
    }
    let device: string | undefined;
    try {
      device = basename(await realpath(join(dir, 'device')));
    } catch {
      device = undefined;
    }
    chips.push({ entry, dir, name, files, labels, device });
  }
  return { chips, notes };
}

/** Channels of one type ("power", "energy") that have an `_input` file, sorted by number. */
export function inputChannels(chip: HwmonChip, type: string): string[] {
  const re = new RegExp(`^(${type}\\d+)_input$`);
  return [...chip.files]
    .flatMap((f) => {
      const m = re.exec(f);
      return m ? [m[1] as string] : [];
    })
    .sort((a, b) => Number(a.slice(type.length)) - Number(b.slice(type.length)));
}

/**
 * Orders chips of one kind that exist once per socket: by the ACPI instance of their device
 * ("APMC0D29:01" -> 1) when every chip has one, else by hwmon number. Index in the result = socket.
 */
export function orderBySocket(chips: readonly HwmonChip[]): { chips: HwmonChip[]; by: string } {
  const inst = chips.map((c) => (c.device === undefined ? undefined : /:([0-9a-f]+)$/i.exec(c.device)?.[1]));
  if (inst.every((i) => i !== undefined)) {
    const order = chips.map((c, i) => ({ c, k: parseInt(inst[i] as string, 16) })).sort((a, b) => a.k - b.k);
    return { chips: order.map((o) => o.c), by: 'ACPI device instance' };
  }
  return { chips: [...chips], by: 'hwmon number (no device link)' };
}
