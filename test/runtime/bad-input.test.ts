// Acceptance: an unknown function, a bad core list, a broken function.yaml, an oversized input,
// a missing runtime and a function that cannot start each give a clear error and leave running
// functions untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionsDir, makeRuntime, repoRoot, skipReason, buildTestFunctions } from './helpers.js';

function catalogueDir(t: { after: (fn: () => void) => void }): string {
  buildTestFunctions();
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-badinput-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755); // workers run as nobody: the catalogue must be readable
  cpSync(join(functionsDir, 'test-native'), join(dir, 'test-native'), { recursive: true });
  const fn = (name: string, yaml: string, files: Record<string, string> = {}): void => {
    mkdirSync(join(dir, name));
    chmodSync(join(dir, name), 0o755);
    writeFileSync(join(dir, name, 'function.yaml'), yaml);
    for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, name, f), c, { mode: 0o644 });
  };
  // The native test function again, with a tiny output limit.
  cpSync(join(functionsDir, 'test-native'), join(dir, 'tiny-output'), { recursive: true });
  writeFileSync(
    join(dir, 'tiny-output', 'function.yaml'),
    'name: tiny-output\nversion: 1.0.0\ncategory: test\nruntime: native\nentry: build/test-native\ntimeoutMs: 1000\nmemoryLimitMb: 64\nmaxOutputBytes: 100\n',
  );
  fn('broken', 'name: broken\nversion: 1.0.0\ncategory: test\nruntime: cobol\nentry: x\ntimeoutMs: 10\n');
  fn('no-java', 'name: no-java\nversion: 1.0.0\ncategory: test\nruntime: java\nentry: Missing\ntimeoutMs: 100\nmemoryLimitMb: 64\n');
  fn('dies-at-load', 'name: dies-at-load\nversion: 1.0.0\ncategory: test\nruntime: node\nentry: index.mjs\ntimeoutMs: 100\nmemoryLimitMb: 64\n', {
    'index.mjs': "throw new Error('cannot initialise: missing model file');\n",
  });
  return dir;
}

test('bad assignments are refused precisely and change nothing', { skip: skipReason }, async (t) => {
  const dir = catalogueDir(t);
  const { rt } = await makeRuntime(t, { functionsDir: dir, repoRoot });
  const ok = await rt.apply({ version: 1n, functions: [{ function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' }] });
  assert.ok(ok.ok, ok.ok ? '' : ok.error);
  const before = rt.placements();

  const cases: [string, Parameters<typeof rt.apply>[0], string, RegExp][] = [
    ['unknown', { version: 2n, functions: [{ function: 'ghost', cores: 1, rateRps: 0, arrival: 'constant' }] }, 'unknown-function', /unknown function "ghost"/],
    [
      'broken yaml',
      { version: 2n, functions: [{ function: 'broken', cores: 1, rateRps: 0, arrival: 'constant' }] },
      'unknown-function',
      /broken\/function.yaml: runtime: expected one of/,
    ],
    [
      'runtime missing',
      { version: 2n, functions: [{ function: 'no-java', cores: 1, rateRps: 0, arrival: 'constant' }] },
      'runtime-missing',
      /class Missing not built/,
    ],
    [
      'negative cores',
      { version: 2n, functions: [{ function: 'test-native', cores: -1, rateRps: 0, arrival: 'constant' }] },
      'invalid',
      /cores must be a whole number/,
    ],
    [
      'NaN rate',
      { version: 2n, functions: [{ function: 'test-native', cores: 1, rateRps: Number.NaN, arrival: 'constant' }] },
      'invalid',
      /rateRps must be a finite number/,
    ],
    [
      'duplicate',
      {
        version: 2n,
        functions: [
          { function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' },
          { function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' },
        ],
      },
      'invalid',
      /appears twice/,
    ],
    [
      'too many cores',
      { version: 2n, functions: [{ function: 'test-native', cores: 1000, rateRps: 0, arrival: 'constant' }] },
      'not-enough-cores',
      /needs 1000 and this host has \d+/,
    ],
  ];
  for (const [label, assignment, code, message] of cases) {
    const r = await rt.apply(assignment);
    assert.equal(r.ok, false, label);
    if (!r.ok) {
      assert.equal(r.code, code, `${label}: ${r.error}`);
      assert.match(r.error, message, label);
    }
    assert.deepEqual(rt.placements(), before, `${label}: running functions untouched`);
    assert.equal(rt.runningVersion(), 1n);
  }

  const badCpu = await rt.applyPlacement(3n, [{ function: 'test-native', cpus: [4096], load: { kind: 'none' } }]);
  assert.equal(badCpu.ok, false);
  assert.match(!badCpu.ok ? badCpu.error : '', /CPU 4096 is not online/);
  assert.deepEqual(rt.placements(), before);

  // A function whose code fails at load: a precise error (with its stderr), the rest untouched.
  const dies = await rt.apply({
    version: 4n,
    functions: [
      { function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' },
      { function: 'dies-at-load', cores: 1, rateRps: 0, arrival: 'constant' },
    ],
  });
  assert.equal(dies.ok, false);
  assert.match(
    !dies.ok ? dies.error : '',
    /dies-at-load: worker on CPU \d+ failed to start: worker exited with code 3 before it was ready; stderr: .*cannot initialise: missing model file/,
  );
  assert.deepEqual(rt.placements(), before);

  // Oversized input: refused before it reaches a worker.
  const big = await rt.invoke('test-native', JSON.stringify({ op: 'echo', pad: 'x'.repeat(70_000) }));
  assert.equal(big.status, 'too-large');
  assert.match((big as { message: string }).message, /exceeds maxInputBytes 65536 of test-native/);
  const fine = await rt.invoke('test-native', '{"op":"echo"}');
  assert.equal(fine.status, 'ok');
  assert.deepEqual(rt.placements(), before);
  assert.equal((await rt.invoke('ghost', '{}')).status, 'unknown-function');

  // Oversized output: the invocation fails, the worker is killed and replaced.
  const small = await rt.apply({
    version: 5n,
    functions: [
      { function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' },
      { function: 'tiny-output', cores: 1, rateRps: 0, arrival: 'constant' },
    ],
  });
  assert.ok(small.ok, small.ok ? '' : small.error);
  const tinyPid = rt.placements().find((p) => p.function === 'tiny-output')?.workerPids[0];
  const huge = await rt.invoke('tiny-output', JSON.stringify({ op: 'echo', pad: 'y'.repeat(500) }));
  assert.equal(huge.status, 'crash');
  assert.match((huge as { message: string }).message, /output larger than maxOutputBytes \(100\)/);
  assert.equal((await rt.invoke('tiny-output', '{"op":"echo"}')).status, 'ok', 'a replacement worker answers');
  assert.notDeepEqual(rt.placements().find((p) => p.function === 'tiny-output')?.workerPids, [tinyPid]);
  assert.deepEqual(
    rt.placements().find((p) => p.function === 'test-native'),
    before[0],
    'the other function is untouched',
  );

  // The catalogue lists the broken manifest as not runnable, with its problems.
  const info = rt.catalogue().find((c) => c.name === 'broken');
  assert.equal(info?.runnable, false);
  assert.match(info?.unavailableReason ?? '', /runtime: expected one of node, python, java, native, wasm/);
});
