#!/usr/bin/env node
// `npm test`: checks the generated stubs, type-checks, lints, then runs every *.test.ts with node's
// test runner through tsx. Node 20's --test takes paths, not globs, so files are listed here.
// Extra args are test file filters: `npm test -- registry` runs files whose path contains "registry".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const quick = process.argv.includes('--quick') || filters.length > 0;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

function run(cmd, args, label) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  const s = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal}) after ${s} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`${label} ok (${s} s)`);
}

const bin = (name) => join(root, 'node_modules/.bin', name);
if (!quick) {
  run(process.execPath, [join(root, 'scripts/gen-proto.mjs'), '--check'], 'check-gen');
  run(bin('tsc'), ['-b'], 'typecheck+build');
  run(bin('eslint'), ['--max-warnings=0', '.'], 'lint');
}

const dirs = ['packages', 'test', 'minizinc', 'functions'].map((d) => join(root, d));
let files = dirs.flatMap((d) => { try { return walk(d, []); } catch { return []; } }).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files`);
run(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=300000', ...files], 'tests');
