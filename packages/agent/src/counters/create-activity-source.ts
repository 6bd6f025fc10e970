// Factory the agent's main.ts uses to build the activity source named in its config.
import type { Logger } from '@isawatt/common';
import type { ActivitySource } from './activity-source.js';
import { CgroupCpuTimeSource, type CgroupCpuTimeOptions } from './cgroup-cputime.js';
import { HwpcReportSource, type HwpcReportSourceOptions } from './hwpc-report-source.js';
import { PerfStatSource, type PerfStatOptions } from './perf-stat.js';

export type ActivitySourceKind = 'perf' | 'hwpc-sensor' | 'cgroup-cputime' | 'auto';

export interface CreateActivitySourceOptions {
  readonly perf: Omit<PerfStatOptions, 'log'>;
  /** Required for "hwpc-sensor": where its reports arrive and its cgroup base path. */
  readonly hwpc?: Omit<HwpcReportSourceOptions, 'log'>;
  readonly cgroupCpuTime?: Omit<CgroupCpuTimeOptions, 'log'>;
}

/**
 * Builds and initialises a source. "auto" tries perf (counters per cgroup) and falls back to cgroup
 * CPU time, logging why; the explicit kinds fail with the source's own error (SensorUnavailableError).
 */
export async function createActivitySource(kind: ActivitySourceKind, opts: CreateActivitySourceOptions, log: Logger): Promise<ActivitySource> {
  const build = (k: Exclude<ActivitySourceKind, 'auto'>): ActivitySource => {
    switch (k) {
      case 'perf':
        return new PerfStatSource({ ...opts.perf, log });
      case 'hwpc-sensor':
        if (opts.hwpc === undefined) throw new RangeError('activity source hwpc-sensor: hwpc options (listen/csvDirectory, cgroupBasePath) are required');
        return new HwpcReportSource({ ...opts.hwpc, log });
      case 'cgroup-cputime':
        return new CgroupCpuTimeSource({ ...opts.cgroupCpuTime, log });
    }
  };
  if (kind !== 'auto') {
    const src = build(kind);
    await src.init();
    return src;
  }
  const perf = build('perf');
  try {
    await perf.init();
    return perf;
  } catch (err) {
    log.warn({ err, source: 'perf' }, 'activity source perf unavailable, using cgroup CPU time');
  }
  const cpu = build('cgroup-cputime');
  await cpu.init();
  return cpu;
}
