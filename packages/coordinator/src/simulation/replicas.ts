// Replicas: the planner gives every function one host, but on a big cluster a mix asks more cores
// of one function than any host has (20 hosts at load 0.6 give a crypto function ~200 cores).
// Such a function is split into k replicas, "<name>#1" … "<name>#k", each with R_j / k of the
// rate, k the smallest number that fits every replica into `maxReplicaCores` on every host type
// that has a model for it — the way a serverless platform scales a function out to instances.
// The default bound: on one or two hosts (the paper's setting) the largest host, so only what fits
// nowhere is split and the pair is planned exactly as `isawatt plan` plans it; on more hosts half
// the smallest host, so that whole functions of a hundred cores do not make a 20-host cluster
// unpackable at loads it has the cores for (web at load 0.5 on 20 hosts: no plan with whole
// functions, a plan for every policy with replicas of half a Xeon). Replicas share their
// function's model, category and truth; each gets its own arrivals (a split Poisson stream is
// Poisson); results are merged back into one FunctionResult with several placements.
import { planningModel, type FiguresChoice } from '../placement/problem.js';
import type { FunctionDemand, FunctionModel, HostSpec, HostTypeModel, Models } from '../workload/types.js';

const SEP = '#';

export function baseName(name: string): string {
  const k = name.lastIndexOf(SEP);
  return k > 0 ? name.slice(0, k) : name;
}

export interface Replicated {
  readonly demands: FunctionDemand[];
  /** The models with every replica name as an alias of its function (the same object when nothing was split). */
  readonly models: Models;
  readonly split: number;
}

/** Default replica bound: the largest host on one or two hosts, else half the smallest. */
export function defaultMaxReplicaCores(hosts: readonly HostSpec[]): number {
  if (hosts.length <= 2) return Math.max(1, ...hosts.map((h) => h.cores));
  return Math.max(1, Math.floor(Math.min(...hosts.map((h) => h.cores)) / 2));
}

/** How the planner will size the replicas: its figures and headroom (buildProblem's options). */
export interface ReplicaSizing {
  readonly figures?: FiguresChoice | undefined;
  readonly headroom?: number | undefined;
}

/**
 * Splits what fits on no host. Cores are counted the way the planner will count them (buildProblem:
 * ceil(R (1 + headroom) / E), E the open-loop capacity where the models have one): sized on the
 * saturated E instead, a function whose open-loop capacity is lower would get replicas that the
 * planner finds too big for any host.
 */
export function replicate(
  demands: readonly FunctionDemand[],
  hosts: readonly HostSpec[],
  models: Models,
  maxReplicaCores: number,
  sizing: ReplicaSizing = {},
): Replicated {
  const headroom = sizing.headroom ?? 0;
  const types = [...new Set(hosts.map((h) => h.type))];
  const out: FunctionDemand[] = [];
  const aliases = new Map<string, string>();
  for (const d of demands) {
    let worst = 0;
    for (const t of types) {
      const m = models.hostTypes[t]?.functions[d.name];
      if (m) worst = Math.max(worst, (d.rateRps * (1 + headroom)) / planningModel(m, sizing.figures).execPerSecPerCore);
    }
    const k = Math.max(1, Math.ceil(worst / maxReplicaCores - 1e-9));
    if (k === 1) {
      out.push(d);
      continue;
    }
    for (let q = 1; q <= k; q++) {
      const name = `${d.name}${SEP}${q}`;
      aliases.set(name, d.name);
      out.push({ name, rateRps: d.rateRps / k });
    }
  }
  if (aliases.size === 0) return { demands: out, models, split: 0 };
  const hostTypes: Record<string, HostTypeModel> = {};
  for (const [t, tm] of Object.entries(models.hostTypes)) {
    const functions: Record<string, FunctionModel> = { ...tm.functions };
    for (const [alias, base] of aliases) {
      const m = tm.functions[base];
      if (m) functions[alias] = m;
    }
    hostTypes[t] = { ...tm, functions };
  }
  const categories = { ...models.categories };
  for (const [alias, base] of aliases) {
    const c = models.categories[base];
    if (c) categories[alias] = c;
  }
  return { demands: out, models: { ...models, hostTypes, categories }, split: new Set(aliases.values()).size };
}
