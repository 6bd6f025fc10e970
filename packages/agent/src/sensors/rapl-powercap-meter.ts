// RAPL through the powercap sysfs class (x86: Intel and AMD). Zones are found by listing
// <sysfs>/class/powercap and reading each zone's `name`, never by assuming an index: indices are
// hexadecimal (intel-rapl:a), packages are identified by their name (package-N carries the physical
// package id), and the same domain exposed by several control types (intel-rapl, intel-rapl-tpmi,
// intel-rapl-mmio) is read once, preferring intel-rapl as Kepler does.
import { SensorUnavailableError } from '@isawatt/common';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelMeter, type Channel, type ChannelMeterOptions, type Discovery } from './channel-meter.js';
import { parseU64, readTrimmed, SensorFileError } from '../hostfs/sysfs-file.js';

export const RAPL_PERMISSION_HINT =
  'energy_uj is root-only since Linux 5.10 (PLATYPUS, CVE-2020-8694): run the agent as root, or give its group read access at boot ' +
  '(chgrp powercap + chmod g+r on every energy_uj; see docs/energy-sources.md)';

const ZONE_RE = /^(intel-rapl|intel-rapl-tpmi|intel-rapl-mmio):([0-9a-f]+(?::[0-9a-f]+)*)$/;
/** Lower wins when the same domain appears under several control types. */
const TYPE_PRIORITY: Readonly<Record<string, number>> = { 'intel-rapl': 0, 'intel-rapl-tpmi': 1, 'intel-rapl-mmio': 2 };

export interface RaplZoneName {
  readonly controlType: string;
  /** Zone path indices, parsed from hexadecimal ("intel-rapl:0:a" -> [0, 10]). */
  readonly indices: readonly number[];
}

/** Parses a powercap zone directory name; undefined for control-type dirs and other entries. */
export function parseRaplZoneName(entry: string): RaplZoneName | undefined {
  const m = ZONE_RE.exec(entry);
  if (!m) return undefined;
  return { controlType: m[1] as string, indices: (m[2] as string).split(':').map((h) => parseInt(h, 16)) };
}

interface ZoneFound {
  readonly entry: string;
  readonly zone: RaplZoneName;
  readonly dir: string;
  readonly name: string;
}

/** Maps a zone's kernel name to our domain id, socket and whether it counts toward the host total. */
export function raplDomainOf(name: string, parentName: string | undefined): { domain: string; socket: number; inHostTotal: boolean } | undefined {
  const pkg = /^package-(\d+)(?:-die-(\d+))?$/.exec(name);
  if (pkg) return { domain: name, socket: Number(pkg[1]), inHostTotal: true };
  if (name === 'psys') return { domain: 'psys', socket: 0, inHostTotal: false };
  const parent = parentName === undefined ? undefined : /^package-(\d+)(?:-die-(\d+))?$/.exec(parentName);
  if (parent && (name === 'dram' || name === 'core' || name === 'uncore')) {
    const suffix = parent[2] === undefined ? parent[1] : `${parent[1]}-die-${parent[2]}`;
    // DRAM is outside the package: it adds to the host total. core/uncore are inside the package.
    return { domain: `${name}-${suffix}`, socket: Number(parent[1]), inHostTotal: name === 'dram' };
  }
  return undefined;
}

export class RaplPowercapMeter extends ChannelMeter {
  readonly kind = 'rapl';

  constructor(opts: ChannelMeterOptions) {
    super(opts);
  }

  protected async discover(): Promise<Discovery> {
    const classDir = join(this.sysfsRoot, 'class/powercap');
    let entries: string[];
    try {
      entries = await readdir(classDir);
    } catch (err) {
      throw new SensorUnavailableError(this.kind, classDir, 'no powercap class (not x86, or the intel_rapl_msr / intel_rapl_common modules are not loaded)', {
        cause: err,
      });
    }
    const notes: string[] = [];
    const zones: ZoneFound[] = [];
    for (const entry of entries) {
      const zone = parseRaplZoneName(entry);
      if (zone === undefined) continue;
      const dir = join(classDir, entry);
      try {
        zones.push({ entry, zone, dir, name: await readTrimmed(join(dir, 'name'), this.read) });
      } catch (err) {
        notes.push(`${entry} skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
      }
    }
    if (zones.length === 0 && notes.length === 0) {
      throw new SensorUnavailableError(this.kind, classDir, 'no RAPL zone (intel-rapl:*, intel-rapl-tpmi:*, intel-rapl-mmio:*) in the powercap class');
    }
    zones.sort((a, b) => (TYPE_PRIORITY[a.zone.controlType] ?? 9) - (TYPE_PRIORITY[b.zone.controlType] ?? 9) || compareIndices(a.zone.indices, b.zone.indices));
    const nameOf = new Map(zones.map((z) => [z.entry, z.name]));
    const channels: Channel[] = [];
    const keptBy = new Map<string, string>();
    for (const z of zones) {
      const parentEntry =
        z.zone.indices.length > 1
          ? `${z.zone.controlType}:${z.zone.indices
              .slice(0, -1)
              .map((i) => i.toString(16))
              .join(':')}`
          : undefined;
      const mapped = raplDomainOf(z.name, parentEntry === undefined ? undefined : nameOf.get(parentEntry));
      if (mapped === undefined) {
        notes.push(`${z.entry} skipped: unknown zone name "${z.name}"${parentEntry && !nameOf.has(parentEntry) ? ` (parent ${parentEntry} unreadable)` : ''}`);
        continue;
      }
      const kept = keptBy.get(mapped.domain);
      if (kept !== undefined) {
        notes.push(`${z.entry} (${z.name}) skipped: duplicates ${kept}, which is read instead`);
        continue;
      }
      const energyPath = join(z.dir, 'energy_uj');
      try {
        parseU64(await readTrimmed(energyPath, this.read, RAPL_PERMISSION_HINT), energyPath, 'µJ');
      } catch (err) {
        notes.push(`${z.entry} (${z.name}) skipped: ${err instanceof SensorFileError ? err.message : String(err)}`);
        continue;
      }
      const maxPath = join(z.dir, 'max_energy_range_uj');
      let maxEnergyUj: bigint | null = null;
      try {
        maxEnergyUj = parseU64(await readTrimmed(maxPath, this.read), maxPath, 'µJ');
        if (maxEnergyUj === 0n) {
          maxEnergyUj = null;
          notes.push(`${maxPath}: 0, so a wrap cannot be corrected (a decrease will be treated as a reset)`);
        }
      } catch (err) {
        notes.push(`${err instanceof SensorFileError ? err.message : String(err)}; a wrap cannot be corrected (a decrease will be treated as a reset)`);
      }
      keptBy.set(mapped.domain, z.entry);
      channels.push({ mode: 'counter', permissionHint: RAPL_PERMISSION_HINT, info: { ...mapped, maxEnergyUj, path: energyPath } });
    }
    return { channels, notes };
  }
}

function compareIndices(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
