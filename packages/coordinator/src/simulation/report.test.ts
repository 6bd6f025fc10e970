// The simulation report in a real browser: Debian's headless chromium loads the file from disk
// with no console error, and every chart is an SVG with drawn marks (bars, lines). Skipped, with
// the reason, where chromium is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadModelsFile } from '../workload/parse.js';
import { CellRunner, type CellOutcome } from './cells.js';
import { loadClusterFile } from './cluster.js';
import { buildCells, savingsVsRr } from './matrix.js';
import { renderSimulationReport } from './report.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../');
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

test(
  'report: opens in headless chromium with no console error; every chart has drawn marks',
  { skip: chromium ? false : 'chromium is not installed (apt-get install chromium)' },
  async () => {
    const models = loadModelsFile(resolve(root, 'examples/models-simulation.yaml'));
    const cluster = loadClusterFile(resolve(root, 'examples/cluster-paper-pair.yaml'));
    const runner = new CellRunner({
      models,
      truth: { seed: 1, useSpread: true, modelErrorCv: 0 },
      interference: { kind: 'none' },
      engine: { durationS: 20, seed: 1, arrivals: 'poisson', queueLimitS: 10, seriesLimit: 1000 },
      rateTolerance: 0.02,
      planOptions: { solver: 'fast', timeLimitMs: 5000 },
      simulationId: 'sim-report-test',
      startedAt: '2026-12-06T00:00:00Z',
      inputs: {},
    });
    const outcomes: CellOutcome[] = [];
    for (const c of buildCells({ cluster, mixes: ['general', 'media-dominated'], policies: ['rr', 'energy-aware', 'energy-aware-whole'], loads: [0.3, 0.6] }))
      outcomes.push(await runner.run(c));
    const html = renderSimulationReport({ title: 'test <report>', about: ['a & b'], outcomes, savings: savingsVsRr(outcomes) });
    const dir = mkdtempSync(join(tmpdir(), 'isawatt-sim-report-'));
    try {
      const file = join(dir, 'report.html');
      writeFileSync(file, html);
      const r = spawnSync(
        chromium as string,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--enable-logging=stderr',
          '--v=0',
          '--dump-dom',
          pathToFileURL(file).href,
        ],
        { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 },
      );
      assert.equal(r.status, 0, `chromium exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-2000)}`);
      const consoleLines = r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|ERROR:.*(file:|report\.html)/.test(l));
      assert.deepEqual(consoleLines, [], 'no console message from the page');
      const dom = r.stdout;
      assert.match(dom, /<title>test &lt;report&gt;<\/title>/);
      assert.match(dom, /SIMULATED/);
      // The simulation's section: energy and saving bars per load (2 x 2) and the load curve per mix (2).
      const ours = dom.split('data-chart="simulation chart').slice(1);
      assert.equal(ours.length, 6, `${ours.length} simulation charts`);
      for (const c of ours) assert.ok((c.split('</svg>')[0]?.match(/<path /g) ?? []).length > 10, 'a simulation chart with drawn marks');
      const svgs = dom.split('<svg').slice(1);
      assert.ok(svgs.length > 6, `${svgs.length} charts in all`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
