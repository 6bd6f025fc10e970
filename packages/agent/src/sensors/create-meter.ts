// Chooses the host energy source (after Kepler's CreateCPUMeter): tries each preferred kind in
// order, logs every failure with its reason, and uses the first that initialises. On Altra the
// altra_hwmon per-core counters join xgene as overlapping domains. Returns, for Hello and `probe`,
// one record per source tried: used, available, or skipped and why.
import { errorMessage, type EnergySource, type Logger, type Quality } from '@isawatt/common';
import { dirname } from 'node:path';
import { AltraHwmonMeter } from './altra-hwmon-meter.js';
import { CompositeMeter } from './composite-meter.js';
import type { EnergyMeter } from './energy-meter.js';
import { EstimatedMeter } from './estimated-meter.js';
import { HwmonMeter } from './hwmon-meter.js';
import { PerfPowerMeter } from './perf-power-meter.js';
import { RaplPowercapMeter } from './rapl-powercap-meter.js';
import type { TextFileReader } from '../hostfs/sysfs-file.js';
import { XgeneHwmonMeter } from './xgene-hwmon-meter.js';

export const METER_KINDS = ['rapl', 'perf-power', 'xgene-hwmon', 'altra-hwmon', 'hwmon', 'estimated'] as const;
export type MeterKind = (typeof METER_KINDS)[number];
export const DEFAULT_METERS: readonly MeterKind[] = METER_KINDS;

/** One energy source found or tried at start-up; mirrors proto isawatt.v1.EnergySourceInfo (Hello). */
/** An energy source found or tried at start-up; its quality is always known on the agent. */
export type EnergySourceRecord = EnergySource<Quality>;

export interface CreateMeterOptions {
  readonly sysfsRoot: string;
  readonly procfsRoot: string;
  /** For the estimated meter's profile. */
  readonly cpuModel?: string;
  readonly sockets?: number;
  readonly logicalCpus?: number;
  readonly physicalCores?: number;
  readonly utilization?: () => Promise<number>;
  readonly hwmonChips?: readonly string[];
  readonly perfPath?: string;
  readonly readFile?: TextFileReader;
  /** Try every kind, keep each working meter open (probe). Default: stop at the first that works. */
  readonly probeAll?: boolean;
}

export interface MeterCandidate {
  readonly record: EnergySourceRecord;
  /** Initialised meter (probeAll only, or the chosen one); the caller closes it. */
  readonly meter?: EnergyMeter;
}

export interface CreatedMeter {
  /** The meter the monitor uses (already initialised). */
  readonly meter: EnergyMeter;
  readonly sources: readonly EnergySourceRecord[];
  /** Every kind tried, with its meter when it initialised and probeAll was set. */
  readonly candidates: readonly MeterCandidate[];
}

export function isMeterKind(s: string): s is MeterKind {
  return (METER_KINDS as readonly string[]).includes(s);
}

/** Builds one meter of a kind (not initialised). */
export function buildMeter(kind: MeterKind, opts: CreateMeterOptions): EnergyMeter {
  const base = { sysfsRoot: opts.sysfsRoot, ...(opts.readFile ? { readFile: opts.readFile } : {}) };
  switch (kind) {
    case 'rapl':
      return new RaplPowercapMeter(base);
    case 'perf-power':
      return new PerfPowerMeter({ ...base, ...(opts.perfPath ? { perfPath: opts.perfPath } : {}) });
    case 'xgene-hwmon':
      return new XgeneHwmonMeter(base);
    case 'altra-hwmon':
      return new AltraHwmonMeter(base);
    case 'hwmon':
      return new HwmonMeter({ ...base, ...(opts.hwmonChips ? { chips: opts.hwmonChips } : {}) });
    case 'estimated':
      return new EstimatedMeter({
        procfsRoot: opts.procfsRoot,
        ...(opts.cpuModel !== undefined ? { cpuModel: opts.cpuModel } : {}),
        ...(opts.sockets !== undefined ? { sockets: opts.sockets } : {}),
        ...(opts.logicalCpus !== undefined ? { logicalCpus: opts.logicalCpus } : {}),
        ...(opts.physicalCores !== undefined ? { physicalCores: opts.physicalCores } : {}),
        ...(opts.utilization ? { utilization: opts.utilization } : {}),
      });
  }
}

/** The directory all of a meter's files live under ("model" for the estimated meter). */
export function meterPath(meter: EnergyMeter): string {
  const paths = meter.domains().map((d) => d.path);
  if (paths.length === 0) return '';
  // Model-based meters name no file ("model").
  if (paths.every((p) => !p.includes('/'))) return paths[0] as string;
  let prefix = dirname(paths[0] as string);
  for (const p of paths) while (prefix !== '/' && prefix !== '.' && !p.startsWith(`${prefix}/`)) prefix = dirname(prefix);
  return prefix;
}

function usedRecord(meter: EnergyMeter, primary: boolean, why: string): EnergySourceRecord {
  const notes = meter.notes?.() ?? [];
  return {
    kind: meter.kind,
    path: meterPath(meter),
    quality: meter.quality,
    domains: meter.domains().map((d) => d.domain),
    primary,
    detail: [why, ...notes].join('; '),
  };
}

/**
 * Tries `preferred` in order. Throws an AggregateError listing every reason when none works.
 * The xgene-hwmon primary takes altra-hwmon along (when listed) as overlapping per-core domains.
 */
export async function createMeter(preferred: readonly MeterKind[], opts: CreateMeterOptions, log: Logger): Promise<CreatedMeter> {
  const candidates: MeterCandidate[] = [];
  const errors: Error[] = [];
  let chosen: EnergyMeter | undefined;
  let companion: EnergyMeter | undefined;
  for (const kind of preferred) {
    if (chosen !== undefined && !opts.probeAll && !(kind === 'altra-hwmon' && chosen.kind === 'xgene-hwmon')) {
      candidates.push({ record: { kind, path: '', quality: 'measured', domains: [], primary: false, detail: `not tried: ${chosen.kind} is used` } });
      continue;
    }
    const meter = buildMeter(kind, opts);
    try {
      await meter.init();
    } catch (err) {
      log.warn({ meter: kind, err: errorMessage(err) }, 'energy meter unavailable, trying the next');
      errors.push(err instanceof Error ? err : new Error(String(err)));
      await meter.close?.().catch(() => undefined);
      candidates.push({
        record: {
          kind,
          path: '',
          quality: kind === 'estimated' ? 'estimated' : 'measured',
          domains: [],
          primary: false,
          detail: `skipped: ${errorMessage(err)}`,
        },
      });
      continue;
    }
    if (chosen === undefined) {
      chosen = meter;
      candidates.push({ record: usedRecord(meter, true, 'used for the host figure'), meter });
    } else if (kind === 'altra-hwmon' && chosen.kind === 'xgene-hwmon' && companion === undefined) {
      companion = meter;
      candidates.push({ record: usedRecord(meter, true, 'used alongside xgene-hwmon: per-core energy inside CPU power, not added to the host total'), meter });
    } else {
      candidates.push({ record: usedRecord(meter, false, `available, not used: ${chosen.kind} comes first`), meter });
    }
  }
  if (chosen === undefined) throw new AggregateError(errors, `no energy source works (tried ${preferred.join(', ')})`);
  const meter = companion === undefined ? chosen : new CompositeMeter(chosen, [companion]);
  if (companion !== undefined) await meter.init();
  log.info({ meter: meter.kind, quality: meter.quality, domains: meter.domains().map((d) => d.domain) }, 'energy meter chosen');
  return { meter, sources: candidates.map((c) => c.record), candidates };
}
