// The workload issue's acceptance, as an operator would check it: `isawatt-agent run <function>
// --saturate --duration 3` succeeds with zero errors for each of the 22 workload functions. Runs the
// real agent CLI (a separate process: its own cgroups, pinned worker, seeded input, energy figures)
// one function at a time, so the functions do not compete for this machine's two CPUs.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const agentBin = join(root, 'packages/agent/bin/isawatt-agent.mjs');

// The workload: every catalogue folder except the harnesses' own test functions.
const workload = readdirSync(join(root, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('test') && d.name !== 'node_modules')
  .map((d) => d.name)
  .filter((name) => readdirSync(join(root, 'functions', name)).includes('function.yaml'))
  .sort();

interface RunReport {
  function: string;
  completed: number;
  errors: number;
  timeouts: number;
  dropped: number;
  workerRestarts: number;
  energy: { quality: string } | null;
}

test("the workload has the seed's 22 functions", () => {
  assert.equal(workload.length, 22, workload.join(', '));
});

for (const name of workload) {
  test(`isawatt-agent run ${name} --saturate --duration 3: zero errors`, { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [agentBin, 'run', name, '--saturate', '--duration', '3', '--json'], {
      cwd: root,
      maxBuffer: 16 * 2 ** 20,
    });
    const report = JSON.parse(stdout) as RunReport;
    assert.equal(report.function, name);
    assert.ok(report.completed > 0, `${name}: no invocation completed`);
    assert.equal(report.errors, 0, `${name}: ${report.errors} errors`);
    assert.equal(report.timeouts, 0, `${name}: ${report.timeouts} timeouts`);
    assert.equal(report.workerRestarts, 0, `${name}: worker restarted`);
    // No sensor on CI machines: the energy figure must say it is estimated, never pass as measured.
    if (report.energy) assert.notEqual(report.energy.quality, '', `${name}: energy without a quality label`);
  });
}
