// Benchmark of split placement (--split) against whole-function placement (the baseline, same
// instances, same run): objective, gap to the proven bound, time, extra replicas. Instances as in
// bench/placement.ts (the example models with a seeded ±20 % jitter per copy and host type, half
// Xeon and half Altra Max hosts, general mix) at load 0.8 and at 0.97 (nearly full hosts, where
// whole functions no longer pack). Policy energy-aware, replica cost 1 W.
//
//   node --conditions=source --import tsx bench/placement-split.ts [--sizes 22x2,100x10,1000x100] [--loads 0.8,0.97] [--time-limit 10000]
import { parseArgs } from 'node:util';
import { shutdownMiniZinc } from '../packages/coordinator/src/placement/minizinc-solver.js';
import { plan } from '../packages/coordinator/src/placement/planner.js';
import { buildProblem, type PlacementProblem } from '../packages/coordinator/src/placement/problem.js';
import { deriveMixRates } from '../packages/coordinator/src/workload/mixes.js';
import { loadHostsFile, loadModelsFile } from '../packages/coordinator/src/workload/parse.js';
import type { Category, FunctionModel, HostSpec, HostTypeModel, Models } from '../packages/coordinator/src/workload/types.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '22x2,100x10,1000x100' },
    loads: { type: 'string', default: '0.8,0.97' },
    'time-limit': { type: 'string', default: '10000' },
  },
});
const root = new URL('../examples/', import.meta.url).pathname;
const baseModels = loadModelsFile(root + 'models.yaml');
const baseHosts = loadHostsFile(root + 'hosts.yaml');

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function instance(n: number, m: number, load: number): PlacementProblem {
  if (n === 22 && m === 2) return buildProblem(baseHosts, baseModels, deriveMixRates('general', load, undefined, baseHosts, baseModels));
  const r = rng(n * 7919 + m);
  const names = Object.keys(baseModels.categories);
  const categories: Record<string, Category> = {};
  const hostTypes: Record<string, HostTypeModel> = {};
  const fnNames: string[] = [];
  for (let j = 0; j < n; j++) {
    const b = names[j % names.length] as string;
    const name = `${b}.${Math.floor(j / names.length)}`;
    fnNames.push(name);
    categories[name] = baseModels.categories[b] as Category;
  }
  for (const [t, tm] of Object.entries(baseModels.hostTypes)) {
    const functions: Record<string, FunctionModel> = {};
    fnNames.forEach((name, j) => {
      const b = tm.functions[names[j % names.length] as string] as FunctionModel;
      functions[name] = { execPerSecPerCore: b.execPerSecPerCore * (0.8 + 0.4 * r()), energyPerExecJ: b.energyPerExecJ * (0.8 + 0.4 * r()) };
    });
    hostTypes[t] = { ...tm, functions };
  }
  const models: Models = { hostTypes, categories };
  const hosts: HostSpec[] = [];
  for (let i = 0; i < m; i++) {
    const b = baseHosts[i % baseHosts.length] as HostSpec;
    hosts.push({ ...b, id: `${b.id.replace(/-\d+$/, '')}-${i}`, idlePowerW: (b.idlePowerW ?? 0) * (0.9 + 0.2 * r()) });
  }
  return buildProblem(hosts, models, deriveMixRates('general', load, undefined, hosts, models));
}

const fmt = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const timeLimitMs = Number(values['time-limit']);
console.log(`placement split bench: energy-aware, replica cost 1 W, time limit ${timeLimitMs} ms`);
console.log('size       | load | mode  | status     | solver                         | time ms | objective W | gap % | cores | extra replicas');
try {
  for (const size of (values.sizes ?? '').split(',')) {
    const [n, m] = size.split('x').map(Number) as [number, number];
    for (const load of (values.loads ?? '').split(',').map(Number)) {
      const p = instance(n, m, load);
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
