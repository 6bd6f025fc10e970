// What `isawatt-agent probe` reports (like lm-sensors' `sensors` for this project): every energy
// source tried, in preference order, with why it is used or skipped and one reading of each working
// one (two samples `intervalMs` apart give watts; power-file sources also show the instantaneous
// reading), and the same for the frequency readers. Presentation lives in cli/probe-command.ts.
import { errorMessage, ujToJ, type Logger, uwToW } from '@isawatt/common';
import { readFile } from 'node:fs/promises';
import { CppcReader } from '../frequency/cppc-reader.js';
import { CpufreqReader } from '../frequency/cpufreq-reader.js';
import type { FrequencyReader, FrequencySample } from '../frequency/frequency-reader.js';
import type { Quality } from '@isawatt/common';
import { createMeter, DEFAULT_METERS, type MeterKind } from './create-meter.js';
import { emulatedProfileOf } from './emulated-marker.js';
import type { EnergyMeter, MeterSample } from './energy-meter.js';
import { parseU64, type TextFileReader } from '../hostfs/sysfs-file.js';

export interface ProbeOptions {
  readonly sysfsRoot: string;
  readonly procfsRoot: string;
  /** Time between the two samples, ms (default 1000). */
  readonly intervalMs?: number;
  readonly meters?: readonly MeterKind[];
  /** CPU model, sockets and logical CPUs for the estimated meter's profile. */
  readonly cpuModel?: string;
  readonly sockets?: number;
  readonly logicalCpus?: number;
  readonly physicalCores?: number;
  readonly perfPath?: string;
  /** CPPC subset per socket (default 8). */
  readonly cppcCpusPerSocket?: number;
  readonly readFile?: TextFileReader;
  /** Waits between the two samples (default setTimeout; tests pass a hook that rewrites files). */
  readonly wait?: (ms: number) => Promise<void>;
  readonly nowMs?: () => number;
  readonly log: Logger;
}

export interface ProbeDomain {
  readonly domain: string;
  readonly socket: number;
  readonly inHostTotal: boolean;
  readonly path: string;
  /** Energy between the two samples, µJ (string: uint64). */
  readonly energyUj: string;
  readonly energyJ: number;
  readonly powerW: number;
  /** Instantaneous reading of power files (xgene, hwmon power), W. */
  readonly instantPowerW?: number;
}

export type SourceStatus = 'used' | 'available' | 'skipped' | 'not-tried';

export interface ProbeEnergySource {
  readonly kind: string;
  readonly status: SourceStatus;
  readonly primary: boolean;
  readonly quality: Quality;
  readonly path: string;
  /** Why it is used, or why it was skipped. */
  readonly detail: string;
  /** Non-fatal findings of its init (zones skipped and why, duplicates dropped). */
  readonly notes: readonly string[];
  readonly domains: readonly ProbeDomain[];
  /** Host total of this source over the interval (Σ inHostTotal domains), W. */
  readonly hostPowerW: number | null;
  readonly warnings: readonly string[];
}

export interface ProbeFrequency {
  readonly kind: string;
  readonly status: 'used' | 'available' | 'skipped';
  readonly detail: string;
  readonly cpus: readonly number[];
  readonly mhzBySocket: Readonly<Record<string, number>>;
  readonly idleCpus: readonly number[];
  readonly warnings: readonly string[];
}

export interface ProbeReport {
  readonly sysfsRoot: string;
  readonly procfsRoot: string;
  /** Emulated profile name when the sysfs root is an emulated tree. */
  readonly emulated: string | null;
  /** Requested time between the two samples, ms. */
  readonly intervalMs: number;
  /** Time that actually passed between them, ms. */
  readonly measuredIntervalMs: number;
  readonly energy: readonly ProbeEnergySource[];
  readonly frequency: readonly ProbeFrequency[];
}

const defaultWait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function statusOf(detail: string, primary: boolean): SourceStatus {
  if (primary) return 'used';
  if (detail.startsWith('skipped')) return 'skipped';
  if (detail.startsWith('not tried')) return 'not-tried';
  return 'available';
}

async function instantPowerW(path: string, read: TextFileReader | undefined): Promise<number | undefined> {
  if (!/\/power\d+_(input|average)$/.test(path)) return undefined;
  try {
    return uwToW(parseU64((await (read ?? ((p: string) => readFile(p, 'utf8')))(path)).trim(), path, 'µW'));
  } catch {
    return undefined;
  }
}

