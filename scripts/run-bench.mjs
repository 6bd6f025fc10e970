#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs the benchmarks in bench/ one after the other (never in
// parallel: they measure CPU time on a shared machine) and keeps what each printed in
// bench/results/<name>.txt, headed by the date, commit, machine and load average, so the figures in
// the README can be traced to a run. Extra arguments after `--` select benchmarks by name; options
// after a single name go to that benchmark (`npm run bench -- gateway --rate 500`; `--help` lists them).
// Benchmarks print figures and compare against their in-run baseline; none of them asserts a time.
// --expose-gc lets the memory figures be taken after a full collection (what is retained).
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
// Cheapest first, so a partial run still yields the quick figures.
const order = ['agent-tick', 'agent-attribution', 'dispatch-overhead', 'placement', 'telemetry-ingest', 'mqtt-publish', 'functions'];
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const unknownOrder = available.filter((n) => !order.includes(n)).sort();
const all = [...order.filter((n) => available.includes(n)), ...unknownOrder];

// Names first, then the options of the one benchmark named: `npm run bench -- gateway --rate 500`.
const argv = process.argv.slice(2);
const firstFlag = argv.findIndex((a) => a.startsWith('-'));
const wanted = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
const benchFlags = firstFlag < 0 ? [] : argv.slice(firstFlag);
const bad = wanted.filter((n) => !available.includes(n));
if (bad.length) {
  console.error(`unknown benchmark ${bad.map((n) => `"${n}"`).join(', ')}; expected one of: ${all.join(', ')}`);
  process.exit(2);
}
if (benchFlags.length > 0 && wanted.length !== 1) {
  console.error(`options (${benchFlags.join(' ')}) go to one benchmark: name exactly one before them, e.g. npm run bench -- plan-cli --runs 5`);
  process.exit(2);
}
const selected = wanted.length ? all.filter((n) => wanted.includes(n)) : all;

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const headCommit = commit();

function runOne(name) {
  return new Promise((resolve) => {
    // Written beside the kept result and moved over it only when the bench completes: a failed or
    // refused run never replaces the figures the README cites.
    const kept = join(resultsDir, `${name}.txt`);
    const out = createWriteStream(`${kept}.tmp`);
    const header = [
      `# bench/${name}.ts${benchFlags.length ? ` ${benchFlags.join(' ')}` : ''}`,
      `# date ${new Date().toISOString()}, commit ${headCommit}, node ${process.version}`,
      `# machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      '',
    ].join('\n');
    out.write(header + '\n');
    process.stdout.write(`\n${header}\n`);
    const started = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', join(benchDir, `${name}.ts`), ...benchFlags], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        out.write(chunk);
        process.stdout.write(chunk);
      });
    }
    child.on('close', (code, signal) => {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      const line = code === 0 ? `# done in ${s} s\n` : `# FAILED (${code ?? signal}) after ${s} s\n`;
      process.stdout.write(line);
      out.end(line, () => {
        if (code === 0) renameSync(`${kept}.tmp`, kept);
        else process.stdout.write(`# kept the previous ${join('bench', 'results', `${name}.txt`)}; this run's output is in ${name}.txt.tmp\n`);
        resolve(code === 0);
      });
    });
  });
}

async function runAll() {
  mkdirSync(resultsDir, { recursive: true });
  const failed = [];
  for (const name of selected) {
    if (!(await runOne(name))) failed.push(name);
  }
  console.log(`\nresults in ${join('bench', 'results')}/; ${selected.length - failed.length}/${selected.length} benchmarks completed`);
  if (failed.length) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

// --help only prints the benchmark's usage: nothing to keep in bench/results.
if (benchFlags.includes('--help') || benchFlags.includes('-h')) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(benchDir, `${selected[0]}.ts`), ...benchFlags], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('close', (code) => process.exit(code ?? 1));
} else await runAll();
