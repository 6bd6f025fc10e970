import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { MAX_TABLE_ROWS, renderPlan } from './render.js';

/** A plan of n functions, one per host, on n hosts (the fields renderPlan reads). */
function bigPlan(n: number): { problem: PlacementProblem; plan: Plan } {
  const hosts = Array.from({ length: n }, (_, i) => ({ id: `h${i}`, arch: i % 2 ? 'aarch64' : 'x86_64', cores: 4 }));
  const assignments = hosts.map((h, i) => ({ function: `f${i}`, host: h.id, cores: 1, rateRps: 1, powerW: (i % 997) + 0.5 }));
  const problem = { hosts, idlePowerW: hosts.map(() => 50) } as unknown as PlacementProblem;
  const plan = {
    policy: 'energy-aware',
    status: 'feasible',
    solver: 'heuristic',
    solveTimeMs: 1,
    objective: 1,
    objectiveUnit: 'W',
    bound: null,
    gapPct: null,
    reasons: [],
    assignments,
    totalCores: n,
    predictedPowerW: assignments.reduce((s, a) => s + a.powerW, 0),
    idlePowerOnW: 50 * n,
  } as unknown as Plan;
  return { problem, plan };
}

test('a plan of 158,163 hosts is summarised on the terminal, not rendered row by row', () => {
  const { problem, plan } = bigPlan(158_163);
  const text = renderPlan(problem, plan);
  assert.match(text, /\(100 of 158163 assignments shown, those with the most power; --json prints all\)/);
  assert.match(text, /\(158063 more hosts\)/);
  // The rows shown are the most powerful ones; the output stays a few hundred lines.
  assert.match(text, /996\.5/);
  assert.ok(text.split('\n').length < 4 * MAX_TABLE_ROWS, `${text.split('\n').length} lines`);
});

test('small plans are shown in full', () => {
  const { problem, plan } = bigPlan(5);
  const text = renderPlan(problem, plan);
  for (let i = 0; i < 5; i++) assert.match(text, new RegExp(`f${i} `));
  assert.doesNotMatch(text, /more hosts|shown/);
});