export async function runProbe(opts: ProbeOptions): Promise<ProbeReport> {
  const intervalMs = opts.intervalMs ?? 1000;
  const now = opts.nowMs ?? (() => performance.now());
  const wait = opts.wait ?? defaultWait;
  const created = await createMeter(
    opts.meters ?? DEFAULT_METERS,
    {
      sysfsRoot: opts.sysfsRoot,
      procfsRoot: opts.procfsRoot,
      probeAll: true,
      ...(opts.cpuModel !== undefined ? { cpuModel: opts.cpuModel } : {}),
      ...(opts.sockets !== undefined ? { sockets: opts.sockets } : {}),
      ...(opts.logicalCpus !== undefined ? { logicalCpus: opts.logicalCpus } : {}),
      ...(opts.physicalCores !== undefined ? { physicalCores: opts.physicalCores } : {}),
      ...(opts.perfPath !== undefined ? { perfPath: opts.perfPath } : {}),
      ...(opts.readFile ? { readFile: opts.readFile } : {}),
    },
    opts.log,
  ).catch((err: unknown) => {
    // Nothing works: still report why each was skipped.
    const errors = err instanceof AggregateError ? err.errors : [err];
    const quality: Quality = 'measured';
    return {
      candidates: (opts.meters ?? DEFAULT_METERS).map((kind, i) => ({
        record: { kind, path: '', quality, domains: [], primary: false, detail: `skipped: ${errorMessage(errors[i] ?? err)}` },
        meter: undefined as EnergyMeter | undefined,
      })),
      meter: undefined,
    };
  });
  const meters = created.candidates.flatMap((c) => (c.meter ? [c.meter] : []));
  const freqReaders: { kind: string; reader: FrequencyReader; error?: string }[] = [
    {
      kind: 'cppc',
      reader: new CppcReader({
        sysfsRoot: opts.sysfsRoot,
        minIntervalMs: 0,
        maxCpusPerSocket: opts.cppcCpusPerSocket ?? 8,
        ...(opts.readFile ? { readFile: opts.readFile } : {}),
      }),
    },
    { kind: 'cpufreq', reader: new CpufreqReader({ sysfsRoot: opts.sysfsRoot, ...(opts.readFile ? { readFile: opts.readFile } : {}) }) },
  ];
  for (const f of freqReaders) {
    try {
      await f.reader.init();
    } catch (err) {
      f.error = errorMessage(err);
    }
  }
  try {
    // Baselines, one wait, second samples: every source covers the same interval.
    const t0 = now();
    // A failing baseline shows up again (with its reason) in the second sample.
    for (const m of meters) await m.sample(t0).catch(() => undefined);
    for (const f of freqReaders) if (f.error === undefined) await f.reader.sample(t0);
    await wait(intervalMs);
    const t1 = now();
    const second = new Map<EnergyMeter, MeterSample | string>();
    for (const m of meters) second.set(m, await m.sample(t1).catch((err: unknown) => errorMessage(err)));
    const freqSamples = new Map<string, FrequencySample>();
    for (const f of freqReaders) if (f.error === undefined) freqSamples.set(f.kind, await f.reader.sample(t1));

    const energy: ProbeEnergySource[] = [];
    for (const c of created.candidates) {
      const r = c.record;
      const s = c.meter ? second.get(c.meter) : undefined;
      const domains: ProbeDomain[] = [];
      const warnings: string[] = [];
      if (typeof s === 'string') warnings.push(`sample failed: ${s}`);
      else if (s !== undefined && c.meter !== undefined) {
        warnings.push(...s.warnings);
        const infos = c.meter.domains();
        for (const d of s.domains) {
          const path = infos.find((i) => i.domain === d.domain)?.path ?? '';
          const instant = await instantPowerW(path, opts.readFile);
          domains.push({
            domain: d.domain,
            socket: d.socket,
            inHostTotal: d.inHostTotal,
            path,
            energyUj: d.energyUj.toString(),
            energyJ: ujToJ(d.energyUj),
            powerW: d.powerW,
            ...(instant !== undefined ? { instantPowerW: instant } : {}),
          });
        }
      }
      const host = domains.filter((d) => d.inHostTotal);
      energy.push({
        kind: r.kind,
        status: statusOf(r.detail, r.primary),
        primary: r.primary,
        quality: c.meter?.quality ?? r.quality,
        path: r.path,
        detail: c.meter ? (r.detail.split('; ')[0] as string) : r.detail,
        notes: c.meter?.notes?.() ?? [],
        domains,
        hostPowerW: host.length > 0 ? host.reduce((a, d) => a + d.powerW, 0) : null,
        warnings,
      });
    }
    let freqUsed = false;
    const frequency: ProbeFrequency[] = freqReaders.map((f) => {
      const s = freqSamples.get(f.kind);
      if (f.error !== undefined || s === undefined)
        return { kind: f.kind, status: 'skipped', detail: `skipped: ${f.error ?? 'no sample'}`, cpus: [], mhzBySocket: {}, idleCpus: [], warnings: [] };
      const status = freqUsed ? 'available' : 'used';
      freqUsed = true;
      return {
        kind: f.kind,
        status,
        detail: f.reader.notes().join('; ') || (status === 'used' ? 'used' : 'available'),
        cpus: f.reader.cpus(),
        mhzBySocket: Object.fromEntries([...s.mhzBySocket].map(([k, v]) => [String(k), v])),
        idleCpus: s.cores.filter((c) => c.mhz === null).map((c) => c.cpu),
        warnings: s.warnings,
      };
    });
    return {
      sysfsRoot: opts.sysfsRoot,
      procfsRoot: opts.procfsRoot,
      emulated: (await emulatedProfileOf(opts.sysfsRoot)) ?? null,
      intervalMs,
      measuredIntervalMs: Math.round((t1 - t0) * 1000) / 1000,
      energy,
      frequency,
    };
  } finally {
    for (const m of meters) await m.close?.().catch(() => undefined);
  }
}
