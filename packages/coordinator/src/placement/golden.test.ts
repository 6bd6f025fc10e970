// Golden cases: every minizinc/cases/<case>.json (inputs inline or as paths relative to the case)
// is planned and compared with <case>.expected.json (status, objective, assignments, reasons).
// Optimising policies run MiniZinc (native Gecode when installed, else WASM Gecode); the seed's
// size is also solved by the other backend, which must give the same objective.
// UPDATE_GOLDEN=1 rewrites the expected files (review the diff before committing).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadHostsFile, loadModelsFile, loadWorkloadFile, parseHosts, parseModels, parseWorkload } from '../workload/parse.js';
import { resolveWorkload } from '../workload/resolve.js';
import { hasNativeMiniZinc, shutdownMiniZinc } from './minizinc-solver.js';
import { POLICIES, type PolicyName } from './plan.js';
import { defaultMiniZinc, plan } from './planner.js';
import { buildProblem, type PlacementProblem } from './problem.js';

const CASES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../minizinc/cases');

interface CaseFile {
  description: string;
  policy: PolicyName;
  hosts?: unknown;
  models?: unknown;
  workload?: unknown;
  hostsFile?: string;
  modelsFile?: string;
  workloadFile?: string;
  /** Plan with --split (a function may run on several hosts with rate shares), this cost per extra replica. */
  split?: boolean;
  replicaCost?: number;
}

interface Expected {
  status: string;
  objective: number | null;
  assignments?: { function: string; host: string; cores: number; rateRps?: number }[];
  reasons?: string[];
}

function loadCase(name: string): { c: CaseFile; problem: PlacementProblem } {
  const c = JSON.parse(readFileSync(join(CASES, `${name}.json`), 'utf8')) as CaseFile;
  const rel = (p: string): string => resolve(CASES, p);
  const hosts = c.hostsFile ? loadHostsFile(rel(c.hostsFile)) : parseHosts(c.hosts, `${name}.hosts`);
  const models = c.modelsFile ? loadModelsFile(rel(c.modelsFile)) : parseModels(c.models, `${name}.models`);
  const spec = c.workloadFile ? loadWorkloadFile(rel(c.workloadFile)) : parseWorkload(c.workload, `${name}.workload`);
  return { c, problem: buildProblem(hosts, models, resolveWorkload(spec, hosts, models)) };
}

const names = readdirSync(CASES)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const backend: 'native' | 'wasm' = hasNativeMiniZinc() ? 'native' : 'wasm';
const isRule = (p: PolicyName): boolean => p === 'rr' || p === 'x86-first' || p === 'arm-first';

describe(`golden placement cases (minizinc/cases, MiniZinc ${backend})`, () => {
  after(() => shutdownMiniZinc());
  assert.ok(names.length >= 10, 'golden cases present');

  for (const name of names) {
    test(name, async () => {
      const { c, problem } = loadCase(name);
      assert.ok(POLICIES.includes(c.policy), `${name}: policy`);
      // Split cases run the split model with HiGHS (a MIP with continuous shares), in WebAssembly.
      const opts = c.split
        ? { solver: isRule(c.policy) ? ('auto' as const) : ('highs' as const), backend: 'wasm' as const, split: true, replicaCost: c.replicaCost }
        : { solver: isRule(c.policy) ? ('auto' as const) : ('gecode' as const), backend: backend };
      const p = await plan(problem, c.policy, { ...opts, timeLimitMs: 30_000 });
      const actual: Expected = {
        status: p.status,
        objective: p.objective === null ? null : Math.round(p.objective * 1e6) / 1e6,
        ...(p.assignments.length
          ? {
              assignments: p.assignments.map((a) => ({
                function: a.function,
                host: a.host,
                cores: a.cores,
                ...(c.split ? { rateRps: Math.round(a.rateRps * 1e6) / 1e6 } : {}),
              })),
            }
          : {}),
        ...(p.reasons.length ? { reasons: [...p.reasons] } : {}),
      };
      const file = join(CASES, `${name}.expected.json`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
      const expected = JSON.parse(readFileSync(file, 'utf8')) as Expected;
      assert.equal(p.status, expected.status, `${name}: status (${p.reasons.join('; ')})`);
      if (expected.objective === null) assert.equal(p.objective, null);
      else assert.ok(p.objective !== null && Math.abs(p.objective - expected.objective) <= 1e-4, `${name}: objective ${p.objective} != ${expected.objective}`);
      // Core-aware optima are rarely unique (many placements use the same cores): objective only.
      if (expected.assignments && (c.policy !== 'core-aware' || name.startsWith('core-aware-'))) {
        assert.deepEqual(actual.assignments, expected.assignments, `${name}: assignments`);
      }
      assert.deepEqual(actual.reasons ?? [], expected.reasons ?? [], `${name}: reasons`);
      if (c.split && p.assignments.length) {
        // Every function's rate shares add up to its rate R_j, and each share has the cores it needs.
        for (const f of problem.functions) {
          const shares = p.assignments.filter((a) => a.function === f.name);
          assert.ok(shares.length >= 1, `${name}: ${f.name} placed`);
          assert.ok(Math.abs(shares.reduce((s, a) => s + a.rateRps, 0) - f.rateRps) <= 1e-9 * f.rateRps, `${name}: shares of ${f.name} sum to ${f.rateRps}`);
        }
      }
      if (!isRule(c.policy) && p.status === 'optimal') assert.match(p.solver, /minizinc|heuristic/);
    });
  }

  test("the seed's size (22 x 2) is proven optimal by the default solver, and both backends agree", async () => {
    const { problem } = loadCase('seed-general-energy-aware');
    assert.equal(problem.functions.length, 22);
    assert.equal(problem.hosts.length, 2);
    const def = defaultMiniZinc();
    const results = new Map<string, number>();
    for (const b of ['native', 'wasm'] as const) {
      if (b === 'native' && !hasNativeMiniZinc()) continue;
      // WASM is slow to flatten (seconds): it cross-checks two policies, native solves all three.
      const policies = b === 'native' ? (['core-aware', 'energy-aware', 'energy-aware-whole'] as const) : (['core-aware', 'energy-aware'] as const);
      for (const policy of policies) {
        const solver = b === def.backend ? def.solver : defaultMiniZinc(b).solver;
        const p = await plan(problem, policy, { solver, backend: b, timeLimitMs: 30_000 });
        assert.equal(p.status, 'optimal', `${b}/${solver} ${policy}: ${p.reasons.join('; ')}`);
        assert.match(p.solver, new RegExp(`minizinc-${b}/${solver}`), `${b} ${policy}: MiniZinc answered`);
        const prev = results.get(policy);
        if (prev === undefined) results.set(policy, p.objective ?? NaN);
        else assert.ok(Math.abs(prev - (p.objective ?? NaN)) <= 1e-4, `${policy}: backends disagree (${prev} vs ${p.objective})`);
      }
    }
  });
});
