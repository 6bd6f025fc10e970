// Placement benchmark: solve time and gap to a lower bound for the seed's size (22 x 2) and larger
// synthetic clusters, for every MiniZinc backend/solver and the in-process heuristic, against the
// seed's setup (MiniZinc + Gecode, native) as the baseline. Prints a table, then notes (solver
// errors with their diagnostics, runs that spent the limit flattening); asserts nothing.
//   node --conditions=source --import tsx bench/placement.ts [--time-limit 20000] [--sizes 22x2,50x10,100x10,1000x100] [--heuristic-sizes 2000x200,5000x500] [--solvers native/gecode,wasm/highs]
// Instances: the example models (illustrative figures for 22 functions on a Xeon and an Altra Max)
// copied with a seeded +-20 % jitter per (function copy, host type); half the hosts of each type;
// rates by the general mix at load 0.8. Energy objective (energy-aware) unless --policy says.
import { syntheticProblem } from './lib/placement-instances.js';
import { choiceOption, numberOption, parseBenchArgs, sizesOption } from './lib/options.js';
import { lowerBound } from '../packages/coordinator/src/placement/bounds.js';
import { solveHeuristic } from '../packages/coordinator/src/placement/heuristic.js';
import { evaluate, toInstance, type OptPolicy } from '../packages/coordinator/src/placement/instance.js';
import { fromMiniZincHosts, searchFor, toMiniZincData, type MiniZincSearch } from '../packages/coordinator/src/placement/minizinc-data.js';
import {
  hasNativeMiniZinc,
  nativeSolvers,
  runMiniZinc,
  shutdownMiniZinc,
  WASM_SOLVERS,
  type MiniZincBackend,
  type MiniZincSolverName,
} from '../packages/coordinator/src/placement/minizinc-solver.js';
import { plan } from '../packages/coordinator/src/placement/planner.js';

const url = import.meta.url;
const values = parseBenchArgs(url, {
  'time-limit': { type: 'string', default: '20000', description: 'solver time limit per instance, ms' },
  sizes: { type: 'string', default: '22x2,50x10,100x10,1000x100', description: 'instances solved by every solver, FUNCTIONSxHOSTS' },
  'heuristic-sizes': { type: 'string', default: '2000x200,5000x500', description: 'instances solved by the heuristic and bounds only' },
  policy: { type: 'string', default: 'energy-aware', description: 'core-aware, energy-aware or energy-aware-whole' },
  solvers: { type: 'string', default: '', description: 'only these MiniZinc solvers, comma-separated (default all)' },
});
const timeLimitMs = numberOption(url, 'time-limit', values['time-limit'], { above: 0 });
const policy: OptPolicy = choiceOption(url, 'policy', values.policy, ['core-aware', 'energy-aware', 'energy-aware-whole'] as const);
const sizes = values.sizes === '' ? [] : sizesOption(url, 'sizes', values.sizes);
const heuristicSizes = values['heuristic-sizes'] === '' ? [] : sizesOption(url, 'heuristic-sizes', values['heuristic-sizes']);

interface Row {
  size: string;
  who: string;
  status: string;
  ms: number;
  objective: number | null;
  gapPct: number | null;
  vsBaseline: string;
}

const rows: Row[] = [];
/** Reasons and error messages, printed under the table. */
const notes: string[] = [];
const fmt = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

