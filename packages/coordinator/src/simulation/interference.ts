// Co-location interference models for the simulator (docs/simulation.md): how much slower a
// function runs because of what shares its host. The planner knows nothing of them. Slowdowns are
// static for a plan (from the cores each function holds, not from second-by-second utilisation):
// a function's share of a host is what it was given, and with the planned cores mostly busy at the
// planned rates that is the share it really occupies. A slowed function keeps its power per busy
// core, so it also spends more energy per execution (1 / speed factor).
import { ConfigError } from '@isawatt/common';
import { CATEGORIES, type Category } from '../workload/types.js';

export type InterferenceModel =
  | { readonly kind: 'none' }
  /** Memory-bound functions (by category) slow each other: pct % at a host full of other memory-bound work. */
  | { readonly kind: 'memory-bound'; readonly pct: number; readonly categories: readonly Category[] }
  /** Every function slowed by pct % × the share of the host's cores held by other functions. */
  | { readonly kind: 'colocation'; readonly pct: number };

export const DEFAULT_MEMORY_BOUND_PCT = 20;
export const DEFAULT_MEMORY_BOUND_CATEGORIES: readonly Category[] = ['scientific', 'media'];
export const DEFAULT_COLOCATION_PCT = 10;

const USAGE = 'expected none, memory-bound[:PCT[:CATEGORY+CATEGORY...]] or colocation[:PCT] (PCT in 0..90)';

/** `--interference` values: none | memory-bound[:PCT[:cat+cat]] | colocation[:PCT]. */
export function parseInterference(value: string): InterferenceModel {
  const [kind, pctText, catsText, ...rest] = value.trim().split(':');
  const bad = (why: string): never => {
    throw new ConfigError([`--interference "${value}": ${why}; ${USAGE}`], 'simulate options');
  };
  if (rest.length) bad('too many ":" parts');
  const pct = pctText === undefined || pctText === '' ? undefined : Number(pctText);
  if (pct !== undefined && !(Number.isFinite(pct) && pct >= 0 && pct <= 90)) bad(`percentage "${pctText}" is not a number in 0..90`);
  if (kind === 'none') {
    if (pctText !== undefined) bad('none takes no parameters');
    return { kind: 'none' };
  }
  if (kind === 'colocation') {
    if (catsText !== undefined) bad('colocation takes no categories');
    return { kind: 'colocation', pct: pct ?? DEFAULT_COLOCATION_PCT };
  }
  if (kind === 'memory-bound') {
    let categories = DEFAULT_MEMORY_BOUND_CATEGORIES;
    if (catsText !== undefined) {
      const cats = catsText.split('+');
      const unknown = cats.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
      if (unknown.length || cats.length === 0)
        bad(`unknown categor${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')} (known: ${CATEGORIES.join(', ')})`);
      categories = cats as Category[];
    }
    return { kind: 'memory-bound', pct: pct ?? DEFAULT_MEMORY_BOUND_PCT, categories };
  }
  return bad(`unknown model "${kind}"`);
}

export function describeInterference(m: InterferenceModel): string {
  if (m.kind === 'none') return 'none';
  if (m.kind === 'colocation') return `colocation:${m.pct}`;
  return `memory-bound:${m.pct}:${m.categories.join('+')}`;
}

/** One function's share of a host, as the interference model sees it. */
export interface Tenant {
  readonly cores: number;
  readonly category: Category | undefined;
}

/**
 * Speed factor (<= 1) of each tenant of a host with `hostCores` function cores. memory-bound:
 * a memory-bound tenant runs at 1 - pct/100 × (cores of the other memory-bound tenants / hostCores);
 * others are not slowed. colocation: every tenant at 1 - pct/100 × (cores of the others / hostCores).
 */
export function speedFactors(model: InterferenceModel, hostCores: number, tenants: readonly Tenant[]): number[] {
  if (model.kind === 'none' || hostCores <= 0) return tenants.map(() => 1);
  const f = model.pct / 100;
  if (model.kind === 'colocation') {
    const total = tenants.reduce((s, t) => s + t.cores, 0);
    return tenants.map((t) => 1 - (f * Math.min(hostCores, total - t.cores)) / hostCores);
  }
  const isMem = (t: Tenant): boolean => t.category !== undefined && model.categories.includes(t.category);
  const memTotal = tenants.reduce((s, t) => s + (isMem(t) ? t.cores : 0), 0);
  return tenants.map((t) => (isMem(t) ? 1 - (f * Math.min(hostCores, memTotal - t.cores)) / hostCores : 1));
}
