// The simulator checked against real runs: measured RunRecords (from `isawatt run`/`experiment`)
// are replayed — same functions and requested rates, same policy, same duration, planned by the
// same planner on the given models — and each measured energy is set beside the simulated one;
// per mix, the policies ranked by measured energy are compared with the simulated ranking.
// The issue's targets: every cell within 5 %, the same ranking in every mix (docs/simulation.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatIssues, jToKj } from '@isawatt/common';
import Table from 'cli-table3';
import { z } from 'zod';
import { POLICIES, type PolicyName } from '../placement/plan.js';
import type { RunRecord } from '../results/run-record.js';
import type { CellOutcome, CellSpec, ReplayedRobust } from './cells.js';
import { parseMix, shortMix } from './cells.js';
import type { MixName } from '../workload/types.js';
import type { ClusterHost } from './cluster.js';
import { conflictingPairs, describeRanking } from './ranking.js';
import { describeRatioByPool, describeRunGap, runGap } from './compare-gap.js';

/** What the comparison needs of a measured record (the rest of RunRecord passes through unchecked). */
const measuredSchema = z.looseObject({
  id: z.string().min(1).max(200),
  kind: z.enum(['measured', 'simulated']),
  mix: z.string().max(64).optional(),
  load: z.number().positive().optional(),
  policy: z.enum(POLICIES as unknown as [string, ...string[]]),
  durationS: z.number().positive(),
  energyJ: z.number().nonnegative(),
  energyQuality: z.string().max(32),
  metRates: z.boolean(),
  hosts: z.array(z.looseObject({ id: z.string(), type: z.string() })),
  functions: z
    .array(z.looseObject({ name: z.string().min(1).max(200), requestedRps: z.number().positive(), placement: z.array(z.looseObject({ hostId: z.string() })) }))
    .min(1),
});

function collectFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ConfigError([`--compare ${path}: no such file or directory`], 'measured runs');
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
}

/** A JSON document holding run records, and where it came from (for messages). */
export interface MeasuredSource {
  readonly label: string;
  readonly doc: unknown;
}

/**
 * Measured runs from files or directories of JSON: one RunRecord per file, an array of them, or an
 * object with `runs: [...]` (an experiment). Simulated records are skipped; every malformed one
 * is reported (exit 2).
 */
export function loadMeasuredRuns(paths: readonly string[]): RunRecord[] {
  const issues: string[] = [];
  const sources: MeasuredSource[] = [];
  for (const file of paths.flatMap(collectFiles)) {
    try {
      sources.push({ label: file, doc: JSON.parse(readFileSync(file, 'utf8')) });
    } catch (err) {
      issues.push(
        `${file}: cannot read a JSON run record (${err instanceof SyntaxError ? 'not valid JSON' : ((err as NodeJS.ErrnoException).code ?? 'error')})`,
      );
    }
  }
  if (issues.length) throw new ConfigError(issues, 'measured runs');
  return measuredRuns(sources, paths.join(', '));
}

/** Measured runs from parsed documents (files, or records fetched from a coordinator). */
export function measuredRuns(sources: readonly MeasuredSource[], what: string): RunRecord[] {
  const issues: string[] = [];
  const out: RunRecord[] = [];
  for (const { label, doc } of sources) {
    const list: unknown[] = Array.isArray(doc)
      ? doc
      : typeof doc === 'object' && doc !== null && Array.isArray((doc as { runs?: unknown }).runs)
        ? (doc as { runs: unknown[] }).runs
        : [doc];
    list.forEach((rec, k) => {
      const r = measuredSchema.safeParse(rec);
      if (!r.success) issues.push(...formatIssues(r.error.issues, list.length > 1 ? `${label}[${k}]` : label));
      else if (r.data.kind === 'measured') out.push(r.data as unknown as RunRecord);
    });
  }
  if (issues.length) throw new ConfigError(issues, 'measured runs');
  if (out.length === 0) throw new ConfigError([`--compare ${what}: no measured runs (kind "measured") found`], 'measured runs');
  return out;
}