async function benchSize(spec: string, withMiniZinc: boolean): Promise<void> {
  const [n, m] = spec.split('x').map(Number) as [number, number];
  const p = syntheticProblem(n, m, 0.8);
  const inst = toInstance(p, policy);
  const t0 = performance.now();
  const b1 = lowerBound(inst, { budgetMs: 2000 });
  const heurBudget = Math.min(timeLimitMs, 3000);
  const h = solveHeuristic(inst, { budgetMs: heurBudget, lambda: b1.lambda });
  const b2 = lowerBound(inst, { budgetMs: 2000, upperBound: h.objective });
  const heurMs = performance.now() - t0;
  let bound = Math.max(b1.bound, b2.bound);
  const results: { who: string; status: string; ms: number; objective: number | null }[] = [
    {
      who: `in-process heuristic + bound (budget ${heurBudget} ms)`,
      status: h.hostOf ? 'feasible' : 'no plan',
      ms: heurMs,
      objective: h.hostOf ? h.objective : null,
    },
  ];
  if (withMiniZinc) {
    // Baseline: the seed's setup, MiniZinc + Gecode (native) on the plain 0/1 model, Gecode's
    // default search. Then every backend/solver on the model as `isawatt plan` sends it (searchFor:
    // CP search for Gecode/Chuffed, LNS for native Gecode above 50 cells, plain MIP for
    // HiGHS/CBC), without the planner's hints (bounds, heuristic plan as warm start).
    const combos: [MiniZincBackend, MiniZincSolverName, MiniZincSearch, string][] = [];
    if (hasNativeMiniZinc()) {
      for (const s of nativeSolvers()) {
        if (s === 'gecode') combos.push(['native', s, 'mip', 'minizinc native/gecode, plain model (seed baseline)']);
        const search = searchFor(s, 'native', n, m);
        combos.push(['native', s, search, `minizinc native/${s}${search === 'lns' ? ' (LNS)' : ''}`]);
      }
    }
    for (const s of WASM_SOLVERS) combos.push(['wasm', s, searchFor(s, 'wasm', n, m), `minizinc wasm/${s}`]);
    const only = values.solvers ? values.solvers.split(',') : null;
    for (const [backend, solver, search, who] of combos) {
      if (only && !only.includes(`${backend}/${solver}`)) continue;
      const data = toMiniZincData(p, policy, search);
      try {
        const r = await runMiniZinc(data.json, { backend, solver, timeLimitMs });
        const objective = r.host !== null ? evaluate(inst, fromMiniZincHosts(r.host, inst.n, inst.m)) : null;
        const ob = r.statistics.objectiveBound;
        const slack = (inst.n + inst.m) / 2 / data.scalePerW;
        if (typeof ob === 'number' && Number.isFinite(ob)) bound = Math.max(bound, policy === 'core-aware' ? ob : ob / data.scalePerW - slack);
        if (r.status === 'OPTIMAL_SOLUTION' && objective !== null) bound = Math.max(bound, objective - slack);
        let status =
          r.status === 'OPTIMAL_SOLUTION'
            ? 'optimal'
            : r.status === 'TIMEOUT'
              ? objective === null
                ? 'timeout'
                : 'feasible (cut)'
              : r.status === 'SATISFIED'
                ? 'feasible'
                : r.status.toLowerCase();
        if (r.note?.includes('still flattening')) status += ' (still flattening)';
        results.push({ who, status, ms: r.elapsedMs, objective });
        if (r.note) notes.push(`${spec} ${who}: ${r.note}`);
      } catch (err) {
        results.push({ who, status: 'error (below)', ms: 0, objective: null });
        notes.push(`${spec} ${who}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  {
    // What `isawatt plan --solver auto` does end to end (bound + heuristic, then MiniZinc with hints).
    const t1 = performance.now();
    const pl = await plan(p, policy, { timeLimitMs });
    results.push({ who: `isawatt plan --solver auto (${pl.solver})`, status: pl.status, ms: performance.now() - t1, objective: pl.objective });
    if (pl.bound !== null) bound = Math.max(bound, pl.bound);
  }
  if (withMiniZinc && hasNativeMiniZinc() && (!values.solvers || values.solvers.split(',').includes('native/gecode'))) {
    // The planner with MiniZinc forced (any size): Gecode gets the bound and the heuristic's plan
    // as hints (the plan is its first choice: a warm start).
    const t1 = performance.now();
    const pl = await plan(p, policy, { timeLimitMs, solver: 'gecode', backend: 'native' });
    results.push({ who: `isawatt plan --solver gecode (${pl.solver})`, status: pl.status, ms: performance.now() - t1, objective: pl.objective });
    if (pl.bound !== null) bound = Math.max(bound, pl.bound);
    for (const r of pl.reasons) notes.push(`${spec} isawatt plan --solver gecode: ${r}`);
  }
  const baseline = results.find((x) => x.who.includes('seed baseline'))?.objective ?? null;
  for (const x of results) {
    rows.push({
      size: spec,
      who: x.who,
      status: x.status,
      ms: x.ms,
      objective: x.objective,
      gapPct: x.objective === null ? null : Math.max(0, ((x.objective - bound) / x.objective) * 100),
      vsBaseline: x.objective === null || baseline === null ? '-' : `${(((x.objective - baseline) / baseline) * 100).toFixed(2)} %`,
    });
  }
  rows.push({ size: spec, who: 'best lower bound (Lagrangian/LP, solver bounds)', status: '', ms: 0, objective: bound, gapPct: null, vsBaseline: '' });
}

// The WASM backend keeps one warm worker between solves; its first solve (compiling 18 MB of
// WebAssembly, flattening on unoptimised code) is timed separately and not in the table.
let coldMs = 0;
{
  const seed = syntheticProblem(22, 2, 0.8);
  const t = performance.now();
  await runMiniZinc(toMiniZincData(seed, policy, 'mip').json, { backend: 'wasm', solver: 'highs', timeLimitMs });
  coldMs = performance.now() - t;
}
for (const [n, m] of sizes) await benchSize(`${n}x${m}`, true);
for (const [n, m] of heuristicSizes) await benchSize(`${n}x${m}`, false);
shutdownMiniZinc();

const unit = policy === 'core-aware' ? 'cores' : 'W';
const head = ['size (fn x hosts)', 'solver', 'status', 'time ms', `objective ${unit}`, 'gap to bound %', 'vs seed baseline'];
const table = [head, ...rows.map((r) => [r.size, r.who, r.status, r.ms ? r.ms.toFixed(0) : '', fmt(r.objective), fmt(r.gapPct, 3), r.vsBaseline])];
const widths = head.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
const load = (await import('node:os')).loadavg()[0] ?? 0;
process.stdout.write(
  `placement bench: policy ${policy}, time limit ${timeLimitMs} ms, ${hasNativeMiniZinc() ? 'native minizinc present' : 'no native minizinc'}, load average ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} CPUs\n`,
);
process.stdout.write(`wasm worker cold start (first 22x2 solve, HiGHS, not in the table): ${coldMs.toFixed(0)} ms\n`);
for (const row of table) process.stdout.write(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + '\n');
for (const note of notes) process.stdout.write(`note: ${note}\n`);
