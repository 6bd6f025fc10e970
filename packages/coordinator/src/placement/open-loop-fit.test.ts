// The planner's energy model through several open-loop points: least squares of
// W / W_sat − 1 = k (1 / u − 1), the old two-point formula for one point, clamped to [0, 1]; the
// models file's openLoopPoints parsed, validated and used for the fit, openLoop for capacity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@isawatt/common';
import { parseModels } from '../workload/parse.js';
import type { FunctionModel, HostSpec } from '../workload/types.js';
import { fitIdleShare, openLoopPointsOf } from './open-loop-fit.js';
import { buildProblem, describeFigures, energyPerExecAt, openLoopEnergyShare, planningModel } from './problem.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('one point: the fit is the old formula (W_open / W_sat − 1) / (1 / u − 1)', () => {
  close(fitIdleShare([{ utilisation: 0.85, ratio: 1.1 }]), 0.1 / (1 / 0.85 - 1), 'k at 0.85');
  close(fitIdleShare([{ utilisation: 0.5, ratio: 1.3 }]), 0.3, 'k at 0.5');
  const m: FunctionModel = { execPerSecPerCore: 10, energyPerExecJ: 2, openLoop: { utilisation: 0.8, execPerSecPerCore: 9, energyPerExecJ: 2.2 } };
  close(openLoopEnergyShare(m), (2.2 / 2 - 1) / (1 / 0.8 - 1), 'openLoopEnergyShare');
});

test('two points: least squares through both (and the saturated point), not either one alone', () => {
  // x = 1/u − 1: 1 at u = 0.5, 0.25 at u = 0.8; y = ratio − 1: 0.4 and 0.2.
  // k = (1 × 0.4 + 0.25 × 0.2) / (1 + 0.0625) = 0.45 / 1.0625.
  const k = fitIdleShare([
    { utilisation: 0.5, ratio: 1.4 },
    { utilisation: 0.8, ratio: 1.2 },
  ]);
  close(k, 0.45 / 1.0625, 'k');
  assert.ok(k < 0.8 && k > 0.4, 'between the two one-point fits (0.4 and 0.8)');
  // Points on one line through the saturated point give exactly that line's slope.
  close(
    fitIdleShare([
      { utilisation: 0.6, ratio: 1 + 0.3 * (1 / 0.6 - 1) },
      { utilisation: 0.85, ratio: 1 + 0.3 * (1 / 0.85 - 1) },
    ]),
    0.3,
    'collinear points',
  );
});

test('the fit is clamped to [0, 1] and ignores points that say nothing', () => {
  assert.equal(fitIdleShare([{ utilisation: 0.5, ratio: 3 }]), 1, 'above 1');
  assert.equal(
    fitIdleShare([
      { utilisation: 0.6, ratio: 0.9 },
      { utilisation: 0.85, ratio: 0.95 },
    ]),
    0,
    'cheaper than saturated: no extra cost',
  );
  assert.equal(fitIdleShare([]), 0, 'no points');
  assert.equal(fitIdleShare([{ utilisation: 1, ratio: 1.5 }]), 0, 'a point at u = 1 has x = 0');
  close(
    fitIdleShare([
      { utilisation: 0.5, ratio: 1.3 },
      { utilisation: 0.7, ratio: Number.NaN },
    ]),
    0.3,
    'a non-finite ratio is left out',
  );
});

// thumbnail-like: cost per execution barely moves with utilisation (1.05x at 0.6, 1.10x at 0.85);
// fast-like: the cores stay busy (W ≈ W_sat / u).
const models = parseModels({
  hostTypes: {
    x: {
      arch: 'x86_64',
      functions: {
        slow: {
          execPerSecPerCore: 1,
          energyPerExecJ: 10,
          openLoop: { utilisation: 0.85, execPerSecPerCore: 0.95, energyPerExecJ: 11 },
          openLoopPoints: [
            { utilisation: 0.6, execPerSecPerCore: 0.9, energyPerExecJ: 10.5 },
            { utilisation: 0.85, execPerSecPerCore: 0.95, energyPerExecJ: 11 },
          ],
        },
        fast: { execPerSecPerCore: 100, energyPerExecJ: 0.1, openLoop: { utilisation: 0.85, execPerSecPerCore: 85, energyPerExecJ: 0.1 / 0.85 } },
      },
    },
  },
});

