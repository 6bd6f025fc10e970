// Aggregation of bag results: median / min / max / CV per (host type, function), idle power per
// host, the weakest quality label, and samples that say nothing left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, coefficientOfVariation, median, whyNoFigure, type BagSample } from './aggregate.js';

const s = (bag: number, fn: string, e: number, w: number, q: BagSample['quality'] = 'emulated', completed = 100): BagSample => ({
  bag,
  hostId: 'h1',
  hostType: 'x',
  function: fn,
  execPerSecPerCore: e,
  energyPerExecJ: w,
  completed,
  quality: q,
});

test('median, CV: hand-checked values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  // mean 2, sample std 1 -> CV 0.5
  assert.equal(coefficientOfVariation([1, 2, 3]), 0.5);
  assert.equal(coefficientOfVariation([7]), 0);
});

test('per function: median is the model figure, with min, max, CV, bags and per-bag values', () => {
  const out = aggregate([s(0, 'a', 100, 0.01), s(1, 'a', 110, 0.012, 'measured'), s(2, 'a', 90, 0.011), s(0, 'b', 50, 0.2)], []);
  const a = out.x?.functions.a;
  assert.ok(a);
  assert.equal(a.execPerSecPerCore, 100);
  assert.equal(a.energyPerExecJ, 0.011);
  assert.deepEqual(a.spread.execPerSecPerCore, { median: 100, min: 90, max: 110, cv: 0.1, perBag: [100, 110, 90] });
  assert.equal(a.spread.energyPerExecJ.min, 0.01);
  assert.equal(a.spread.energyPerExecJ.max, 0.012);
  assert.equal(a.spread.energyPerExecJ.cv, 0.09091); // std 0.001 / mean 0.011, 4 significant digits
  assert.equal(a.spread.bags, 3);
  // One EMULATED bag makes the figure emulated.
  assert.equal(a.quality, 'emulated');
  assert.equal(out.x?.functions.b?.spread.execPerSecPerCore.cv, 0);
});

test('bags where a function completed nothing (or got no energy) are left out', () => {
  const out = aggregate([s(0, 'a', 100, 0.01), s(1, 'a', 0, 0, 'emulated', 0), s(2, 'a', 120, 0)], []);
  assert.equal(out.x?.functions.a?.spread.bags, 1);
  assert.equal(aggregate([s(0, 'z', 0, 0, 'emulated', 0)], []).x?.functions.z, undefined);
});

test('idle power: median per host, then median over the hosts of a type', () => {
  const out = aggregate(
    [],
    [
      { hostId: 'h1', hostType: 'x', idlePowerW: 70, quality: 'emulated' },
      { hostId: 'h1', hostType: 'x', idlePowerW: 72, quality: 'emulated' },
      { hostId: 'h2', hostType: 'x', idlePowerW: 80, quality: 'emulated' },
      { hostId: 'h3', hostType: 'y', idlePowerW: 0, quality: 'emulated' },
    ],
  );
  assert.deepEqual(out.x?.idlePowerByHostW, { h1: 71, h2: 80 });
  assert.equal(out.x?.idlePowerW, 75.5);
  assert.equal(out.y?.idlePowerW, undefined);
});

test('whyNoFigure: says what the bags gave when a function has no figure on a host type', () => {
  const s = (bag: number, completed: number, energyPerExecJ: number): BagSample => ({
    bag,
    hostId: 'a',
    hostType: 'arm',
    function: 'zip-node',
    execPerSecPerCore: completed > 0 ? 1 : 0,
    energyPerExecJ,
    completed,
    quality: 'emulated',
  });
  const samples = [s(0, 5, 0), s(1, 0, 0), s(2, 3, 0)];
  assert.deepEqual(aggregate(samples, []).arm?.functions, {});
  assert.equal(whyNoFigure(samples, 'arm', 'zip-node'), '3 bags: no completed execution in 1, no attributed dynamic energy in 2');
  assert.equal(whyNoFigure(samples, 'x86', 'zip-node'), 'no bag result names it');
});

// The quiet small campaign's html-node (bench/results/profile-campaign-models.yaml, executions/s
// per core per bag, in bag order; each bag ran on both types at once): its second bag ran about
// 1.4x the other two on BOTH types. Plain per-type medians pair the Xeon's third bag with the
// Altra's first, 30.6 / 35.8 = 0.855 (truth 0.95, -10 %); the bags' own ratios are 0.827, 0.958
// and 0.947.
const htmlNode = [
  { bag: 1, x: 29.6, a: 35.8 },
  { bag: 4, x: 46.1, a: 48.1 },
  { bag: 5, x: 30.6, a: 32.3 },
];
const pair = (bag: number, hostType: string, e: number, w: number): BagSample => ({
  bag,
  hostId: `h-${hostType}`,
  hostType,
  function: 'html-node',
  execPerSecPerCore: e,
  energyPerExecJ: w,
  completed: 100,
  quality: 'emulated',
});

test('bag-paired figures: the models ratio is the median of the bags own ratios, not of each type median', () => {
  // Energy per execution moves inversely (the same CPU cost per execution on both types).
  const samples = htmlNode.flatMap((b) => [pair(b.bag, 'xeon', b.x, 3 / b.x), pair(b.bag, 'altra', b.a, 1.5 / b.a)]);
  const out = aggregate(samples, []);
  const x = out.xeon?.functions['html-node'];
  const a = out.altra?.functions['html-node'];
  assert.ok(x && a);
  assert.ok(Math.abs(x.execPerSecPerCore / a.execPerSecPerCore - 30.6 / 32.3) < 1e-4, `perf ratio ${x.execPerSecPerCore / a.execPerSecPerCore}`);
  assert.ok(Math.abs(x.energyPerExecJ / a.energyPerExecJ - 3 / 30.6 / (1.5 / 32.3)) < 1e-4, `energy ratio ${x.energyPerExecJ / a.energyPerExecJ}`);
  // Each type's figure stays on its own scale: within its bags' range, and spread is its own bags'.
  assert.ok(x.execPerSecPerCore >= 29.6 && x.execPerSecPerCore <= 46.1);
  assert.deepEqual(x.spread.execPerSecPerCore.perBag, [29.6, 46.1, 30.6]);
  assert.equal(x.spread.execPerSecPerCore.median, 30.6);
});

test('bag-paired figures: plain medians with one host type or fewer than two bags on every type', () => {
  const oneType = aggregate(
    htmlNode.map((b) => pair(b.bag, 'xeon', b.x, 1)),
    [],
  );
  assert.equal(oneType.xeon?.functions['html-node']?.execPerSecPerCore, 30.6);
  // Two of the bags failed on the Altra: one bag on both types is not enough to pair.
  const out = aggregate([...htmlNode.map((b) => pair(b.bag, 'xeon', b.x, 1)), pair(1, 'altra', 32.3, 1), pair(9, 'altra', 40, 1)], []);
  assert.equal(out.xeon?.functions['html-node']?.execPerSecPerCore, 30.6);
  assert.equal(out.altra?.functions['html-node']?.execPerSecPerCore, 36.15);
});
