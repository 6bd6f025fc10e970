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
