// Headroom in the placement problem: spare cores above each rate, predictions still at the rate,
// a bad headroom named in the problem's errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@isawatt/common';
import { parseModels } from '../workload/parse.js';
import type { HostSpec } from '../workload/types.js';
import { buildProblem } from './problem.js';

const models = parseModels({
  hostTypes: {
    x: { arch: 'x86_64', idlePowerW: 10, functions: { a: { execPerSecPerCore: 2, energyPerExecJ: 0.5 }, b: { execPerSecPerCore: 4, energyPerExecJ: 1 } } },
  },
});
const hosts: HostSpec[] = [{ id: 'x1', type: 'x', arch: 'x86_64', cores: 64 }];
const demands = [
  { name: 'a', rateRps: 8 }, // exactly 4 cores at headroom 0
  { name: 'b', rateRps: 10 }, // 2.5 cores
];

test('headroom plans ceil(R (1 + h) / E) cores and leaves the power prediction at W x R', () => {
  const plain = buildProblem(hosts, models, demands);
  assert.deepEqual(plain.cores[0], [4, 3]);
  const spare = buildProblem(hosts, models, demands, { headroom: 0.2 });
  assert.deepEqual(spare.cores[0], [5, 3]); // 9.6 / 2 = 4.8 -> 5; 12 / 4 = 3
  assert.deepEqual(spare.powerW[0], plain.powerW[0]);
  assert.deepEqual(spare.powerW[0], [4, 10]);
  assert.deepEqual(buildProblem(hosts, models, demands, { headroom: 1 }).cores[0], [8, 5]);
});

test('a headroom outside 0..1 is an input error naming it', () => {
  for (const h of [-0.1, 1.5, Number.NaN]) {
    assert.throws(
      () => buildProblem(hosts, models, demands, { headroom: h }),
      (err: unknown) => err instanceof ConfigError && /headroom: expected a fraction from 0 to 1/.test(err.message),
      String(h),
    );
  }
});