/**
 * The models the measured runs were planned on (stored in each record's inputs), when every run
 * used the same: what the replay must plan on to reproduce their placements. Undefined otherwise.
 */
export function modelsOfRuns(runs: readonly RunRecord[]): { models: unknown; file: string } | undefined {
  const first = runs[0]?.inputs.models;
  // A simulated record stores the models file's path, a measured one the models themselves.
  if (typeof first !== 'object' || first === null) return undefined;
  const key = JSON.stringify(first);
  if (!runs.every((r) => JSON.stringify(r.inputs.models) === key)) return undefined;
  const file = runs[0]?.inputs.modelsFile;
  return { models: first, file: typeof file === 'string' ? file : '(stored with the runs)' };
}

/** A cell replaying a measured run: its functions and requested rates, its policy and duration. */
export function replayCell(rec: RunRecord, hosts: readonly ClusterHost[]): CellSpec {
  let mix: MixName | undefined;
  try {
    mix = rec.mix !== undefined ? parseMix(rec.mix) : undefined;
  } catch {
    mix = undefined; // a mix name this version does not know: the rates are replayed all the same
  }
  // The fixed rules (rr, x86-first, arm-first) depend on the order of the hosts: replay them in the
  // run's order, matched by host type (the cluster file's ids need not be the live hosts' ids).
  const typeRank = (t: string): number => {
    const k = rec.hosts.findIndex((h) => h.type === t);
    return k < 0 ? rec.hosts.length : k;
  };
  const ordered = hosts
    .map((h, k) => ({ h, k }))
    .sort((a, b) => typeRank(a.h.type) - typeRank(b.h.type) || a.k - b.k)
    .map((x) => x.h);
  return {
    mix,
    load: rec.load,
    rates: rec.functions.map((f) => ({ name: f.name, rateRps: f.requestedRps })),
    policy: rec.policy as PolicyName,
    hosts: ordered,
    groupKey: `replay|${rec.id}`,
    durationS: rec.durationS,
    // The run's plan had this spare capacity: the replay plans the same cores (placement can differ without it).
    headroom: typeof rec.inputs?.headroom === 'number' ? rec.inputs.headroom : 0,
    // ... and was planned on these speed quantiles, if any (more cores: other utilisations and energy).
    robust: replayedRobust(rec),
  };
}

const replayedRobustSchema = z
  .object({ quantile: z.number().gt(0).lt(1), joint: z.boolean().optional(), arrivals: z.literal('poisson').optional() })
  .passthrough();

/** A measured run's robust planning, from its stored plan (`inputs.plan.robust`); undefined when it had none. */
export function replayedRobust(rec: RunRecord): ReplayedRobust | undefined {
  const plan = rec.inputs?.plan;
  const r = typeof plan === 'object' && plan !== null ? (plan as { robust?: unknown }).robust : undefined;
  if (r === undefined) return undefined;
  const parsed = replayedRobustSchema.safeParse(r);
  if (!parsed.success) {
    throw new ConfigError(
      [
        `run ${rec.id}: inputs.plan.robust: expected {quantile: a number between 0 and 1, joint?: boolean, arrivals?: "poisson"}, got ${JSON.stringify(r).slice(0, 120)}`,
      ],
      'measured runs',
    );
  }
  const { quantile, joint, arrivals } = parsed.data;
  return { quantile, ...(joint ? { joint } : {}), ...(arrivals ? { arrivals } : {}) };
}

export interface ComparisonRow {
  readonly measuredId: string;
  readonly mix: string;
  readonly load: number | undefined;
  readonly policy: string;
  readonly measuredJ: number;
  readonly measuredQuality: string;
  readonly measuredMetRates: boolean;
  readonly simulatedJ: number | null;
  readonly simulatedMetRates: boolean;
  /** (simulated - measured) / measured, percent. */
  readonly diffPct: number | null;
  readonly within: boolean;
  /** Functions the simulated plan put on another host type than the measured run did. */
  readonly placedDifferently: number;
}

