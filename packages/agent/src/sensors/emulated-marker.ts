// An emulated sysfs tree (written by emulation/emulator.ts) carries a marker file at its root with
// the profile name. Meters that find it label everything 'emulated', so no emulated figure can pass
// for a measurement.
import { join } from 'node:path';
import { readOptionalTrimmed } from '../hostfs/sysfs-file.js';

export const EMULATED_MARKER = 'isawatt-emulated';

/** The emulated profile name when `sysfsRoot` is an emulated tree, else undefined. */
export async function emulatedProfileOf(sysfsRoot: string): Promise<string | undefined> {
  try {
    const text = await readOptionalTrimmed(join(sysfsRoot, EMULATED_MARKER));
    return text === undefined ? undefined : text || 'unnamed';
  } catch {
    // A marker we cannot read is still a marker: never let an emulated tree look measured.
    return 'unknown';
  }
}
