// Replica sizing (replicas.ts): a function is split by the cores the planner will give it, so that
// every replica fits the bound on every host type — with open-loop figures and headroom, the cores
// the planner asks for are more than the saturated figures say.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildProblem } from '../placement/problem.js';
import type { HostSpec, Models } from '../workload/types.js';
import { baseName, replicate } from './replicas.js';

const hosts: HostSpec[] = [
  { id: 'x', type: 'xeon', arch: 'x86_64', cores: 10 },
  { id: 'a', type: 'altra', arch: 'aarch64', cores: 10 },
];

/** 10 executions/s per core saturated on both types; open loop at 0.85: 5 per busy core-second on the Altra. */
function models(withOpenLoop: boolean): Models {
  const fn = (openLoopExec: number) => ({
    execPerSecPerCore: 10,
    energyPerExecJ: 1,
    ...(withOpenLoop ? { openLoop: { utilisation: 0.85, execPerSecPerCore: openLoopExec, energyPerExecJ: 1.2 } } : {}),
  });
  return {
    source: 'replicas test',
    hostTypes: {
      xeon: { arch: 'x86_64', functions: { f: fn(8) } },
      altra: { arch: 'aarch64', functions: { f: fn(5) } },
    },
    categories: { f: 'crypto' },
  };
}

/** The most cores the planner gives any replica on any host. */
const maxCores = (r: ReturnType<typeof replicate>, headroom: number): number => {
  const p = buildProblem(hosts, r.models, r.demands, { headroom });
  return Math.max(...p.cores.flat().map((c) => c ?? 0));
};

describe('replicate', () => {
  test('saturated figures only: 80 executions/s need 8 cores, which fit a 10-core bound whole', () => {
    const m = models(false);
    const r = replicate([{ name: 'f', rateRps: 80 }], hosts, m, 10);
    assert.equal(r.split, 0);
    assert.deepEqual(r.demands, [{ name: 'f', rateRps: 80 }]);
    assert.equal(maxCores(r, 0), 8);
  });

  test('open-loop figures: the same rate needs 16 Altra cores, so two replicas of 40/s, each within the bound', () => {
    const m = models(true);
    const r = replicate([{ name: 'f', rateRps: 80 }], hosts, m, 10);
    assert.equal(r.split, 1);
    assert.deepEqual(
      r.demands.map((d) => [d.name, d.rateRps]),
      [
        ['f#1', 40],
        ['f#2', 40],
      ],
    );
    assert.ok(r.demands.every((d) => baseName(d.name) === 'f'));
    assert.equal(maxCores(r, 0), 8);
  });

  test('saturated figures chosen: sized on the saturated capacity even when open-loop figures exist', () => {
    const m = models(true);
    const r = replicate([{ name: 'f', rateRps: 80 }], hosts, m, 10, { figures: 'saturated' });
    assert.equal(r.split, 0);
  });

  test('headroom counts: 80/s with 30 % headroom on saturated figures needs 11 cores, so it is split', () => {
    const m = models(false);
    const r = replicate([{ name: 'f', rateRps: 80 }], hosts, m, 10, { headroom: 0.3 });
    assert.equal(r.demands.length, 2);
    assert.ok(maxCores(r, 0.3) <= 10);
  });
});