export interface MixRanking {
  readonly mix: string;
  readonly load: number | undefined;
  readonly measured: readonly string[];
  readonly simulated: readonly string[];
  /** The strict orders are the same. */
  readonly same: boolean;
  /** Lowest first, "≈" between policies within tiePct of each other, "<" otherwise. */
  readonly measuredWithTies: string;
  readonly simulatedWithTies: string;
  /** The cell with the largest |diff| of this mix, and what its gap is made of (compare-gap.ts). */
  readonly largestGap?: string | undefined;
  /** Pairs ordered one way measured and the other way simulated, both beyond tiePct. */
  readonly conflicts: readonly (readonly [string, string])[];
  /** No conflicting pair: the same ranking once ties within tiePct are allowed. */
  readonly sameWithinTies: boolean;
}

export interface Comparison {
  readonly tolerancePct: number;
  /** Energies within this share (%) of each other rank as a tie (see ranking.ts). */
  readonly tiePct: number;
  /** Measured / simulated energy per execution grouped by the cores a function held (compare-gap.ts). */
  readonly ratioByPool?: string | undefined;
  readonly rows: readonly ComparisonRow[];
  readonly rankings: readonly MixRanking[];
  readonly cellsWithin: number;
  readonly mixesSameRanking: number;
  readonly mixesSameRankingWithinTies: number;
}

function typeByFunction(rec: RunRecord): Map<string, string> {
  const typeOf = new Map(rec.hosts.map((h) => [h.id, h.type]));
  return new Map(rec.functions.map((f) => [f.name, f.placement.map((p) => typeOf.get(p.hostId) ?? '?').join('+')]));
}

/** Default tie band of a ranking, %: the run-to-run spread of a measured cell on the emulated pair (docs/simulation.md). */
export const DEFAULT_TIE_PCT = 2;

export function compareRuns(measured: readonly RunRecord[], simulated: readonly CellOutcome[], tolerancePct = 5, tiePct = DEFAULT_TIE_PCT): Comparison {
  const gapOf = new Map<ComparisonRow, string>();
  const rows: ComparisonRow[] = measured.map((m, k) => {
    const o = simulated[k];
    const sim = o?.record;
    const diffPct = sim && m.energyJ > 0 ? ((sim.energyJ - m.energyJ) / m.energyJ) * 100 : null;
    let placedDifferently = 0;
    if (sim) {
      const a = typeByFunction(m);
      const b = typeByFunction(sim);
      for (const [f, t] of a) if (b.get(f) !== t) placedDifferently++;
    }
    const row: ComparisonRow = {
      measuredId: m.id,
      mix: shortMix(m.mix),
      load: m.load,
      policy: m.policy,
      measuredJ: m.energyJ,
      measuredQuality: m.energyQuality,
      measuredMetRates: m.metRates,
      simulatedJ: sim ? sim.energyJ : null,
      simulatedMetRates: sim ? sim.metRates : false,
      diffPct,
      within: diffPct !== null && Math.abs(diffPct) <= tolerancePct,
      placedDifferently,
    };
    if (sim && diffPct !== null) gapOf.set(row, describeRunGap(m.policy, diffPct, runGap(m, sim)));
    return row;
  });
  // Rankings per (mix, load): policies by energy, lowest first; repeats of a policy are averaged.
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) groups.set(`${r.mix}|${r.load ?? ''}`, [...(groups.get(`${r.mix}|${r.load ?? ''}`) ?? []), r]);
  const rankings: MixRanking[] = [];
  for (const rs of groups.values()) {
    const mean = (pick: (r: ComparisonRow) => number | null): Map<string, number> => {
      const by = new Map<string, number[]>();
      for (const r of rs) {
        const v = pick(r);
        if (v !== null) by.set(r.policy, [...(by.get(r.policy) ?? []), v]);
      }
      return new Map([...by.entries()].map(([p, vs]) => [p, vs.reduce((a, b) => a + b, 0) / vs.length] as const));
    };
    const byEnergy = (e: Map<string, number>): string[] => [...e.entries()].sort((a, b) => a[1] - b[1]).map(([p]) => p);
    const me = mean((r) => r.measuredJ);
    const se = mean((r) => r.simulatedJ);
    const m = byEnergy(me);
    const s = byEnergy(se);
    const conflicts = conflictingPairs(me, se, tiePct);
    const worst = rs.reduce<ComparisonRow | undefined>(
      (a, r) => (r.diffPct !== null && (a === undefined || Math.abs(r.diffPct) > Math.abs(a.diffPct ?? 0)) ? r : a),
      undefined,
    );
    rankings.push({
      largestGap: worst ? gapOf.get(worst) : undefined,
      mix: rs[0]?.mix ?? '',
      load: rs[0]?.load,
      measured: m,
      simulated: s,
      same: m.length === s.length && m.every((p, k) => s[k] === p),
      measuredWithTies: describeRanking(me, tiePct),
      simulatedWithTies: describeRanking(se, tiePct),
      conflicts,
      sameWithinTies: m.length === s.length && conflicts.length === 0,
    });
  }
  return {
    tolerancePct,
    tiePct,
    ratioByPool: describeRatioByPool(measured.map((m, k) => [m, simulated[k]?.record] as const)),
    rows,
    rankings,
    cellsWithin: rows.filter((r) => r.within).length,
    mixesSameRanking: rankings.filter((r) => r.same).length,
    mixesSameRankingWithinTies: rankings.filter((r) => r.sameWithinTies).length,
  };
}

