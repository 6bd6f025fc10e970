// bin/isawatt.cjs picks the newest build that is still current: the bundle, else tsc's dist/, else
// the sources. Run here on a copy of the launcher in a temp package tree whose "bundle" and "dist"
// only say which one ran, so the rule is checked without touching the repository's own build: a
// bundle is stale when a source it was built from is newer, and when a package it inlined is now
// installed at another version (npm gives installed files a fixed modification time, so the
// version is the only sign of an upgrade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const LAUNCHER = join(REPO_ROOT, 'packages/coordinator/bin/isawatt.cjs');

/** A package tree: src/cli/index.ts, a bundle inlining node_modules/inlined@1.0.0, a dist/. */
function makeTree(dir: string): { pkg: string; run: () => string; touch: (rel: string, whenS: number) => void } {
  const pkg = join(dir, 'packages/coordinator');
  const file = (rel: string, text: string): void => {
    mkdirSync(join(pkg, rel, '..'), { recursive: true });
    writeFileSync(join(pkg, rel), text);
  };
  file('src/cli/index.ts', '// the sources (tsx is not reached in this test)\n');
  file('src/cli/entry.ts', '// entry\n');
  file('dist/cli/entry.js', "process.stdout.write('dist');\n");
  file('dist/.tsbuildinfo', '{}');
  file('dist/bundle/isawatt.cjs', "process.stdout.write('bundle');\n");
  file('dist/bundle/isawatt-help.cjs', "process.stdout.write('help bundle');\n");
  file('node_modules/inlined/package.json', JSON.stringify({ name: 'inlined', version: '1.0.0' }));
  file(
    'dist/bundle/manifest.json',
    JSON.stringify({ commands: ['plan'], inputs: ['src/cli/index.ts'], packages: { 'node_modules/inlined/package.json': '1.0.0' } }),
  );
  mkdirSync(join(pkg, 'bin'));
  copyFileSync(LAUNCHER, join(pkg, 'bin/isawatt.cjs'));
  const touch = (rel: string, whenS: number): void => utimesSync(join(pkg, rel), whenS, whenS);
  // Sources older than both builds.
  touch('src/cli/index.ts', 1_000);
  touch('src/cli/entry.ts', 1_000);
  const run = (): string => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin/isawatt.cjs'), 'plan'], {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: 'off', NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  return { pkg, run, touch };
}

test('the launcher runs the bundle while it is current, dist/ once a source is newer', async (t) => {
  const { run, touch } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  assert.equal(run(), 'bundle');
  touch('dist/bundle/isawatt.cjs', 500); // the bundle now predates the sources
  assert.equal(run(), 'dist');
});

test('the launcher does not run a bundle whose inlined package was upgraded since', async (t) => {
  const dir = await tempDir(t, 'isawatt-launcher-');
  const { pkg, run } = makeTree(dir);
  assert.equal(run(), 'bundle');
  // What `npm install inlined@1.1.0` leaves: same fixed modification time, another version.
  const manifestFile = join(pkg, 'node_modules/inlined/package.json');
  writeFileSync(manifestFile, JSON.stringify({ name: 'inlined', version: '1.1.0' }));
  utimesSync(manifestFile, 499_162_860, 499_162_860); // 1985-10-26, npm's timestamp for packed files
  assert.equal(run(), 'dist');
});

test("the bundle's import() of an ES module works with and without its code cache", async (t) => {
  const { pkg } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  // What scripts/bundle-cli.mjs makes of `await import('minizinc')`: a call of the launcher's importer.
  writeFileSync(join(pkg, 'dist/bundle/esm-only.mjs'), "export const name = 'esm';\n");
  writeFileSync(join(pkg, 'dist/bundle/isawatt.cjs'), "__isawattImport('./esm-only.mjs').then((m) => process.stdout.write(`bundle ${m.name}`));\n");
  const run = (): string => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin/isawatt.cjs'), 'plan'], {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: '', NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  assert.equal(run(), 'bundle esm'); // compiles, then writes dist/bundle/isawatt.cjs.plan.cache
  assert.equal(run(), 'bundle esm'); // from the code cache
});
