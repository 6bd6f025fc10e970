// Factory the agent's main.ts uses: picks the attribution method from config.
import type { Quality } from '@isawatt/common';
import type { Attributor } from './attributor.js';
import { CpuTimeShareAttributor, type CpuTimeShareOptions } from './cputime-share.js';
import { SmartWattsAttributor, type SmartWattsOptions } from './smartwatts.js';

export type AttributionMethod = 'smartwatts' | 'cputime-share';

export interface CreateAttributorOptions extends Partial<SmartWattsOptions>, CpuTimeShareOptions {
  /**
   * "smartwatts": counter models where counters exist, CPU-time share otherwise and while
   * a model is warming up. "cputime-share": never model, always the Kepler-style CPU-time share.
   */
  readonly method?: AttributionMethod;
}

/** The configured method: "auto" decides from the host energy's quality (resolveAttributionMethod). */
export type ConfiguredAttributionMethod = AttributionMethod | 'auto';

/**
 * "auto": SmartWatts where the host energy carries information of its own (measured by a sensor, or
 * emulated, whose counters weight each function's CPU time differently), CPU-time share where it is
 * ESTIMATED. An estimate is itself a function of CPU utilisation, so a counter model fitted to it
 * can only re-learn the estimate, plus the noise of every process outside the function cgroups
 * (the agent, the CLI, other daemons), and that noise skews the split between functions.
 */
export function resolveAttributionMethod(configured: ConfiguredAttributionMethod, hostQuality: Quality | undefined): AttributionMethod {
  if (configured !== 'auto') return configured;
  return hostQuality === undefined || hostQuality === 'estimated' ? 'cputime-share' : 'smartwatts';
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
