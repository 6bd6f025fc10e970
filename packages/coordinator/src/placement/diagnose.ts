// Precise reasons why a problem has no plan, found without a solver: a function that fits on no
// host, or a set of hosts (the cluster, one arch, one host type) that is short of cores for the
// functions that can only run there (each counted at its smallest core need within the set).
import { allowed, type PlacementProblem } from './problem.js';

const cores = (k: number): string => `${k} core${k === 1 ? '' : 's'}`;

function fmtNeeds(p: PlacementProblem, j: number): string {
  return p.hosts
    .map((h, i) => {
      const a = p.cores[i]?.[j];
      return a === null || a === undefined ? `${h.id}: no model` : `${h.id}: ${a} of ${h.cores}`;
    })
    .join(', ');
}

/** Every static reason for infeasibility; empty when none is found (the solver must decide). */
export function diagnoseInfeasibility(p: PlacementProblem): string[] {
  const reasons: string[] = [];
  const n = p.functions.length;
  const m = p.hosts.length;
  for (let j = 0; j < n; j++) {
    let fits = false;
    for (let i = 0; i < m; i++) if (allowed(p, i, j)) fits = true;
    if (!fits) {
      reasons.push(
        `function "${p.functions[j]?.name}" fits nowhere: it needs more cores than any host it has a model for offers (cores needed/offered: ${fmtNeeds(p, j)})`,
      );
    }
  }
  if (reasons.length) return reasons;

  // Host sets to check: the cluster, each arch, each host type (a set is only checked once).
  const sets = new Map<string, number[]>();
  sets.set(
    'the cluster',
    p.hosts.map((_, i) => i),
  );
  for (const key of ['arch', 'type'] as const) {
    for (const v of new Set(p.hosts.map((h) => h[key]))) {
      const members = p.hosts.flatMap((h, i) => (h[key] === v ? [i] : []));
      if (members.length < m) sets.set(`${key} ${v}`, members);
    }
  }
  // One pass over (function, host): a function "can only run" in a set when every host it fits on
  // is in it, and then it needs at least its smallest core count over those hosts. Per set, only the
  // functions' host lists are checked (O(n·m) overall instead of O(sets·n·m): 100 host types ×
  // 1,000 functions × 100 hosts took 0.6 s).
  const fitHosts: number[][] = [];
  const minCores: number[] = [];
  for (let j = 0; j < n; j++) {
    const hs: number[] = [];
    let min = Infinity;
    for (let i = 0; i < m; i++) {
      if (!allowed(p, i, j)) continue;
      hs.push(i);
      min = Math.min(min, p.cores[i]?.[j] ?? Infinity);
    }
    fitHosts.push(hs);
    minCores.push(min);
  }
  const seen = new Set<string>();
  for (const [label, members] of sets) {
    const sig = members.join(',');
    if (seen.has(sig)) continue;
    seen.add(sig);
    const inSet = new Uint8Array(m);
    for (const i of members) inSet[i] = 1;
    let need = 0;
    let count = 0;
    for (let j = 0; j < n; j++) {
      if ((fitHosts[j] as number[]).every((i) => inSet[i] === 1)) {
        need += minCores[j] as number;
        count++;
      }
    }
    const have = members.reduce((s, i) => s + (p.hosts[i]?.cores ?? 0), 0);
    if (need > have) {
      const ids = members.map((i) => p.hosts[i]?.id).join(', ');
      reasons.push(
        `${label} (${ids}) is short by ${cores(need - have)}: ${count} function${count === 1 ? '' : 's'}${members.length === m ? '' : ' that can only run there'} need${count === 1 ? 's' : ''} at least ${cores(need)}, it has ${have}`,
      );
    }
  }
  return reasons;
}

/** Why a rule policy could not place function j given the free cores per host. */
export function ruleFailure(p: PlacementProblem, rule: string, j: number, free: readonly number[]): string {
  const short = p.hosts
    .map((h, i) => {
      const a = p.cores[i]?.[j];
      if (a === null || a === undefined) return `${h.id}: no model`;
      return `${h.id} short by ${a - (free[i] ?? 0)} (needs ${a}, ${free[i]} free)`;
    })
    .join('; ');
  return `${rule}: function "${p.functions[j]?.name}" found no host with room: ${short}`;
}

/**
 * Static reasons why no split plan exists: a function whose rate exceeds what all the cores of the
 * hosts it can run on serve together, or a host set short of cores for the functions that can only
 * run there, each counted at ceil(R_j / fastest E_ij in the set) (no split plan uses fewer).
 */
export function diagnoseSplitInfeasibility(p: PlacementProblem): string[] {
  const reasons: string[] = [];
  const n = p.functions.length;
  const m = p.hosts.length;
  const speed = (i: number, j: number): number => p.model[i]?.[j]?.execPerSecPerCore ?? 0;
  for (let j = 0; j < n; j++) {
    let most = 0;
    for (let i = 0; i < m; i++) most += speed(i, j) * (p.hosts[i]?.cores ?? 0);
    const f = p.functions[j];
    if (f && most < f.rateRps * (1 - 1e-9)) {
      reasons.push(
        `function "${f.name}" needs ${f.rateRps} req/s; every core of the hosts it has a model for serves ${Number(most.toFixed(3))} req/s even split across them`,
      );
    }
  }
  if (reasons.length) return reasons;
  const sets = new Map<string, number[]>();
  sets.set(
    'the cluster',
    p.hosts.map((_, i) => i),
  );
  for (const key of ['arch', 'type'] as const) {
    for (const v of new Set(p.hosts.map((h) => h[key]))) {
      const members = p.hosts.flatMap((h, i) => (h[key] === v ? [i] : []));
      if (members.length < m) sets.set(`${key} ${v}`, members);
    }
  }
  for (const [label, members] of sets) {
    const inSet = new Set(members);
    let need = 0;
    let count = 0;
    for (let j = 0; j < n; j++) {
      let onlyHere = true;
      let fastest = 0;
      for (let i = 0; i < m; i++) {
        if (speed(i, j) <= 0) continue;
        if (inSet.has(i)) fastest = Math.max(fastest, speed(i, j));
        else onlyHere = false;
      }
      if (onlyHere && fastest > 0) {
        need += Math.max(1, Math.ceil((p.functions[j]?.rateRps ?? 0) / fastest - 1e-9));
        count++;
      }
    }
    const have = members.reduce((s, i) => s + (p.hosts[i]?.cores ?? 0), 0);
    if (need > have) {
      reasons.push(
        `${label} (${members.map((i) => p.hosts[i]?.id).join(', ')}) is short by ${cores(need - have)} even with split: ${count} function${count === 1 ? '' : 's'}${members.length === m ? '' : ' that can only run there'} need${count === 1 ? 's' : ''} at least ${cores(need)}, it has ${have}`,
      );
    }
  }
  return reasons;
}
