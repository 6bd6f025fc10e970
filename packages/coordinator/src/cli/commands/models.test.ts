// `isawatt models show`: the x86/ARM table on a fixture, its JSON, the count of functions better on
// ARM, and bad input (no ARM type, unknown --x86 type, malformed file) as exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT } from '@isawatt/common';
import { runCli } from '../index.js';

const fixture = fileURLToPath(new URL('./testdata/profiled-models.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'isawatt-models-show-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', 'models', 'show', ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    stdoutIsTty: false,
  });
  return { out, err, code };
}

test('table: sorted by category, ratios with their ranges, the count', async () => {
  const { out, code } = await run([fixture]);
  assert.equal(code, EXIT.OK);
  const rows = out.split('\n').filter((l) => l.startsWith('│') && !l.includes('category'));
  assert.deepEqual(
    rows.map((r) => r.split('│')[2]?.trim()),
    ['arm-wins', 'fast-on-x86', 'energy-only'],
  );
  // fast-on-x86: 300/100 = 3.00, range 280/110 .. 320/90; energy 0.01/0.02 = 0.50.
  assert.match(out, /fast-on-x86 +│ +3\.00 \(2\.55-3\.56\) │ +17 % │ +0\.50 \(0\.41-0\.61\) │/);
  assert.match(out, /arm-wins +│ +0\.50 │ +- │ +5\.00 │ +- │ perf \+ energy +│ EMULATED/);
  assert.match(out, /energy-only .* energy +│ MEASURED/);
  assert.match(out, /2 of 3 functions better on ARM in performance or energy; better on x86 in both: fast-on-x86/);
  assert.match(out, /only on x86: x86-only/);
});

test('--json gives the data the report charts need', async () => {
  const { out, code } = await run([fixture, '--json']);
  assert.equal(code, EXIT.OK);
  const c = JSON.parse(out) as {
    x86Type: string;
    armType: string;
    total: number;
    betterOnArmInPerformanceOrEnergy: number;
    functions: { function: string; performance: { ratio: number }; energy: { ratio: number }; betterOnArm: { performance: boolean; energy: boolean } }[];
  };
  assert.equal(c.x86Type, 'x86');
  assert.equal(c.armType, 'arm');
  assert.equal(c.total, 3);
  assert.equal(c.betterOnArmInPerformanceOrEnergy, 2);
  const e = c.functions.find((f) => f.function === 'energy-only');
  assert.deepEqual(e?.betterOnArm, { performance: false, energy: true });
  assert.equal(e?.performance.ratio, 2);
});

test('bad input: exit 2 naming the problem', async () => {
  const noArm = join(dir, 'no-arm.yaml');
  writeFileSync(noArm, 'hostTypes:\n  x: { arch: x86_64, functions: { f: { execPerSecPerCore: 1, energyPerExecJ: 1 } } }\n');
  let r = await run([noArm]);
  assert.equal(r.code, EXIT.BAD_INPUT);
  assert.match(r.err, /no aarch64 host type/);
  r = await run([fixture, '--x86', 'arm']);
  assert.equal(r.code, EXIT.BAD_INPUT);
  assert.match(r.err, /host type "arm" is aarch64, not x86_64/);
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'hostTypes:\n  x: { arch: sparc, functions: {} }\n');
  r = await run([broken]);
  assert.equal(r.code, EXIT.BAD_INPUT);
  assert.match(r.err, /arch/);
});
