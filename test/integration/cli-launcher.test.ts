// bin/isawatt.cjs picks the newest build that is still current: the command's bundle, else tsc's
// dist/, else the sources. Run here on a copy of the launcher in a temp package tree whose "bundles"
// and "dist" only say which one ran, so the rule is checked without touching the repository's own
// build: a bundle is stale when a source it was built from is newer, and when a package it inlined
// is now installed at another version (npm gives installed files a fixed modification time, so the
// version is the only sign of an upgrade). The sh launcher bin/isawatt (the `isawatt` bin:
// saved --help/--version text while it is current, else the Node launcher) is checked here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY, REPO_ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const LAUNCHER = join(REPO_ROOT, 'packages/coordinator/bin/isawatt.cjs');
const SH_LAUNCHER = join(REPO_ROOT, 'packages/coordinator/bin/isawatt');

/** A package tree: src/cli/index.ts, bundles (plan, help) inlining node_modules/inlined@1.0.0, a dist/. */
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
  file('dist/bundle/isawatt-plan.cjs', "process.stdout.write('bundle');\n");
  file('dist/bundle/isawatt-help.cjs', "process.stdout.write('help bundle');\n");
  file('node_modules/inlined/package.json', JSON.stringify({ name: 'inlined', version: '1.0.0' }));
  file(
    'dist/bundle/manifest.json',
    JSON.stringify({
      commands: ['plan'],
      inputs: { plan: ['src/cli/index.ts'], help: ['src/cli/index.ts'] },
      packages: { 'node_modules/inlined/package.json': '1.0.0' },
    }),
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
  touch('dist/bundle/isawatt-plan.cjs', 500); // the bundle now predates the sources
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

test("the launcher skips reading the inlined packages' versions while nothing was installed since the build", async (t) => {
  const dir = await tempDir(t, 'isawatt-launcher-');
  const { pkg, run, touch } = makeTree(dir);
  // What scripts/bundle-cli.mjs writes: npm's hidden lockfile and the directories holding the inlined packages.
  writeFileSync(join(pkg, 'node_modules/.package-lock.json'), '{}');
  const manifestFile = join(pkg, 'dist/bundle/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, install: { lockfile: 'node_modules/.package-lock.json', dirs: ['node_modules'] } }));
  const upgrade = (version: string): void => {
    const file = join(pkg, 'node_modules/inlined/package.json');
    writeFileSync(file, JSON.stringify({ name: 'inlined', version }));
    utimesSync(file, 499_162_860, 499_162_860); // npm's timestamp for packed files
  };
  const installedAt = (whenS: number): void => {
    touch('node_modules/.package-lock.json', whenS);
    touch('node_modules', whenS);
  };
  const bundleAt = (whenS: number): void => touch('dist/bundle/isawatt-plan.cjs', whenS);
  bundleAt(3_000);
  installedAt(2_000);
  // The version is not read while the install is older than the bundle: an edit in place (which
  // no package manager makes) goes unseen; that is the shortcut this test pins.
  upgrade('1.1.0');
  assert.equal(run(), 'bundle');
  // npm installed since (it rewrites its hidden lockfile on every install): the versions are read.
  touch('node_modules/.package-lock.json', 4_000);
  assert.equal(run(), 'dist');
  // Something else replaced a package directory since: the directory holding it is newer.
  installedAt(2_000);
  touch('node_modules', 4_000);
  assert.equal(run(), 'dist');
  // No hidden lockfile (another package manager, or npm failed to write it): the versions are read.
  installedAt(2_000);
  rmSync(join(pkg, 'node_modules/.package-lock.json'));
  assert.equal(run(), 'dist');
  upgrade('1.0.0');
  assert.equal(run(), 'bundle');
});

test("the bundle's import() of an ES module works with and without its code cache", async (t) => {
  const { pkg } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  // What scripts/bundle-cli.mjs makes of `await import('minizinc')`: a call of the launcher's importer.
  writeFileSync(join(pkg, 'dist/bundle/esm-only.mjs'), "export const name = 'esm';\n");
  writeFileSync(join(pkg, 'dist/bundle/isawatt-plan.cjs'), "__isawattImport('./esm-only.mjs').then((m) => process.stdout.write(`bundle ${m.name}`));\n");
  const run = (): string => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin/isawatt.cjs'), 'plan'], {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: '', NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  assert.equal(run(), 'bundle esm'); // compiles, then writes dist/bundle/isawatt-plan.cjs.cache
  assert.equal(run(), 'bundle esm'); // from the code cache
});

test('each set of Node flags keeps its own code cache (V8 rejects one made under other flags)', async (t) => {
  const { pkg } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  writeFileSync(join(pkg, 'dist/bundle/isawatt-plan.cjs'), "process.stdout.write('bundle');\n");
  const bundleDir = join(pkg, 'dist/bundle');
  const run = (flags: string[]): void => {
    const r = spawnSync(process.execPath, [...flags, join(pkg, 'bin/isawatt.cjs'), 'plan'], {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: '', NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'bundle');
  };
  const caches = (): string[] =>
    readdirSync(bundleDir)
      .filter((f) => f.endsWith('.cache'))
      .sort();
  run([]); // `node bin/isawatt.cjs`: the plain cache
  assert.deepEqual(caches(), ['isawatt-plan.cjs.cache']);
  const plain = readFileSync(join(bundleDir, 'isawatt-plan.cjs.cache'));
  run(['--min-semi-space-size=2']); // what the sh launcher runs: a cache of its own
  assert.equal(caches().length, 2);
  assert.match(caches().find((f) => f !== 'isawatt-plan.cjs.cache') ?? '', /^isawatt-plan\.cjs\.[0-9a-f]{8}\.cache$/);
  assert.deepEqual(readFileSync(join(bundleDir, 'isawatt-plan.cjs.cache')), plain, 'the flagged run left the plain cache alone');
});

test('each command runs its own bundle; no command runs the help bundle', async (t) => {
  const { pkg } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  const run = (...args: string[]): string => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin/isawatt.cjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: 'off', NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(run('plan', '--json'), 'bundle');
  assert.equal(run('--help'), 'help bundle');
  assert.equal(run('no-such-command'), 'help bundle');
});

test('a manifest from before per-command bundles (one input list) makes the bundles stale', async (t) => {
  const { pkg, run } = makeTree(await tempDir(t, 'isawatt-launcher-'));
  writeFileSync(
    join(pkg, 'dist/bundle/manifest.json'),
    JSON.stringify({ commands: ['plan'], inputs: ['src/cli/index.ts'], packages: { 'node_modules/inlined/package.json': '1.0.0' } }),
  );
  assert.equal(run(), 'dist');
});

/**
 * The tree of makeTree plus the sh launcher and what the build saves for it (scripts/bundle-cli.mjs):
 * help.txt, version.txt and help-cache.txt (files the text depends on, packages with their versions).
 */
function makeShTree(dir: string): {
  pkg: string;
  sh: (args: string[], env?: Record<string, string>, bin?: string) => string;
  touch: (rel: string, whenS: number) => void;
} {
  const { pkg, touch } = makeTree(dir);
  copyFileSync(SH_LAUNCHER, join(pkg, 'bin/isawatt'));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@isawatt/coordinator', version: '0.1.0' }));
  writeFileSync(join(pkg, 'node_modules/inlined/package.json'), '{\n  "name": "inlined",\n  "version": "1.0.0"\n}\n');
  writeFileSync(join(pkg, 'dist/bundle/help.txt'), 'saved help\n');
  writeFileSync(join(pkg, 'dist/bundle/version.txt'), 'saved version\n');
  writeFileSync(
    join(pkg, 'dist/bundle/help-cache.txt'),
    [
      'file bin/isawatt.cjs',
      'file package.json',
      'file dist/bundle/isawatt-help.cjs',
      'file src/cli/index.ts',
      'version node_modules/inlined/package.json 1.0.0',
      '',
    ].join('\n'),
  );
  // Everything the saved text depends on predates it (what a build leaves).
  for (const rel of ['bin/isawatt.cjs', 'package.json', 'dist/bundle/isawatt-help.cjs', 'node_modules/inlined/package.json']) touch(rel, 2_000);
  for (const rel of ['dist/bundle/help.txt', 'dist/bundle/version.txt']) touch(rel, 3_000);
  const sh = (args: string[], env: Record<string, string> = {}, bin = join(pkg, 'bin/isawatt')): string => {
    const r = spawnSync(bin, args, {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: 'off', NODE_OPTIONS: '', FORCE_COLOR: undefined, CLICOLOR_FORCE: undefined, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  return { pkg, sh, touch };
}

test('the sh launcher prints the saved --help and --version text while it is current', async (t) => {
  const { sh } = makeShTree(await tempDir(t, 'isawatt-sh-launcher-'));
  for (const flag of ['--help', '-h', 'help']) assert.equal(sh([flag]), 'saved help\n', flag);
  for (const flag of ['--version', '-V']) assert.equal(sh([flag]), 'saved version\n', flag);
  // Anything else is Node's: the launcher runs the command's bundle.
  assert.equal(sh(['plan', '--json']), 'bundle');
  assert.equal(sh(['--help', 'plan']), 'bundle'); // plan's own help: its bundle
  assert.equal(sh([]), 'help bundle');
  // Colours asked for, or the sources: Node.
  assert.equal(sh(['--help'], { FORCE_COLOR: '1' }), 'help bundle');
  assert.equal(sh(['--help'], { CLICOLOR_FORCE: '1' }), 'help bundle');
});

test('the sh launcher runs Node when anything the saved text depends on changed', async (t) => {
  const dir = await tempDir(t, 'isawatt-sh-launcher-');
  const { pkg, sh, touch } = makeShTree(dir);
  assert.equal(sh(['--help']), 'saved help\n');
  touch('src/cli/index.ts', 4_000); // a source edited after the build
  assert.equal(sh(['--help']), 'dist'); // (the bundle is stale too: Node runs dist/)
  touch('src/cli/index.ts', 1_000);
  touch('package.json', 3_000.5); // the version bumped after the build (sub-second)
  assert.equal(sh(['--version']), 'help bundle');
  touch('package.json', 2_000);
  assert.equal(sh(['--version']), 'saved version\n');
  // An upgraded package keeps npm's fixed modification time: only its version line tells.
  writeFileSync(join(pkg, 'node_modules/inlined/package.json'), '{\n  "name": "inlined",\n  "version": "1.0.01"\n}\n');
  touch('node_modules/inlined/package.json', 2_000);
  assert.notEqual(sh(['--help']), 'saved help\n');
  writeFileSync(join(pkg, 'node_modules/inlined/package.json'), '{\n  "name": "inlined",\n  "version": "1.0.0"\n}\n');
  touch('node_modules/inlined/package.json', 2_000);
  assert.equal(sh(['--help']), 'saved help\n');
  // A listed file gone, or no list at all: Node.
  writeFileSync(join(pkg, 'dist/bundle/help-cache.txt'), 'file dist/bundle/gone.cjs\n');
  assert.equal(sh(['--help']), 'help bundle');
  writeFileSync(join(pkg, 'dist/bundle/help-cache.txt'), 'something else\n');
  assert.equal(sh(['--help']), 'help bundle');
});

test("the sh launcher finds its package through npm's bin link and any other link", async (t) => {
  const dir = await tempDir(t, 'isawatt-sh-launcher-');
  const { pkg, sh } = makeShTree(dir);
  // npm: <root>/node_modules/.bin/isawatt -> ../@isawatt/coordinator/bin/isawatt, the package itself a link.
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/@isawatt'));
  symlinkSync(pkg, join(dir, 'node_modules/@isawatt/coordinator'));
  symlinkSync('../@isawatt/coordinator/bin/isawatt', join(dir, 'node_modules/.bin/isawatt'));
  assert.equal(sh(['--help'], {}, join(dir, 'node_modules/.bin/isawatt')), 'saved help\n');
  assert.equal(sh(['plan'], {}, join(dir, 'node_modules/.bin/isawatt')), 'bundle');
  // Another link (/usr/local/bin/isawatt in docs/deploy.md).
  symlinkSync(join(pkg, 'bin/isawatt'), join(dir, 'isawatt'));
  assert.equal(sh(['--version'], {}, join(dir, 'isawatt')), 'saved version\n');
  assert.equal(sh(['plan'], {}, join(dir, 'isawatt')), 'bundle');
});

test('help is the same text on a wide terminal as in a pipe (what the sh launcher saves)', (t) => {
  // script(1) gives the CLI a pseudo-terminal; stty makes it 200 columns wide. Skipped where absent.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!hasScript) return t.skip('script(1) (util-linux) is not installed');
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', CLI_ENTRY, '--help'];
  const env = { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: undefined, CLICOLOR_FORCE: undefined, NO_COLOR: undefined };
  const piped = spawnSync(node[0]!, node.slice(1), { encoding: 'utf8', env });
  assert.equal(piped.status, 0, piped.stderr);
  const quoted = node.map((a) => `'${a}'`).join(' ');
  const tty = spawnSync('script', ['-qec', `stty cols 200; ${quoted}`, '/dev/null'], { encoding: 'utf8', env });
  assert.equal(tty.status, 0, tty.stderr);
  assert.equal(tty.stdout.replace(/\r\n/g, '\n'), piped.stdout);
  // And the text is wrapped: no line longer than 80 columns.
  assert.ok(piped.stdout.split('\n').every((line) => line.length <= 80));
});

test('the sh launcher drops NODE_EXTRA_CA_CERTS for plan with a hosts file only', async (t) => {
  // Node 20 reads the file at start-up in every process; a path that does not exist makes it say so
  // on stderr ("Ignoring extra certs from ..."), which tells whether the variable reached Node.
  const { pkg } = makeShTree(await tempDir(t, 'isawatt-sh-launcher-'));
  writeFileSync(join(pkg, 'dist/bundle/isawatt-plan.cjs'), "process.stdout.write(process.env.NODE_EXTRA_CA_CERTS ?? 'unset');\n");
  const run = (args: string[]): { stdout: string; stderr: string } => {
    const r = spawnSync(join(pkg, 'bin/isawatt'), args, {
      encoding: 'utf8',
      env: { ...process.env, ISAWATT_FROM_SOURCE: '', ISAWATT_CODE_CACHE: 'off', NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
    });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, stderr: r.stderr };
  };
  for (const args of [
    ['plan', '--hosts', 'h.yaml', '--json'],
    ['plan', '--json', '--hosts=h.yaml'],
    ['plan', '-H', 'h.yaml'],
    ['plan', '-Hh.yaml'],
  ]) {
    const r = run(args);
    assert.equal(r.stdout, 'unset', args.join(' '));
    assert.doesNotMatch(r.stderr, /extra certs/, args.join(' '));
  }
  // Without a hosts file plan asks the coordinator (maybe over TLS); other commands may connect.
  for (const args of [
    ['plan', '--json'],
    ['plan', '--', '--hosts'],
    ['--json', 'plan', '--hosts', 'h.yaml'],
  ]) {
    const r = run(args);
    assert.match(r.stderr, /Ignoring extra certs from `\/nonexistent\/ca\.pem`/, args.join(' '));
  }
});
