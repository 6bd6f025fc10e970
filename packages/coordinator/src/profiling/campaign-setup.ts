// From the coordinator's live hosts and the command's parameters to a campaign plan: which host
// types take part (every up host with a host type and function CPUs), which functions (the ones
// runnable on every host type, or --functions, checked against each catalogue), the bags (seeded
// design, or isolation), CPUs per function (the host's function CPUs split evenly over the bag:
// the smallest host of a type decides, so every bag of a type gets the same), and the campaign id.
import { ValidationError, type wire } from '@isawatt/common';
import type { Arch } from '../workload/types.js';
import { designBags, designIsolation } from './bag-design.js';
import { bagPhases, campaignIdOf, type CampaignHost, type CampaignHostType, type CampaignPlan } from './campaign.js';

/**
 * Default utilisations of the open-loop phases, one phase each. A plan with headroom h loads each
 * function's cores to at most 1 / (1 + h) of their saturated capacity (0.83 at the default 0.2),
 * and ceil() of the cores puts most functions well below that (≈ 0.72 in the full matrix's runs).
 * The highest point sits just above the plans' range, so it shows whether the cores keep up at
 * the highest load a plan gives them (it gives the capacity); the lower one sits below most plans,
 * so the energy at the utilisations plans use is fitted between measured points
 * (placement/open-loop-fit.ts) instead of extrapolated from one with the 1/u shape, which
 * over-priced slow functions (docs/experiments.md, "Two open findings").
 */
export const DEFAULT_OPEN_LOOP_UTILISATIONS: readonly number[] = [0.6, 0.85];

export interface CampaignParams {
  readonly bags: number;
  readonly bagSize: number;
  readonly minBags: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly idleMs: number;
  /** Open-loop phases per bag, one at each of these shares of saturated capacity, ascending (empty or undefined: none). */
  readonly openLoopUtilisations?: readonly number[] | undefined;
  readonly isolation: boolean;
  /** CPUs per function (--cores-per-function); undefined: the host's function CPUs split evenly. */
  readonly coresPerFunction?: number | undefined;
  /** Explicit functions (--functions); undefined: every function runnable on every host type. */
  readonly functions?: readonly string[] | undefined;
}

export interface CampaignSetup {
  readonly plan: CampaignPlan;
  readonly functions: readonly string[];
  /** Category of each function from the catalogues. */
  readonly categories: Record<string, string>;
  /** Hosts that take part, for provenance. */
  readonly hosts: readonly wire.Host__Output[];
  /** Hosts left out and why. */
  readonly skipped: readonly string[];
}

const ARCH: Record<string, Arch> = { ARCH_X86_64: 'x86_64', ARCH_AARCH64: 'aarch64' };

