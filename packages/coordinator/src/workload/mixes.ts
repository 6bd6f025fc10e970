// Rates for a workload mix, by the seed's rule: the load (a share of the cluster's function cores)
// is split between categories (general: equal shares; <x>-dominated: 80 % to x, the other 20 %
// split equally), and within a category every function is expected to need the same cores.
// Expected cores of a function are rate / E, with E its per-core throughput averaged over the
// cluster's cores (hosts weighted by their cores), so R_j = cores_j * mean E_j.
import { ConfigError } from '@isawatt/common';
import type { Category, FunctionDemand, HostSpec, MixName, Models } from './types.js';

/** Share of the load each present category gets under a mix (shares sum to 1). */
export function categoryShares(mix: MixName, present: readonly Category[]): Map<Category, number> {
  const shares = new Map<Category, number>();
  if (mix === 'general') {
    for (const c of present) shares.set(c, 1 / present.length);
    return shares;
  }
  const dominant = mix.replace(/-dominated$/, '') as Category;
  if (!present.includes(dominant)) {
    throw new ConfigError([`mix: ${mix} needs at least one ${dominant} function among the functions drawn from`], 'workload file');
  }
  const others = present.filter((c) => c !== dominant);
  shares.set(dominant, others.length ? 0.8 : 1);
  for (const c of others) shares.set(c, 0.2 / others.length);
  return shares;
}

/** Derives R_j for every function drawn from; throws ConfigError listing every problem. */
export function deriveMixRates(
  mix: MixName,
  load: number,
  drawFrom: readonly string[] | undefined,
  hosts: readonly HostSpec[],
  models: Models,
): FunctionDemand[] {
  const names = drawFrom ?? Object.keys(models.categories);
  const issues: string[] = [];
  const totalCores = hosts.reduce((s, h) => s + h.cores, 0);
  const meanE = new Map<string, number>();
  for (const name of names) {
    if (!models.categories[name]) issues.push(`function "${name}": no category in the models file (categories:)`);
    let w = 0;
    let sum = 0;
    for (const h of hosts) {
      const m = models.hostTypes[h.type]?.functions[name];
      if (m) {
        w += h.cores;
        sum += h.cores * m.execPerSecPerCore;
      }
    }
    if (w === 0) issues.push(`function "${name}": unknown function or no model on any host type of the cluster`);
    else meanE.set(name, sum / w);
  }
  if (names.length === 0) issues.push('mix: no functions to draw from (the models file has no categories)');
  if (issues.length) throw new ConfigError(issues, 'workload file');

  const byCat = new Map<Category, string[]>();
  for (const name of names) {
    const c = models.categories[name] as Category;
    byCat.set(c, [...(byCat.get(c) ?? []), name]);
  }
  const shares = categoryShares(mix, [...byCat.keys()]);
  const out: FunctionDemand[] = [];
  for (const name of names) {
    const c = models.categories[name] as Category;
    const fnCores = ((shares.get(c) ?? 0) * load * totalCores) / (byCat.get(c)?.length ?? 1);
    // Rounded to 1/1000 request/s so that files and tables stay readable.
    const rateRps = Math.round(fnCores * (meanE.get(name) ?? 0) * 1000) / 1000;
    out.push({ name, rateRps: Math.max(rateRps, 0.001) });
  }
  return out;
}
