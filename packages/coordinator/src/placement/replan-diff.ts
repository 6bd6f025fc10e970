// What a re-plan changes, function by function, against the live placement: kept (same hosts,
// same cores), resized (same hosts, other cores or rate shares), moved (runs on a host it does not
// run on now), added (new to the workload), removed (no longer in the workload).
import type { CurrentPlacement } from './moves.js';
import type { Plan } from './plan.js';

/** One function's entry on one host (live or planned). */
export interface PlacedEntry {
  readonly host: string;
  readonly cores: number;
  readonly rateRps: number;
}

/** The live placement: function name -> where it runs now. */
export type LivePlacement = ReadonlyMap<string, readonly PlacedEntry[]>;

export type Change = 'kept' | 'resized' | 'moved' | 'added' | 'removed';
export const CHANGES: readonly Change[] = ['kept', 'resized', 'moved', 'added', 'removed'];

export interface DiffRow {
  readonly function: string;
  readonly change: Change;
  readonly from: readonly PlacedEntry[];
  readonly to: readonly PlacedEntry[];
}

/** Function name -> hosts it runs on now (the input of moveTerms). */
export function currentHosts(live: LivePlacement): CurrentPlacement {
  return new Map([...live].map(([f, es]) => [f, new Set(es.filter((e) => e.cores > 0).map((e) => e.host))]));
}

/** The planned placement in the same shape as the live one. */
export function plannedPlacement(plan: Plan): LivePlacement {
  const out = new Map<string, PlacedEntry[]>();
  for (const a of plan.assignments) {
    const list = out.get(a.function) ?? [];
    list.push({ host: a.host, cores: a.cores, rateRps: a.rateRps });
    out.set(a.function, list);
  }
  return out;
}

const sameRate = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export function placementDiff(live: LivePlacement, planned: LivePlacement): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const [fn, to] of planned) {
    const from = (live.get(fn) ?? []).filter((e) => e.cores > 0);
    let change: Change;
    if (from.length === 0) change = 'added';
    else if (to.some((t) => !from.some((f) => f.host === t.host))) change = 'moved';
    else if (to.length === from.length && to.every((t) => from.some((f) => f.host === t.host && f.cores === t.cores && sameRate(f.rateRps, t.rateRps))))
      change = 'kept';
    else change = 'resized';
    rows.push({ function: fn, change, from, to });
  }
  for (const [fn, from] of live) {
    if (!planned.has(fn) && from.some((e) => e.cores > 0)) rows.push({ function: fn, change: 'removed', from, to: [] });
  }
  return rows.sort((a, b) => CHANGES.indexOf(a.change) - CHANGES.indexOf(b.change) || a.function.localeCompare(b.function));
}

/** Rows per kind of change. */
export function diffCounts(rows: readonly DiffRow[]): Record<Change, number> {
  const c: Record<Change, number> = { kept: 0, resized: 0, moved: 0, added: 0, removed: 0 };
  for (const r of rows) c[r.change]++;
  return c;
}
