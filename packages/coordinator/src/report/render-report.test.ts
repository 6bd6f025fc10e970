// The report is one self-contained HTML file: no script, nothing fetched from the network, one
// ECharts SVG per chart with drawn series marks, every table with a CSV link, labels kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleModelsWithSpread, fixtureRecords } from './fixture-records.test-support.js';
import { renderReport } from './render-report.js';
import { toCsv } from './tables.js';

test('the report is self-contained: no script, no external resource', () => {
  const html = renderReport(fixtureRecords(), { models: exampleModelsWithSpread(), generatedAt: '2026-12-06T00:00:00Z' });
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link /i);
  // The only URLs are SVG namespaces.
  const urls = [...html.matchAll(/(?:src|href)="(https?:[^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(urls, []);
});

test('every chart is an SVG with drawn series marks, and each section has its chart', () => {
  const html = renderReport(fixtureRecords(), { models: exampleModelsWithSpread() });
  const charts = [...html.matchAll(/<div class="chart" data-chart="([^"]*)">([\s\S]*?)<\/div>/g)];
  // energy, saving, predicted vs measured, 12 power charts, model ratios, rates, latency, cores
  assert.equal(charts.length, 3 + 12 + 1 + 3);
  for (const [, title, svg] of charts) {
    assert.match(svg ?? '', /^<svg /, `chart ${title} is not an SVG`);
    assert.match(svg ?? '', /ecmeta_series_index="\d+"/, `chart ${title} has no series marks`);
  }
  for (const id of ['energy', 'saving', 'predicted', 'power', 'models', 'rates']) assert.match(html, new RegExp(`<section id="${id}">`));
});

test('the figures and labels reach the page: saving vs rr, emulated banner, ARM count, missed function', () => {
  const html = renderReport(fixtureRecords(), { models: exampleModelsWithSpread() });
  assert.match(html, /<b>EMULATED<\/b>/);
  // energy-aware saves 12 % against rr in the fixture (0.88 factor).
  assert.match(html, /12\.000/);
  assert.match(html, /functions are better on ARM in performance or energy/);
  assert.match(html, /dropped at a full queue/);
  assert.match(html, /pdu:outlet-3/);
});

test('CSV quotes fields with commas and quotes', () => {
  assert.equal(
    toCsv({
      id: 't',
      title: 't',
      head: ['a', 'b'],
      rows: [
        ['x,y', 'say "hi"'],
        [1.5, undefined],
      ],
    }),
    'a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n',
  );
});

test('strings from records are escaped', () => {
  const [r] = fixtureRecords();
  assert.ok(r);
  const html = renderReport([{ ...r, policy: '<img src=x onerror=alert(1)>' }]);
  assert.doesNotMatch(html, /<img src=x/);
});

test('no records is an error', () => {
  assert.throws(() => renderReport([]), /no run records/);
});
