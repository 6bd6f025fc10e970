// The truth's utilisation dependence (truth.ts): without open-loop figures the saturated figures at
// every utilisation; with them, the saturated cost at utilisation 1, the open-loop cost at the
// utilisation it was measured at, linear in the idle share 1 - u between and below; and a cell
// whose functions run below saturation is charged, and served, at that cost.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadModelsFile } from '../workload/parse.js';
import type { Models } from '../workload/types.js';
import { CellRunner } from './cells.js';
import { loadClusterFile } from './cluster.js';
import { buildCells } from './matrix.js';
import { costAtUtilisation, idleFilledShare, trueFigures, type TrueFigures } from './truth.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../');
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('truth at a utilisation', () => {
  const saturated: TrueFigures = { execPerSecPerCore: 100, energyPerExecJ: 0.01, speedFactor: 1, energyFactor: 1 };
  // At u0 = 0.6: 1.25x the CPU (wake-ups fill k = 0.375 of the idle time), 1.4x the energy (k = 0.6).
  const withOpenLoop: TrueFigures = { ...saturated, openLoop: { utilisation: 0.6, execPerSecPerCore: 80, energyPerExecJ: 0.014 } };

  test('without open-loop figures: the saturated figures at every utilisation', () => {
    for (const u of [0, 0.3, 0.8, 1, 1.7]) {
      const c = costAtUtilisation(saturated, u);
      assert.equal(c.execPerSecPerCore, 100);
      assert.equal(c.energyPerExecJ, 0.01);
      assert.equal(c.openLoop, false);
    }
  });

  test('with them: saturated at u >= 1, open-loop at u0, wake-ups filling the same share of idle time elsewhere', () => {
    for (const u of [1, 1.4]) {
      const c = costAtUtilisation(withOpenLoop, u);
      close(c.execPerSecPerCore, 100, `speed at ${u}`);
      close(c.energyPerExecJ, 0.01, `energy at ${u}`);
    }
    const at0 = costAtUtilisation(withOpenLoop, 0.6);
    close(at0.execPerSecPerCore, 80, 'speed at u0');
    close(at0.energyPerExecJ, 0.014, 'energy at u0');
    // u = 0.8: busy 0.8 + 0.375 x 0.2 = 0.875 of the time for 80 executions/s -> 91.43 per busy
    // core-second; energy 0.01 x (0.4 + 0.6 / 0.8).
    const mid = costAtUtilisation(withOpenLoop, 0.8);
    close(mid.execPerSecPerCore, 80 / 0.875, 'speed at 0.8');
    close(mid.energyPerExecJ, 0.0115, 'energy at 0.8');
    const low = costAtUtilisation(withOpenLoop, 0.2);
    close(low.execPerSecPerCore, 40, 'speed at 0.2');
    close(low.energyPerExecJ, 0.034, 'energy at 0.2');
    // The capacity of n cores at u, n x E(u), never falls below the rate u x n x E_sat.
    for (const u of [0.05, 0.2, 0.6, 0.8, 0.99]) assert.ok(costAtUtilisation(withOpenLoop, u).execPerSecPerCore >= u * 100 - 1e-9, `u ${u}`);
  });

  test('wake-ups that fill all the idle time (k = 1): capacity equals the rate, no margin; k is fitted as the planner fits it', () => {
    const full: TrueFigures = { ...saturated, openLoop: { utilisation: 0.5, execPerSecPerCore: 50, energyPerExecJ: 0.02 } };
    for (const u of [0.3, 0.5, 0.9]) {
      const c = costAtUtilisation(full, u);
      close(c.execPerSecPerCore, 100 * u, `speed at ${u}`);
      close(c.energyPerExecJ, 0.01 / u, `energy at ${u}`);
    }
    close(idleFilledShare(1.3, 0.5), 0.3, 'k of 1.3x at 0.5');
    assert.equal(idleFilledShare(3, 0.5), 1, 'clamped to 1');
  });

  test('an open-loop figure cheaper than the saturated one (noise) counts as no extra cost', () => {
    const cheaper: TrueFigures = { ...saturated, openLoop: { utilisation: 0.8, execPerSecPerCore: 110, energyPerExecJ: 0.009 } };
    const c = costAtUtilisation(cheaper, 0.3);
    close(c.execPerSecPerCore, 100, 'speed');
    close(c.energyPerExecJ, 0.01, 'energy');
  });

  test('spread and model error scale the open-loop figures as they scale the saturated ones', () => {
    const model = { execPerSecPerCore: 100, energyPerExecJ: 0.01, openLoop: { utilisation: 0.6, execPerSecPerCore: 50, energyPerExecJ: 0.014 } };
    const t = trueFigures(model, 'f', 'h', { seed: 3, useSpread: false, modelErrorCv: 0.3 });
    assert.notEqual(t.speedFactor, 1);
    close(t.openLoop?.execPerSecPerCore ?? NaN, 50 * t.speedFactor, 'open-loop speed');
    close(t.openLoop?.energyPerExecJ ?? NaN, 0.014 * t.energyFactor, 'open-loop energy');
    assert.equal(t.openLoop?.utilisation, 0.6);
  });

  test('several open-loop points: scaled alike, and the energy share fitted through all of them as the planner fits it', () => {
    const low = { utilisation: 0.6, execPerSecPerCore: 80, energyPerExecJ: 0.0112 };
    const high = { utilisation: 0.85, execPerSecPerCore: 95, energyPerExecJ: 0.0112 };
    const model = { execPerSecPerCore: 100, energyPerExecJ: 0.01, openLoop: high, openLoopPoints: [low, high] };
    const t = trueFigures(model, 'f', 'h', { seed: 3, useSpread: false, modelErrorCv: 0.3 });
    close(t.openLoopPoints?.[0]?.energyPerExecJ ?? NaN, 0.0112 * t.energyFactor, 'low point scaled');
    const plain = trueFigures(model, 'f', 'h', { seed: 3, useSpread: false, modelErrorCv: 0 });
    // 1.12x at both points: k = Σxy / Σx² with x = 2/3 and 3/17, y = 0.12 each.
    const x1 = 1 / 0.6 - 1;
    const x2 = 1 / 0.85 - 1;
    const k = (0.12 * (x1 + x2)) / (x1 * x1 + x2 * x2);
    close(costAtUtilisation(plain, 0.72).energyPerExecJ, 0.01 * (1 - k + k / 0.72), 'energy at 0.72');
    assert.equal(trueFigures({ ...model, openLoopPoints: undefined }, 'f', 'h', { seed: 3, useSpread: false, modelErrorCv: 0 }).openLoopPoints, undefined);
  });
});

