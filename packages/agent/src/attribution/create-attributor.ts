// Factory the agent's main.ts uses: picks the attribution method from config.
import type { Attributor } from './attributor.js';
import { CpuTimeShareAttributor, type CpuTimeShareOptions } from './cputime-share.js';
import { SmartWattsAttributor, type SmartWattsOptions } from './smartwatts.js';

export type AttributionMethod = 'smartwatts' | 'cputime-share';

export interface CreateAttributorOptions extends Partial<SmartWattsOptions>, CpuTimeShareOptions {
  /**
   * "smartwatts" (default): counter models where counters exist, CPU-time share otherwise and while
   * a model is warming up. "cputime-share": never model, always the Kepler-style CPU-time share.
   */
  readonly method?: AttributionMethod;
}

export function createAttributor(opts: CreateAttributorOptions = {}): Attributor {
  const { method = 'smartwatts', ...rest } = opts;
  switch (method) {
    case 'smartwatts':
      return new SmartWattsAttributor(rest);
    case 'cputime-share':
      return new CpuTimeShareAttributor(rest);
    default: {
      const never: never = method;
      throw new RangeError(`attribution: unknown method "${String(never)}" (expected smartwatts or cputime-share)`);
    }
  }
}
