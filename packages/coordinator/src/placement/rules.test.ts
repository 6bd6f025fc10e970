// The seed's fixed rules on a hand-checked instance: rr cycles over hosts skipping full ones,
// x86-first and arm-first fill one arch first; a rule that runs out of room says which hosts are
// short and by how much.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModels } from '../workload/parse.js';
import type { HostSpec } from '../workload/types.js';
import { buildProblem } from './problem.js';
import { solveRule } from './rules.js';

const models = parseModels({
  hostTypes: {
    x: { arch: 'x86_64', functions: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((f) => [f, { execPerSecPerCore: 1, energyPerExecJ: 1 }])) },
    r: { arch: 'aarch64', functions: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((f) => [f, { execPerSecPerCore: 1, energyPerExecJ: 0.5 }])) },
  },
});
const hosts: HostSpec[] = [
  { id: 'x1', type: 'x', arch: 'x86_64', cores: 4 },
  { id: 'r1', type: 'r', arch: 'aarch64', cores: 4 },
  { id: 'x2', type: 'x', arch: 'x86_64', cores: 2 },
];
// Cores needed: a 2, b 2, c 2, d 3, e 1 (rate / 1 per core).
const demands = [
  { name: 'a', rateRps: 2 },
  { name: 'b', rateRps: 2 },
  { name: 'c', rateRps: 2 },
  { name: 'd', rateRps: 3 },
  { name: 'e', rateRps: 1 },
];
const hostsOf = (rule: 'rr' | 'x86-first' | 'arm-first'): string[] => solveRule(buildProblem(hosts, models, demands), rule).assignments.map((a) => a.host);

test('rr cycles over hosts in file order, skipping hosts without room', () => {
  // a->x1, b->r1, c->x2; then x1 and r1 have 2 cores free, x2 none: d (3 cores) fits nowhere.
  const p = solveRule(buildProblem(hosts, models, demands), 'rr');
  assert.equal(p.status, 'infeasible');
  assert.match(
    p.reasons[0] ?? '',
    /^rr: function "d" found no host with room: x1 short by 1 \(needs 3, 2 free\); r1 short by 1 \(needs 3, 2 free\); x2 short by 3 \(needs 3, 0 free\)/,
  );
});

test('rr continues after the host it used last', () => {
  const small = demands.filter((d) => d.name !== 'd');
  const p = solveRule(buildProblem(hosts, models, small), 'rr');
  // a->x1, b->r1, c->x2, e->x1 (next after x2 wraps to x1).
  assert.deepEqual(
    p.assignments.map((a) => a.host),
    ['x1', 'r1', 'x2', 'x1'],
  );
});

test('x86-first fills x86 hosts in file order, then ARM', () => {
  // a->x1 (2 free), b->x1 (0), c->x2 (0), d->r1 (1), e->r1 (0).
  assert.deepEqual(hostsOf('x86-first'), ['x1', 'x1', 'x2', 'r1', 'r1']);
});

test('arm-first fills ARM hosts, then x86 in file order', () => {
  // a->r1, b->r1 (full), c->x1; d (3 cores) finds 2 free on x1 and x2: no room.
  const p = solveRule(buildProblem(hosts, models, demands), 'arm-first');
  assert.equal(p.status, 'infeasible');
  const q = solveRule(
    buildProblem(
      hosts,
      models,
      demands.filter((d) => d.name !== 'd'),
    ),
    'arm-first',
  );
  assert.deepEqual(
    q.assignments.map((a) => a.host),
    ['r1', 'r1', 'x1', 'x1'],
  );
});
