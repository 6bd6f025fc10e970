// The report in a real browser: Debian's chromium, headless, loads the file from disk with no
// console error, no page error and no network request, and every chart has drawn series marks
// (ECharts' SSR output tags series elements with ecmeta_series_index) with a visible size.
// Skipped, with the reason, where /usr/bin/chromium is absent (scripts/system-packages.txt).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { exampleModelsWithSpread, fixtureRecords } from '../../packages/coordinator/src/report/fixture-records.test-support.js';
import { renderReport } from '../../packages/coordinator/src/report/render-report.js';

const CHROMIUM = process.env.ISAWATT_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install chromium, or set ISAWATT_CHROMIUM)`;

test('the report opens in headless chromium with no error and every chart drawn', { skip, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-report-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright starts chromium with a fresh temporary --user-data-dir of its own (it refuses one in args).
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const file = join(dir, 'report.html');
    await writeFile(file, renderReport(fixtureRecords(), { models: exampleModelsWithSpread() }));
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Evaluated in the page (as source text: this test is compiled without the DOM's types).
    const charts = await page.evaluate<
      { title: string; marks: number; width: number; height: number }[]
    >(`[...document.querySelectorAll('div.chart')].map((d) => {
      const marks = [...d.querySelectorAll('svg [ecmeta_series_index]')].filter((el) => {
        const b = el.getBBox();
        return b.width > 0 || b.height > 0;
      });
      const box = d.querySelector('svg')?.getBoundingClientRect();
      return { title: d.getAttribute('data-chart') ?? '', marks: marks.length, width: box?.width ?? 0, height: box?.height ?? 0 };
    })`);
    assert.deepEqual(errors, [], 'console or page errors');
    assert.deepEqual(requests, [], 'network requests');
    assert.equal(charts.length, 19);
    for (const c of charts) {
      assert.ok(c.marks > 0, `chart "${c.title}" has no drawn marks`);
      assert.ok(c.width > 100 && c.height > 100, `chart "${c.title}" is ${c.width}x${c.height}`);
    }
    // Tables and their CSV links are there.
    assert.ok((await page.$$('details.table a[download]')).length >= 6);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
