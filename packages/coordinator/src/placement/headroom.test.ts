// The headroom (--headroom h: cores = ceil(R (1 + h) / E)) holds on every path that sizes cores:
// the plain problem, robust quantiles (which size cores again on a lower speed), robust arrivals,
// and split shares, for rule and optimising policies alike. Robust plans once recomputed cores on
// the rate alone and so planned closer to saturation than plain ones (a 30-run experiment with
// --robust-quantile 0.1 --headroom 0.2 met its rates in 2 of its first 10 runs).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { shutdownMiniZinc } from './minizinc-solver.js';
import type { PolicyName } from './plan.js';
import { plan } from './planner.js';
import { noisyQuietDemands, noisyQuietModels } from './noisy-quiet.test-support.js';
import { buildProblem } from './problem.js';
import { robustProblem } from './robust.js';

const models = noisyQuietModels;
// Two hosts so that split plans have somewhere to split to.
const hosts = [
  { id: 'h1', type: 't', arch: 'x86_64' as const, cores: 32 },
  { id: 'h2', type: 't', arch: 'x86_64' as const, cores: 32 },
];
const demands = noisyQuietDemands;
const HEADROOM = 0.2;
const POLICIES: readonly PolicyName[] = ['rr', 'core-aware', 'energy-aware', 'energy-aware-whole'];

describe('headroom on every path that sizes cores', () => {
  after(() => shutdownMiniZinc());

  test('the problem carries its headroom; robust quantiles size cores with it', () => {
    const p = buildProblem(hosts, models, demands, { headroom: HEADROOM });
    assert.equal(p.headroom, HEADROOM);
    assert.equal(p.cores[0]?.[0], 12); // ceil(100 x 1.2 / 10)
    const r = robustProblem(p, 0.1);
    // q = 0.1 of [7, 9, 10, 10.5, 11] = 7.8 /s per core: ceil(120 / 7.8) = 16 (without headroom: 13).
    assert.equal(r.cores[0]?.[0], 16);
    // No spread: the point figure, still with the headroom: 12 (without: 10).
    assert.equal(r.cores[0]?.[1], 12);
    // Robust arrivals (Poisson bursts): the burst capacity, with the headroom on top.
    const a = robustProblem(p, 0.1, false, 'poisson');
    // quiet: capacity ln 20 / ln(1 + ln 20 / 100) = 101.51 /s at 10 /s per core, x 1.2: 13 cores.
    assert.equal(a.cores[0]?.[1], 13);
    // A problem built without headroom keeps the old sizes.
    assert.equal(robustProblem(buildProblem(hosts, models, demands), 0.1).cores[0]?.[0], 13);
  });

  for (const split of [false, true]) {
    for (const robust of [false, true]) {
      test(`every assignment has ceil(share x ${1 + HEADROOM} / E) cores or more (${split ? 'split' : 'whole'}, ${robust ? 'robust q 0.1' : 'point figures'})`, async () => {
        const p = buildProblem(hosts, models, demands, { headroom: HEADROOM });
        for (const policy of POLICIES) {
          const out = await plan(p, policy, { solver: 'heuristic', split, ...(robust ? { robustQuantile: 0.1 } : {}) });
          assert.ok(out.status === 'optimal' || out.status === 'feasible', `${policy}: ${out.status}`);
          for (const a of out.assignments) {
            const need = Math.ceil((a.rateRps * (1 + HEADROOM)) / 10 - 1e-9);
            assert.ok(a.cores >= need, `${policy}: ${a.function} on ${a.host}: ${a.cores} cores for ${a.rateRps} req/s, headroom ${HEADROOM} asks ${need}`);
          }
        }
      });
    }
  }
});
