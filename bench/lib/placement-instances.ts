// The synthetic placement instances the placement benchmarks share (bench/placement.ts,
// bench/placement-split.ts): the example models (illustrative figures for 22 functions on a Xeon
// and an Altra Max) copied with a seeded ±20 % jitter per (function copy, host type), half the
// hosts of each type with a ±10 % jitter on idle power, rates by the general mix at `load`. The
// seed's own size (22 × 2) is the example files as they are.
import { seededRandom } from '../../packages/coordinator/src/experiment/matrix.js';
import { buildProblem, type PlacementProblem } from '../../packages/coordinator/src/placement/problem.js';
import { deriveMixRates } from '../../packages/coordinator/src/workload/mixes.js';
import { loadHostsFile, loadModelsFile } from '../../packages/coordinator/src/workload/parse.js';
import type { Category, FunctionModel, HostSpec, HostTypeModel, Models } from '../../packages/coordinator/src/workload/types.js';

const root = new URL('../../examples/', import.meta.url).pathname;
const baseModels = loadModelsFile(root + 'models.yaml');
const baseHosts = loadHostsFile(root + 'hosts.yaml');

/** n functions on m hosts at `load`; the same (n, m) always gives the same instance. */
export function syntheticProblem(n: number, m: number, load: number): PlacementProblem {
  if (n === 22 && m === 2) return buildProblem(baseHosts, baseModels, deriveMixRates('general', load, undefined, baseHosts, baseModels));
  const r = seededRandom(n * 7919 + m);
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