test('the planner fits through every point of openLoopPoints and sizes cores on openLoop (the highest)', () => {
  const slow = models.hostTypes.x?.functions.slow as FunctionModel;
  assert.deepEqual(
    openLoopPointsOf(slow).map((o) => o.utilisation),
    [0.6, 0.85],
  );
  const x1 = 1 / 0.6 - 1;
  const x2 = 1 / 0.85 - 1;
  const k = (x1 * 0.05 + x2 * 0.1) / (x1 * x1 + x2 * x2);
  close(openLoopEnergyShare(slow), k, 'k through both points');
  // The single 0.85 point alone gives k = 0.1 / x2 = 0.567: the 1/u extrapolation the lower point
  // corrects (at u = 0.72: 1.22x the saturated energy with one point, 1.04x with both).
  const onePoint = { ...slow, openLoopPoints: undefined };
  close(openLoopEnergyShare(onePoint), 0.1 / x2, 'k through the 0.85 point alone');
  assert.equal((energyPerExecAt(onePoint, 0.72) / 10).toFixed(2), '1.22');
  assert.equal((energyPerExecAt(slow, 0.72) / 10).toFixed(2), '1.04');
  close(energyPerExecAt(slow, 0.72), 10 * (1 - k + k / 0.72), 'price at 0.72');
  // Capacity: 0.95 per core (the 0.85 point): 5 req/s with headroom 0.2 needs ceil(6 / 0.95) = 7 cores.
  const m = planningModel(slow, 'open-loop', 5, 0.2);
  assert.equal(m.execPerSecPerCore, 0.95);
  close(m.energyPerExecJ, energyPerExecAt(slow, 5 / (7 * 1)), 'energy at the planned utilisation');
  // The figures line names the utilisations of every point measured (slow's two, fast's one).
  const p = buildProblem([{ id: 'x1', type: 'x', arch: 'x86_64', cores: 64 } satisfies HostSpec], models, [
    { name: 'slow', rateRps: 5 },
    { name: 'fast', rateRps: 50 },
  ]);
  assert.deepEqual(p.figures?.utilisations, [0.6, 0.85]);
  assert.match(
    describeFigures(p.figures ?? { choice: 'open-loop', openLoopPairs: 0, saturatedPairs: 0, utilisations: [] }),
    /measured at 60 %, 85 % utilisation\) for 2 of 2/,
  );
});

test('openLoopPoints is validated: ascending utilisations, openLoop its last point, each point a valid figure', () => {
  const base = { execPerSecPerCore: 1, energyPerExecJ: 1 };
  const parse = (f: Record<string, unknown>): unknown => parseModels({ hostTypes: { x: { arch: 'x86_64', functions: { f: { ...base, ...f } } } } });
  const p6 = { utilisation: 0.6, execPerSecPerCore: 0.9, energyPerExecJ: 1.1 };
  const p85 = { utilisation: 0.85, execPerSecPerCore: 0.95, energyPerExecJ: 1.05 };
  assert.doesNotThrow(() => parse({ openLoop: p85, openLoopPoints: [p6, p85] }));
  assert.doesNotThrow(() => parse({ openLoop: p85 }), 'one point, no list: the old format');
  const fails = (f: Record<string, unknown>, re: RegExp): void =>
    assert.throws(
      () => parse(f),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  fails({ openLoop: p6, openLoopPoints: [p85, p6] }, /openLoopPoints\.1\.utilisation: expected more than the point before \(0\.85\), got 0\.6/);
  fails({ openLoop: p6, openLoopPoints: [p6, p85] }, /openLoop: expected the last of openLoopPoints \(utilisation 0\.85\), got utilisation 0\.6/);
  fails({ openLoopPoints: [p6, p85] }, /openLoop: missing: openLoopPoints needs openLoop/);
  fails({ openLoop: p85, openLoopPoints: [] }, /openLoopPoints/);
  fails({ openLoop: p85, openLoopPoints: [{ ...p6, utilisation: 1.2 }, p85] }, /openLoopPoints\.0\.utilisation/);
});
