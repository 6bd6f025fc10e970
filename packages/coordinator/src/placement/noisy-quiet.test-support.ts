// Two functions at 10 executions/s per core and 1 J each on one host type: `noisy`, whose five
// profiling bags spread from 7 to 11 (its 0.1-quantile is 7.8), and `quiet`, with no spread. The
// robust-planning and headroom tests size cores on it by hand (ceil(R / speed)).
import type { Models } from '../workload/types.js';

export const noisyQuietModels: Models = {
  hostTypes: {
    t: {
      arch: 'x86_64',
      functions: {
        noisy: {
          execPerSecPerCore: 10,
          energyPerExecJ: 1,
          spread: {
            bags: 5,
            execPerSecPerCore: { median: 10, min: 7, max: 11, cv: 0.15, perBag: [7, 9, 10, 10.5, 11] },
            energyPerExecJ: { median: 1, min: 0.9, max: 1.1, cv: 0.05 },
          },
        },
        quiet: { execPerSecPerCore: 10, energyPerExecJ: 1 },
      },
    },
  },
  categories: {},
};

/** Both functions at 100 requests/s. */
export const noisyQuietDemands = [
  { name: 'noisy', rateRps: 100 },
  { name: 'quiet', rateRps: 100 },
] as const;