const plain = { style: { head: [] as string[], border: [] as string[] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } };

export function renderComparisonReport(c: Comparison): string {
  const t = new Table({
    head: ['mix', 'policy', 'measured kJ', 'simulated kJ', 'diff', `within ${c.tolerancePct} %`, 'rates met (measured / simulated)', 'placed differently'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left', 'left', 'right'],
    ...plain,
  });
  for (const r of c.rows) {
    t.push([
      r.mix,
      r.policy,
      `${jToKj(r.measuredJ).toFixed(2)} (${r.measuredQuality})`,
      r.simulatedJ === null ? 'no plan' : jToKj(r.simulatedJ).toFixed(2),
      r.diffPct === null ? '-' : `${r.diffPct >= 0 ? '+' : ''}${r.diffPct.toFixed(2)} %`,
      r.within ? 'yes' : 'NO',
      `${r.measuredMetRates ? 'yes' : 'no'} / ${r.simulatedMetRates ? 'yes' : 'no'}`,
      String(r.placedDifferently),
    ]);
  }
  const lines = [t.toString(), ''];
  for (const k of c.rankings) {
    const at = `${k.mix}${k.load !== undefined ? ` at load ${Math.round(k.load * 100)} %` : ''}`;
    lines.push(`${at}: measured ${k.measured.join(' < ')}; simulated ${k.simulated.join(' < ')}: ${k.same ? 'same ranking' : 'DIFFERENT ranking'}`);
    lines.push(
      `${at}, ties within ${c.tiePct} %: measured ${k.measuredWithTies}; simulated ${k.simulatedWithTies}: ${
        k.sameWithinTies ? 'same ranking' : `DIFFERENT ranking (${k.conflicts.map(([p, q]) => `${p} vs ${q}`).join(', ')})`
      }`,
    );
    if (k.largestGap) lines.push(`${at}, largest gap: ${k.largestGap}`);
  }
  if (c.ratioByPool) lines.push('', c.ratioByPool);
  lines.push(
    '',
    `${c.cellsWithin} of ${c.rows.length} runs within ${c.tolerancePct} % of the measured energy; ${c.mixesSameRanking} of ${c.rankings.length} mixes with the same policy ranking (strict), ${c.mixesSameRankingWithinTies} of ${c.rankings.length} with ties within ${c.tiePct} %`,
  );
  return lines.join('\n');
}
