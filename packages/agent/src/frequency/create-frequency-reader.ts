// Chooses the frequency reader: CPPC (delivered performance over the interval) first, then cpufreq.
// Like createMeter, every failure is logged with its reason and recorded for Hello and `probe`.
import { errorMessage, type Logger } from '@isawatt/common';
import type { TextFileReader } from '../hostfs/sysfs-file.js';
import { CppcReader, type CppcReaderOptions } from './cppc-reader.js';
import { CpufreqReader } from './cpufreq-reader.js';
import type { FrequencyReader } from './frequency-reader.js';

export type FrequencyKind = 'cppc' | 'cpufreq';
export const DEFAULT_FREQUENCY_READERS: readonly FrequencyKind[] = ['cppc', 'cpufreq'];

export interface FrequencySourceRecord {
  readonly kind: FrequencyKind;
  readonly used: boolean;
  readonly cpus: readonly number[];
  readonly detail: string;
}

export interface CreateFrequencyReaderOptions extends Omit<CppcReaderOptions, 'readFile'> {
  readonly readFile?: TextFileReader;
}

export interface CreatedFrequencyReader {
  /** Undefined when no reader works (the agent reports frequency 0 = unknown). */
  readonly reader: FrequencyReader | undefined;
  readonly sources: readonly FrequencySourceRecord[];
}

export async function createFrequencyReader(
  preferred: readonly FrequencyKind[],
  opts: CreateFrequencyReaderOptions,
  log: Logger,
): Promise<CreatedFrequencyReader> {
  const sources: FrequencySourceRecord[] = [];
  let reader: FrequencyReader | undefined;
  for (const kind of preferred) {
    if (reader !== undefined) {
      sources.push({ kind, used: false, cpus: [], detail: `not tried: ${reader.kind} is used` });
      continue;
    }
    const r = kind === 'cppc' ? new CppcReader(opts) : new CpufreqReader(opts);
    try {
      await r.init();
      reader = r;
      sources.push({ kind, used: true, cpus: r.cpus(), detail: ['used', ...r.notes()].join('; ') });
    } catch (err) {
      log.warn({ reader: kind, err: errorMessage(err) }, 'frequency reader unavailable, trying the next');
      sources.push({ kind, used: false, cpus: [], detail: `skipped: ${errorMessage(err)}` });
    }
  }
  return { reader, sources };
}