describe('a cell on models with open-loop figures', () => {
  const base = loadModelsFile(resolve(root, 'examples/models-simulation.yaml'));
  const pair = loadClusterFile(resolve(root, 'examples/cluster-paper-pair.yaml'));
  // Every function: at utilisation 0.5 it costs 1.5x the CPU (wake-ups fill half the idle time) and
  // 1.3x the energy (k = 0.3) of saturation.
  const models: Models = {
    ...base,
    hostTypes: Object.fromEntries(
      Object.entries(base.hostTypes).map(([type, t]) => [
        type,
        {
          ...t,
          functions: Object.fromEntries(
            Object.entries(t.functions).map(([fn, f]) => [
              fn,
              { ...f, openLoop: { utilisation: 0.5, execPerSecPerCore: f.execPerSecPerCore / 1.5, energyPerExecJ: f.energyPerExecJ * 1.3 } },
            ]),
          ),
        },
      ]),
    ),
  };

  test('energy = Σ idle + Σ R·e(u) at each placement utilisation; every rate met (capacity at u >= the rate); the plan predicts the same energy', async () => {
    const D = 120;
    const runner = new CellRunner({
      models,
      truth: { seed: 1, useSpread: false, modelErrorCv: 0 },
      interference: { kind: 'none' },
      engine: { durationS: D, seed: 1, arrivals: 'constant', queueLimitS: 10, seriesLimit: 0 },
      rateTolerance: 0.02,
      planOptions: { solver: 'fast', timeLimitMs: 5000 },
      simulationId: 'sim-test',
      startedAt: '2026-12-06T00:00:00Z',
      inputs: {},
    });
    let below = 0;
    for (const cell of buildCells({ cluster: pair, mixes: ['general', 'web-dominated'], policies: ['rr', 'energy-aware'], loads: [0.3, 0.6] })) {
      const o = await runner.run(cell);
      const r = o.record;
      if (!r) continue;
      const idleW = r.hosts.filter((h) => !h.parked).reduce((s, h) => s + (models.hostTypes[h.type]?.idlePowerW ?? 0), 0);
      let expected = idleW * D;
      const capacityOk = new Map<string, boolean>();
      for (const a of o.plan.assignments) {
        const type = pair.hosts.find((h) => h.id === a.host)?.type ?? '';
        const f = models.hostTypes[type]?.functions[a.function];
        assert.ok(f?.openLoop, `${a.function} on ${type}`);
        const u = Math.min(1, a.rateRps / (a.cores * f.execPerSecPerCore));
        if (u < 1 - 1e-9) below++;
        // Busy b(u) = u + 0.5 (1 - u) of the time; energy W x (0.7 + 0.3 / u) per execution.
        const capacity = (a.cores * f.execPerSecPerCore * u) / (u + 0.5 * (1 - u));
        const served = Math.min(a.rateRps, capacity);
        expected += served * D * f.energyPerExecJ * (0.7 + 0.3 / u);
        capacityOk.set(a.function, capacity >= 0.98 * a.rateRps - 1e-9);
      }
      const at = `${cell.mix} ${cell.policy} ${cell.load}`;
      // A function behind its rate serves its capacity every second (its queue never empties).
      assert.ok(Math.abs(r.energyJ - expected) / expected < 0.001, `${at}: ${r.energyJ} vs ${expected}`);
      // The planner prices each placement on the same curve (placement/problem.ts, energyPerExecAt):
      // plan and truth on the same figures, so energy = Σ idle + Σ W·R of the plan here too.
      const planned = (idleW + o.plan.predictedPowerW) * D;
      assert.ok(Math.abs(r.energyJ - planned) / planned < 0.001, `${at}: ${r.energyJ} vs the plan's ${planned}`);
      for (const f of r.functions) {
        assert.equal(capacityOk.get(f.name), true, `${at} ${f.name}: capacity at u covers the rate`);
        assert.equal(f.metRate, true, `${at} ${f.name}`);
      }
    }
    assert.ok(below > 10, `placements below saturation: ${below}`);
  });
});
