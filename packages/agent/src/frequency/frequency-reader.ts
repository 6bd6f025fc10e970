// Contract of the CPU frequency readers (ACPI CPPC feedback counters, cpufreq). The monitor calls
// `sample` once per tick; readers that cost a firmware round trip per read (CPPC on Altra) keep to
// their own minimum interval and return the previous figures in between.

export interface CoreFrequency {
  readonly cpu: number;
  readonly socket: number;
  /** Mean frequency over the interval (CPPC) or the current one (cpufreq), MHz; null when idle. */
  readonly mhz: number | null;
}

export interface FrequencySample {
  readonly timestampMs: number;
  /** Interval the figures cover, ms (0 for the CPPC baseline and for instantaneous readers). */
  readonly intervalMs: number;
  /** Mean MHz over the sampled non-idle cores of each socket; a socket with none is absent. */
  readonly mhzBySocket: ReadonlyMap<number, number>;
  readonly cores: readonly CoreFrequency[];
  /** True when these are the previous figures (called again before the minimum interval). */
  readonly cached: boolean;
  readonly warnings: readonly string[];
}

export interface FrequencyReader {
  /** "cppc" or "cpufreq". */
  readonly kind: string;
  /** Throws SensorUnavailableError (naming the file) when unusable. */
  init(): Promise<void>;
  /** CPUs read each sample (a subset for CPPC). */
  cpus(): readonly number[];
  sample(nowMs: number): Promise<FrequencySample>;
  /** Non-fatal init findings, one line each. */
  notes(): readonly string[];
}

/** Mean MHz per socket over cores with a figure. */
export function meanBySocket(cores: readonly CoreFrequency[]): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const c of cores) {
    if (c.mhz === null) continue;
    const s = sums.get(c.socket) ?? { sum: 0, n: 0 };
    s.sum += c.mhz;
    s.n += 1;
    sums.set(c.socket, s);
  }
  return new Map([...sums].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v.sum / v.n]));
}
