import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@isawatt/common';
import { parseModels } from './parse.js';

const figure = { median: 100, min: 90, max: 120, cv: 0.1, perBag: [90, 100, 120] };

function modelsWith(fn: Record<string, unknown>): unknown {
  return {
    source: 'test',
    provenance: { createdAt: '2026-12-06T00:00:00Z', campaign: { bags: 20, bagSize: 8 } },
    hostTypes: { 'xeon-gold-5318y': { arch: 'x86_64', functions: { 'jwt-node': fn } } },
  };
}

test('models: a function model with its spread across bags is read back unchanged', () => {
  const spread = { bags: 3, execPerSecPerCore: figure, energyPerExecJ: { median: 0.01, min: 0.009, max: 0.012, cv: 0.05 } };
  const m = parseModels(modelsWith({ execPerSecPerCore: 100, energyPerExecJ: 0.01, spread }));
  assert.deepEqual(m.hostTypes['xeon-gold-5318y']?.functions['jwt-node']?.spread, spread);
  assert.equal((m.provenance?.campaign as { bags: number }).bags, 20);
});

test('models: open-loop figures are read back unchanged, and a file without them still loads', () => {
  const openLoop = { utilisation: 0.7, execPerSecPerCore: 80, energyPerExecJ: 0.0125, samples: 3 };
  const m = parseModels(modelsWith({ execPerSecPerCore: 100, energyPerExecJ: 0.01, openLoop }));
  assert.deepEqual(m.hostTypes['xeon-gold-5318y']?.functions['jwt-node']?.openLoop, openLoop);
  const old = parseModels(modelsWith({ execPerSecPerCore: 100, energyPerExecJ: 0.01 }));
  assert.equal(old.hostTypes['xeon-gold-5318y']?.functions['jwt-node']?.openLoop, undefined);
});

test('models: open-loop figures with a utilisation outside (0, 1] or a bad figure are rejected, naming the field', () => {
  for (const [bad, field, words] of [
    [{ utilisation: 0, execPerSecPerCore: 80, energyPerExecJ: 0.01 }, 'utilisation', '> 0'],
    [{ utilisation: 1.5, execPerSecPerCore: 80, energyPerExecJ: 0.01 }, 'utilisation', '<= 1'],
    [{ utilisation: 0.7, execPerSecPerCore: 80, energyPerExecJ: 1.7e308 }, 'energyPerExecJ', 'physical bound'],
    [{ utilisation: 0.7, execPerSecPerCore: 80 }, 'energyPerExecJ', ''],
  ] as const) {
    assert.throws(
      () => parseModels(modelsWith({ execPerSecPerCore: 100, energyPerExecJ: 0.01, openLoop: bad }), 'm.yaml'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => i.startsWith(`m.yaml.hostTypes.xeon-gold-5318y.functions.jwt-node.openLoop.${field}`) && i.includes(words)),
      field,
    );
  }
});

test('models: a spread whose median lies outside [min, max] is rejected, naming the field', () => {
  const bad = { bags: 2, execPerSecPerCore: { ...figure, median: 200 }, energyPerExecJ: figure };
  assert.throws(
    () => parseModels(modelsWith({ execPerSecPerCore: 100, energyPerExecJ: 0.01, spread: bad }), 'm.yaml'),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.some((i) => i.startsWith('m.yaml.hostTypes.xeon-gold-5318y.functions.jwt-node.spread.execPerSecPerCore') && i.includes('min <= median <= max')),
  );
});

test('models: figures outside physical bounds are rejected (1.7e308 J once gave an Infinity W objective)', () => {
  for (const [fn, field] of [
    [{ execPerSecPerCore: 100, energyPerExecJ: 1.7e308 }, 'energyPerExecJ'],
    [{ execPerSecPerCore: 1e300, energyPerExecJ: 0.01 }, 'execPerSecPerCore'],
    [{ execPerSecPerCore: 1e-300, energyPerExecJ: 0.01 }, 'execPerSecPerCore'],
  ] as const) {
    assert.throws(
      () => parseModels(modelsWith(fn), 'm.yaml'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => i.startsWith(`m.yaml.hostTypes.xeon-gold-5318y.functions.jwt-node.${field}`) && /expected at (most|least)/.test(i)),
      field,
    );
  }
});
