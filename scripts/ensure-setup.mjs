#!/usr/bin/env node
// First-use setup for `npm start` (demo) and `npm test`: installs npm dependencies when missing or
// stale, the Debian packages listed in scripts/system-packages.txt (as root, with apt-get), and
// builds the functions' artefacts (functions/build.sh). Each step is skipped when already done, so
// the second run costs a few milliseconds. Modes:
//   demo           npm dependencies only, plus the demo's functions (Node.js: nothing to compile).
//                  No Debian package, no compiler, no JDK: a fresh machine with Node.js and npm runs it.
//   test           everything; as non-root with packages missing, one line says what to install and
//                  how, and it stops (exit 1).
//   test-filtered  `npm test -- <filter>`: the same, but missing packages or a failed function build
//                  are a warning, so the tests that need none of them still run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const mode = process.argv[2] ?? 'test';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

function step(msg) {
  console.error(`[setup] ${msg}`);
}

// 1. npm dependencies: node_modules/.package-lock.json is written by npm after every install.
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules/.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  step('installing npm dependencies (npm ci)');
  if (!sh('npm', ['ci', '--no-audit', '--no-fund'])) {
    step('npm ci failed');
    process.exit(1);
  }
}

if (!['demo', 'test', 'test-filtered'].includes(mode)) {
  step(`unknown mode "${mode}" (expected demo, test or test-filtered)`);
  process.exit(2);
}
const filtered = mode === 'test-filtered';

// 2. Debian packages (tests and workload need them; the demo does not).
if (mode !== 'demo') {
  const wanted = readFileSync(join(root, 'scripts/system-packages.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const missing = wanted.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length > 0) {
    const line = `missing Debian packages; install them as root: sudo apt-get install ${missing.join(' ')}`;
    if (process.getuid?.() !== 0 && filtered) {
      step(`${line} (running the selected tests anyway: those that need these packages will fail)`);
    } else if (process.getuid?.() !== 0) {
      step(line);
      process.exit(1);
    } else {
      step(`installing Debian packages: ${missing.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if (!sh('apt-get', ['update', '-qq'], { env }) || !sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })) {
        step('apt-get failed');
        process.exit(1);
      }
    }
  }
}

// 3. Function artefacts (compiled binaries, .wasm, Java classes): the build script skips what is done.
const build = join(root, 'functions/build.sh');
if (existsSync(build)) {
  if (!sh('bash', [build, mode === 'demo' ? '--demo' : '--all'])) {
    step(`functions/build.sh failed${filtered ? ' (running the selected tests anyway)' : ''}`);
    if (!filtered) process.exit(1);
  }
}
