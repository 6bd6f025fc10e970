// The seed's mix rule: category shares (25 % each, or 80 % / the rest 20 %), expected cores
// balanced within a category, rates = cores x core-weighted mean throughput.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@isawatt/common';
import { categoryShares, deriveMixRates } from './mixes.js';
import { parseModels, parseWorkload } from './parse.js';
import type { HostSpec } from './types.js';

const models = parseModels({
  hostTypes: {
    x: {
      arch: 'x86_64',
      functions: {
        c1: { execPerSecPerCore: 10, energyPerExecJ: 1 },
        c2: { execPerSecPerCore: 20, energyPerExecJ: 1 },
        w1: { execPerSecPerCore: 4, energyPerExecJ: 1 },
      },
    },
    a: {
      arch: 'aarch64',
      functions: {
        c1: { execPerSecPerCore: 4, energyPerExecJ: 1 },
        c2: { execPerSecPerCore: 8, energyPerExecJ: 1 },
        w1: { execPerSecPerCore: 1, energyPerExecJ: 1 },
      },
    },
  },
  categories: { c1: 'crypto', c2: 'crypto', w1: 'web' },
});
const hosts: HostSpec[] = [
  { id: 'hx', type: 'x', arch: 'x86_64', cores: 10 },
  { id: 'ha', type: 'a', arch: 'aarch64', cores: 30 },
];

test('category shares', () => {
  assert.deepEqual([...categoryShares('general', ['crypto', 'media', 'scientific', 'web']).values()], [0.25, 0.25, 0.25, 0.25]);
  const d = categoryShares('web-dominated', ['crypto', 'media', 'scientific', 'web']);
  assert.equal(d.get('web'), 0.8);
  assert.ok(Math.abs((d.get('crypto') ?? 0) - 0.2 / 3) < 1e-12);
  assert.throws(() => categoryShares('media-dominated', ['crypto', 'web']), ConfigError);
});

test('general mix: half the load to each present category, balanced within, rate = cores x mean E', () => {
  // 40 cores x load 0.5 = 20 cores; crypto 10 (5 per function), web 10.
  // mean E (weighted by cores): c1 = (10*10 + 30*4)/40 = 5.5, c2 = 11, w1 = (40 + 30)/40 = 1.75.
  const r = deriveMixRates('general', 0.5, undefined, hosts, models);
  assert.deepEqual(r, [
    { name: 'c1', rateRps: 27.5 },
    { name: 'c2', rateRps: 55 },
    { name: 'w1', rateRps: 17.5 },
  ]);
});

test('dominated mix and an explicit function list', () => {
  const r = deriveMixRates('crypto-dominated', 1, ['c1', 'w1'], hosts, models);
  // 40 cores: crypto 32 (c1 alone), web 8.
  assert.deepEqual(r, [
    { name: 'c1', rateRps: 176 },
    { name: 'w1', rateRps: 14 },
  ]);
});

test('functions without a category or model are listed', () => {
  assert.throws(
    () => deriveMixRates('general', 1, ['c1', 'nope'], hosts, models),
    (e: unknown) => e instanceof ConfigError && e.issues.some((i) => i.includes('"nope"')),
  );
});

test('workload parsing: both forms, every problem listed', () => {
  assert.deepEqual(parseWorkload({ mix: 'general', load: 0.8 }), { kind: 'mix', mix: 'general', load: 0.8, functions: undefined });
  assert.throws(
    () => parseWorkload({ functions: [{ name: 'a', rate: 0 }, { name: 'b', rate: -1 }, { name: 'c' }] }, 'w.yaml'),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.length === 3 &&
      e.issues[0] === 'w.yaml.functions.0.rate: rate must be > 0 requests/s' &&
      e.issues[2]?.startsWith('w.yaml.functions.2.rate:') === true,
  );
  assert.throws(
    () =>
      parseWorkload({
        functions: [
          { name: 'a', rate: 1 },
          { name: 'a', rate: 2 },
        ],
      }),
    /listed twice/,
  );
  assert.throws(() => parseWorkload({ mix: 'general', load: 0 }), /load must be > 0/);
});