export function setupCampaign(all: readonly wire.Host__Output[], params: CampaignParams): CampaignSetup {
  const skipped: string[] = [];
  const hosts: wire.Host__Output[] = [];
  for (const h of [...all].sort((a, b) => a.host_id.localeCompare(b.host_id))) {
    const hello = h.hello;
    if (h.state !== 'HOST_STATE_UP' || !hello) skipped.push(`${h.host_id}: down`);
    else if (hello.host_type === '' || !/^[A-Za-z0-9._-]{1,64}$/.test(hello.host_type))
      skipped.push(`${h.host_id}: no usable host type ("${hello.host_type.slice(0, 64)}")`);
    else if (ARCH[hello.arch] === undefined) skipped.push(`${h.host_id}: unknown arch`);
    else if (hello.function_cpus.length === 0) skipped.push(`${h.host_id}: no function CPUs`);
    else hosts.push(h);
  }
  if (hosts.length === 0) throw new ValidationError('profile', 'no live host with a host type and function CPUs', skipped);

  const byType = new Map<string, wire.Host__Output[]>();
  for (const h of hosts) byType.set(h.hello?.host_type ?? '', [...(byType.get(h.hello?.host_type ?? '') ?? []), h]);

  // Functions: runnable on every host of every type (a bag must run everywhere).
  const runnableEverywhere = (name: string): boolean => hosts.every((h) => h.hello?.catalogue.some((f) => f.name === name && f.runnable) === true);
  const categories: Record<string, string> = {};
  for (const h of hosts) for (const f of h.hello?.catalogue ?? []) categories[f.name] ??= f.category;
  let functions: string[];
  if (params.functions !== undefined) {
    const problems = params.functions
      .filter((f) => !runnableEverywhere(f))
      .map((f) => {
        const missing = hosts.filter((h) => !h.hello?.catalogue.some((c) => c.name === f && c.runnable)).map((h) => h.host_id);
        return `${f}: not runnable on ${missing.join(', ')}`;
      });
    if (problems.length > 0) throw new ValidationError('--functions', 'every function must be runnable on every host', problems);
    functions = [...new Set(params.functions)].sort();
  } else {
    const names = new Set(hosts.flatMap((h) => (h.hello?.catalogue ?? []).map((f) => f.name)));
    functions = [...names].filter((n) => categories[n] !== 'test' && runnableEverywhere(n)).sort();
  }
  if (functions.length === 0) throw new ValidationError('profile', 'no function is runnable on every host type');

  const bags = params.isolation
    ? designIsolation(functions, params.minBags)
    : designBags({ functions, bags: params.bags, bagSize: params.bagSize, minBags: params.minBags, seed: params.seed });
  // Isolation keeps the bag's CPUs per function, so the two compare core for core.
  const splitOver = params.isolation ? Math.min(params.bagSize, functions.length) : Math.max(...bags.map((b) => b.length));

  const hostTypes: CampaignHostType[] = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, hs]) => {
      const members: CampaignHost[] = hs.map((h) => ({
        hostId: h.host_id,
        hostType: type,
        arch: ARCH[h.hello?.arch ?? ''] as Arch,
        functionCpus: h.hello?.function_cpus.length ?? 0,
      }));
      const cpus = Math.min(...members.map((m) => m.functionCpus));
      const even = Math.floor(cpus / splitOver);
      if (even < 1) {
        throw new ValidationError(
          'profile',
          `host type ${type} has ${cpus} function CPUs; a bag of ${splitOver} functions needs at least one CPU each (use a smaller --bag-size)`,
        );
      }
      if (params.coresPerFunction !== undefined && params.coresPerFunction > even) {
        throw new ValidationError(
          'profile',
          `--cores-per-function ${params.coresPerFunction}: host type ${type} has ${cpus} function CPUs, at most ${even} per function for a bag of ${splitOver}`,
        );
      }
      const coresPerFunction = params.coresPerFunction ?? even;
      const arches = new Set(members.map((m) => m.arch));
      if (arches.size > 1) throw new ValidationError('profile', `hosts of type ${type} report different arches`);
      return { hostType: type, arch: members[0]?.arch ?? 'x86_64', hosts: members, coresPerFunction };
    });

  const campaignId = campaignIdOf({
    v: 1,
    bags,
    durationMs: params.durationMs,
    warmupMs: params.warmupMs,
    idleMs: params.idleMs,
    // Only when set, and one utilisation as the single value it used to be, so that campaigns
    // without the phase or with one keep their ids (and --resume still works).
    ...openLoopIdPart(params.openLoopUtilisations ?? []),
    isolation: params.isolation,
    hostTypes: hostTypes.map((t) => [t.hostType, t.coresPerFunction]),
  });
  return {
    plan: {
      campaignId,
      bags,
      hostTypes,
      durationMs: params.durationMs,
      warmupMs: params.warmupMs,
      idleMs: params.idleMs,
      openLoopUtilisations: [...(params.openLoopUtilisations ?? [])],
    },
    functions,
    categories,
    hosts,
    skipped,
  };
}

/**
 * What a bag costs besides its warm-ups and windows, ms: a fixed part (the job's round trips,
 * stopping the workers and removing their cgroups) and a part per function of the bag (starting
 * its worker; on an emulated host the worker then warms for 2 s of CPU time at full speed before its
 * slice applies, and both hosts of the pair share this machine's CPUs). Measured on the emulated
 * pair (bench/profile-campaign.ts prints each bag's phases): 13-33 s to start bags of 4 functions
 * at load 12-18.
 */
export const BAG_OVERHEAD = { perBagMs: 5000, perFunctionMs: 2000 } as const;

/** Rough wall time: per host type, its bags shared by its hosts; host types run in parallel. */
export function estimateMs(plan: CampaignPlan, overhead: { perBagMs: number; perFunctionMs: number } = BAG_OVERHEAD): number {
  return Math.max(
    ...plan.hostTypes.map((t) => {
      const rounds = Math.ceil(plan.bags.length / t.hosts.length);
      const phases = bagPhases(plan);
      const bagSize = Math.max(0, ...plan.bags.map((b) => b.length));
      return plan.idleMs + rounds * (phases * (plan.warmupMs + plan.durationMs) + overhead.perBagMs + bagSize * overhead.perFunctionMs);
    }),
  );
}

function openLoopIdPart(us: readonly number[]): Record<string, unknown> {
  if (us.length === 0) return {};
  return us.length === 1 ? { openLoopUtilisation: us[0] } : { openLoopUtilisations: [...us] };
}
