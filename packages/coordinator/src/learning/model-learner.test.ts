// ModelLearner on a fake telemetry stream whose truth is 30 % off the profiled model (faster and
// dearer, and slower and cheaper): from the profiled figure the estimate converges within 5 % of
// the truth, its confidence grows with the CPU-seconds observed, and drift is flagged once the
// confidence is high; without a profiled model it estimates from telemetry alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rng } from '../placement/random-instances.test-support.js';
import type { FunctionTick } from '../registry/types.js';
import type { Models } from '../workload/types.js';
import { ModelLearner } from './model-learner.js';

const PROFILED = { execPerSecPerCore: 100, energyPerExecJ: 0.2 };
const prior: Models = { hostTypes: { xeon: { arch: 'x86_64', functions: { f: PROFILED } } }, categories: {} };

/**
 * One second of a function on `cores` cores at `busy` utilisation, truth E (execs per CPU-second)
 * and W (J per execution), with seeded noise: ±20 % on the CPU time a tick reports (co-location),
 * ±10 % on the energy, Poisson-like rounding of completions.
 */
function tick(r: () => number, truthE: number, truthW: number, cores: number, busy: number): FunctionTick {
  const cpuS = cores * busy * (0.8 + 0.4 * r());
  const completed = Math.max(0, Math.round(cpuS * truthE + (r() - 0.5) * 4));
  const energyJ = completed * truthW * (0.9 + 0.2 * r());
  return {
    function: 'f',
    dynamicEnergyUj: BigInt(Math.round(energyJ * 0.8e6)),
    totalEnergyUj: BigInt(Math.round(energyJ * 1e6)),
    powerW: energyJ,
    cpuTimeUs: BigInt(Math.round(cpuS * 1e6)),
    cores,
    invocations: {
      completed: BigInt(completed),
      errors: 0n,
      timeouts: 0n,
      dropped: 0n,
      latencyP50Ms: 1,
      latencyP95Ms: 2,
      latencyP99Ms: 3,
      achievedRps: completed,
    },
    quality: 'emulated',
  };
}

/** Seconds of 1 Hz ticks until the estimate stays within 5 % of the truth (both figures) to the end. */
function run(
  learner: ModelLearner,
  truthE: number,
  truthW: number,
  seconds: number,
  cores: number,
  busy: number,
  seed: number,
): { within5At: number; confidenceAt: number[] } {
  const r = rng(seed);
  let within5At = -1;
  const confidenceAt: number[] = [];
  for (let s = 1; s <= seconds; s++) {
    learner.observe('xeon', tick(r, truthE, truthW, cores, busy), 1000, s * 1000);
    const est = learner.estimates()[0];
    assert.ok(est);
    confidenceAt.push(est.confidence);
    const ok = Math.abs(est.execPerSecPerCore - truthE) / truthE <= 0.05 && Math.abs(est.energyPerExecJ - truthW) / truthW <= 0.05;
    if (ok && within5At < 0) within5At = s;
    else if (!ok) within5At = -1;
  }
  return { within5At, confidenceAt };
}

describe('online model refinement', () => {
  for (const [label, factor] of [
    ['30 % faster and dearer', 1.3],
    ['30 % slower and cheaper', 0.7],
  ] as const) {
    test(`truth ${label} than the profiled model: within 5 % after minutes, drift flagged`, (t) => {
      const truthE = PROFILED.execPerSecPerCore * factor;
      const truthW = PROFILED.energyPerExecJ * factor;
      const learner = new ModelLearner({ prior });
      // One busy core at 50 %: 0.5 CPU-second per second (a modest production load).
      const first = learner.estimates();
      assert.equal(first.length, 0, 'nothing before telemetry');
      const r = run(learner, truthE, truthW, 600, 1, 0.5, 42);
      const est = learner.estimates()[0];
      assert.ok(est);
      // The first estimate starts at (near) the profiled figure.
      assert.ok(r.confidenceAt[0] !== undefined && r.confidenceAt[0] < 0.05);
      assert.ok(r.within5At > 0 && r.within5At <= 420, `within 5 % of the truth after ${r.within5At} s`);
      assert.ok(Math.abs(est.execPerSecPerCore - truthE) / truthE < 0.05);
      assert.ok(Math.abs(est.energyPerExecJ - truthW) / truthW < 0.05);
      // Confidence grows with samples, and drift is flagged.
      assert.ok(
        r.confidenceAt.every((c, k) => k === 0 || c >= (r.confidenceAt[k - 1] ?? 0) - 0.02),
        'confidence grows',
      );
      assert.ok(est.confidence > 0.8);
      assert.equal(est.drift, true);
      assert.equal(est.energyQuality, 'emulated');
      assert.ok(Math.abs((est.execDriftPct ?? 0) - (factor - 1) * 100) < 5);
      t.diagnostic(
        `${label}: within 5 % of the truth from ${r.within5At} s of 1 Hz telemetry (0.5 busy core); after 10 min E ${est.execPerSecPerCore.toFixed(1)} (truth ${truthE.toFixed(1)}), W ${est.energyPerExecJ.toFixed(4)} (truth ${truthW.toFixed(4)}), confidence ${est.confidence.toFixed(3)}`,
      );
    });
  }

  test('a model that is right is not flagged; telemetry alone (no profiled model) still converges', () => {
    const right = new ModelLearner({ prior });
    run(right, PROFILED.execPerSecPerCore, PROFILED.energyPerExecJ, 300, 2, 0.5, 7);
    assert.equal(right.estimates()[0]?.drift, false);
    const alone = new ModelLearner();
    const r = run(alone, 80, 0.3, 120, 2, 0.5, 9);
    assert.ok(r.within5At > 0, 'converges');
    const est = alone.estimates()[0];
    assert.equal(est?.profiledExecPerSecPerCore, undefined);
    assert.equal(est?.drift, false);
  });

  test('with open-loop figures, production is compared with them: a function true to them is not flagged', () => {
    // Saturated 100 execs/CPU-s and 0.2 J; at 85 % utilisation 80 and 0.25 J (wake-ups fill idle time).
    const OPEN = { utilisation: 0.85, execPerSecPerCore: 80, energyPerExecJ: 0.25 };
    const withOpenLoop: Models = { hostTypes: { xeon: { arch: 'x86_64', functions: { f: { ...PROFILED, openLoop: OPEN } } } }, categories: {} };
    const l = new ModelLearner({ prior: withOpenLoop });
    run(l, OPEN.execPerSecPerCore, OPEN.energyPerExecJ, 300, 2, 0.5, 11);
    const est = l.estimates()[0];
    assert.ok(est);
    assert.equal(est.profiledExecPerSecPerCore, 80);
    assert.equal(est.profiledEnergyPerExecJ, 0.25);
    assert.equal(est.drift, false, `drift ${est.execDriftPct} % / ${est.energyDriftPct} %`);
  });

  test('ticks without completions or CPU time are ignored', () => {
    const l = new ModelLearner({ prior });
    const idle = tick(rng(1), 100, 0.2, 1, 0);
    l.observe('xeon', { ...idle, invocations: { ...idle.invocations, completed: 0n } }, 1000, 1000);
    assert.equal(l.estimates().length, 0);
  });
});
