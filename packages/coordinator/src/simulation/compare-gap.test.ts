// What --compare says about a gap: the simulated minus measured energy split into the function with
// the largest share (with its energy per execution measured vs simulated, its offered rate, its
// measured miss), the other functions and the rest (idle, unattributed); and the per-execution
// ratios grouped by the cores a function held.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionResult, RunRecord } from '../results/run-record.js';
import { describeRatioByPool, describeRunGap, runGap } from './compare-gap.js';

function fn(name: string, cores: number, energyJ: number | undefined, achievedRps: number, over: Partial<FunctionResult> = {}): FunctionResult {
  return {
    name,
    placement: [{ hostId: 'a', cores, rateRps: 10 }],
    requestedRps: 10,
    offeredRps: 10,
    achievedRps,
    metRate: true,
    errors: 0,
    drops: 0,
    energyJ,
    predictedEnergyJ: 0,
    ...over,
  };
}

const rec = (energyJ: number, functions: FunctionResult[]): RunRecord =>
  ({ energyJ, durationS: 10, functions, hosts: [{ id: 'a', type: 'altra' }] }) as unknown as RunRecord;

test('the largest function gap is named with its per-execution ratio, offered rate and measured miss; the rest is idle', () => {
  // Measured: f 300 J over 100 executions (3 J each), g 100 J; 1,000 J in all (600 J idle).
  const measured = rec(1000, [fn('f', 6, 300, 10, { offeredRps: 11, metRate: false }), fn('g', 40, 100, 10)]);
  // Simulated: f 200 J (2 J each), g 110 J; 905 J (595 J idle).
  const simulated = rec(905, [fn('f', 6, 200, 10), fn('g', 40, 110, 10)]);
  const g = runGap(measured, simulated);
  assert.equal(g.deltaJ, -95);
  assert.equal(g.largest?.name, 'f');
  assert.equal(g.largest?.deltaJ, -100);
  assert.equal(g.largest?.perExecRatio, 1.5);
  assert.equal(g.restJ, -5);
  const line = describeRunGap('energy-aware', -9.5, g);
  assert.equal(
    line,
    'energy-aware −9.50 % (−95 J): f on altra (6 cores) −100 J (measured 1.50× the simulated energy per execution; offered +10.00 % vs its requested rate; missed its rate in the measured run); other functions +10 J; idle and unattributed −5 J',
  );
});

test('records without per-function energy: the gap is given whole, saying why it is not split', () => {
  const g = runGap(rec(1000, [fn('f', 6, undefined, 10)]), rec(900, [fn('f', 6, 200, 10)]));
  assert.equal(g.largest, undefined);
  assert.match(describeRunGap('rr', -10, g), /^rr −10\.00 % \(−100 J\): no per-function energy/);
});

test('per-execution ratios are grouped by the cores each function held', () => {
  const m = rec(0, [fn('small', 6, 150, 10), fn('big', 60, 90, 10)]);
  const s = rec(0, [fn('small', 6, 100, 10), fn('big', 60, 100, 10)]);
  assert.equal(
    describeRatioByPool([[m, s]]),
    'measured / simulated energy per execution by cores a function held (median, range): <= 8 cores 1.50× (1 placement, 1.50-1.50); > 32 cores 0.90× (1 placement, 0.90-0.90)',
  );
  assert.equal(describeRatioByPool([[m, undefined]]), undefined);
});
