// Benchmark of split placement (--split) against whole-function placement (the baseline, same
// instances, same run): objective, gap to the proven bound, time, extra replicas. Instances as in
// bench/placement.ts (the example models with a seeded ±20 % jitter per copy and host type, half
// Xeon and half Altra Max hosts, general mix) at load 0.8 and at 0.97 (nearly full hosts, where
// whole functions no longer pack). Policy energy-aware, replica cost 1 W.
//
//   node --conditions=source --import tsx bench/placement-split.ts [--sizes 22x2,100x10,1000x100] [--loads 0.8,0.97] [--time-limit 10000]
import { syntheticProblem } from './lib/placement-instances.js';
import { numberListOption, numberOption, parseBenchArgs, sizesOption } from './lib/options.js';
import { shutdownMiniZinc } from '../packages/coordinator/src/placement/minizinc-solver.js';
import { plan } from '../packages/coordinator/src/placement/planner.js';

const url = import.meta.url;
const values = parseBenchArgs(url, {
  sizes: { type: 'string', default: '22x2,100x10,1000x100', description: 'instances, FUNCTIONSxHOSTS' },
  loads: { type: 'string', default: '0.8,0.97', description: 'loads of the cluster, each in (0, 1]' },
  'time-limit': { type: 'string', default: '10000', description: 'solver time limit per plan, ms' },
});
const sizes = sizesOption(url, 'sizes', values.sizes);
const loads = numberListOption(url, 'loads', values.loads, { above: 0, max: 1 });

const fmt = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const timeLimitMs = numberOption(url, 'time-limit', values['time-limit'], { above: 0 });
console.log(`placement split bench: energy-aware, replica cost 1 W, time limit ${timeLimitMs} ms`);
console.log('size       | load | mode  | status     | solver                         | time ms | objective W | gap % | cores | extra replicas');
try {
  for (const [n, m] of sizes) {
    const size = `${n}x${m}`;
    for (const load of loads) {
      const p = syntheticProblem(n, m, load);
      for (const split of [false, true]) {
        const t0 = performance.now();
        const r = await plan(p, 'energy-aware', { timeLimitMs, split, replicaCost: 1 });
        const ms = performance.now() - t0;
        console.log(
          [
            size.padEnd(10),
            String(load).padEnd(4),
            (split ? 'split' : 'whole').padEnd(5),
            r.status.padEnd(10),
            r.solver.slice(0, 30).padEnd(30),
            fmt(ms, 0).padStart(7),
            fmt(r.objective).padStart(11),
            fmt(r.gapPct, 3).padStart(5),
            String(r.totalCores).padStart(5),
            split ? String(r.split?.extraReplicas ?? 0) : '-',
          ].join(' | '),
        );
      }
    }
  }
} finally {
  shutdownMiniZinc();
}
