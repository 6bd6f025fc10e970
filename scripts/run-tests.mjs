#!/usr/bin/env node
// `npm test`: first-use setup (scripts/ensure-setup.mjs: npm dependencies, Debian packages, function
// builds), then checks the generated stubs, type-checks every TypeScript file (the packages, their
// tests, test/, bench/, scripts/ and the functions' tests: tsconfig.json), checks the formatting
// (prettier), lints, then runs every *.test.ts with node's test runner through tsx. With a filter,
// missing Debian packages are a warning (as a non-root user the filtered tests that need none of
// them still run). Node 20's --test takes paths, not globs, so files are listed here.
// Extra args are test file filters: `npm test -- registry` runs files whose path contains "registry".
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const quick = process.argv.includes('--quick') || filters.length > 0;

// Symbolic links are not followed: fixture sysfs trees under testdata/ contain the kernel's
// device/hwmon back-links, which loop. Errors are not swallowed: a walk that fails silently would
// quietly drop test files from CI.
function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (name === 'node_modules' || name === 'dist' || name === 'testdata' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile() && name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

// Each step runs in a process group of its own, and a SIGINT, SIGTERM or SIGHUP sent to this
// script is passed on to the whole group (node --test's per-file processes and the agents,
// coordinators and workers they start) before this script exits with the step failed. A signal
// sent to this process alone (`kill <pid>`) used to kill it and leave the node --test run going on,
// orphaned, for the rest of the suite (test/integration/run-tests-signals.test.ts). A terminal's
// Ctrl-C reaches this script, which passes it on.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

async function run(cmd, args, label) {
  const started = Date.now();
  // stdin is not passed on: a process group other than the terminal's foreground one that read it would be stopped (SIGTTIN).
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env, detached: true });
  const forward = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  const [code, signal] = await once(child, 'exit');
  for (const signal of FORWARDED) process.off(signal, forward);
  const s = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    console.error(`\n${label} failed (exit ${code ?? signal}) after ${s} s`);
    process.exit(code ?? 1);
  }
  console.log(`${label} ok (${s} s)`);
}

// Setup runs here, not as an npm "pretest" hook: only this script knows whether tests were filtered.
await run(process.execPath, [join(root, 'scripts/ensure-setup.mjs'), filters.length > 0 ? 'test-filtered' : 'test'], 'setup');

const bin = (name) => join(root, 'node_modules/.bin', name);
if (!quick) {
  await run(process.execPath, [join(root, 'scripts/gen-proto.mjs'), '--check'], 'check-gen');
  await run(bin('tsc'), ['-b'], 'typecheck+build');
  // ISAWATT_SKIP_FORMAT_CHECK=1 skips it while a tree-wide reformat is pending on another branch.
  if (process.env.ISAWATT_SKIP_FORMAT_CHECK !== '1') await run(bin('prettier'), ['--check', '--log-level=warn', '.'], 'format-check');
  await run(bin('eslint'), ['--max-warnings=0', '.'], 'lint');
}

const dirs = ['packages', 'test', 'minizinc', 'functions'].map((d) => join(root, d));
let files = dirs.flatMap((d) => walk(d, [])).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files`);
// --test-timeout bounds every test file as a whole as well as each test in it: the longest file,
// test/integration/demo.test.ts (`npm start -- --duration 20` to its end, with the experiment's
// workers warmed in turns of the machine's real CPUs), took 306 s alone on a 2-CPU machine: over
// the 300 s this bound was.
await run(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', ...files], 'tests');
