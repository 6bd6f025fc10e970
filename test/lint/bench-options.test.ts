// Every benchmark answers --help with its description and options, and refuses bad input with one
// line naming the option and what was expected (exit 2), before it starts anything: a mistyped
// flag must not run a half-hour bench on defaults, or end in a stack trace. `npm run bench` passes
// options to the one benchmark named and refuses them with several.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCHES = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `bench/${f}`);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const bench = (file: string, args: string[]): Promise<Result> => run(['--conditions=source', '--import', 'tsx', file, ...args]);

/** Runs fn over items, two at a time (this machine has two CPUs; each run is a tsx start). */
async function twoAtATime<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    [0, 1].map(async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

test('the bench directory holds benchmarks only (shared code in bench/lib, tools in bench/tools)', () => {
  assert.ok(BENCHES.length >= 15, `expected the benchmarks in bench/, found ${BENCHES.join(', ')}`);
  for (const f of ['proc-usage', 'placement-instances', 'campaign-bag-table', 'experiment-table'])
    assert.ok(!BENCHES.includes(`bench/${f}.ts`), `bench/${f}.ts is not a benchmark: npm run bench would run it`);
});

test('every benchmark prints its usage and options on --help, and exits 0', async () => {
  await twoAtATime(BENCHES, async (file) => {
    const r = await bench(file, ['--help']);
    assert.equal(r.code, 0, `${file} --help: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stdout, /^Options:$/m, `${file} --help: no options list`);
    assert.match(r.stdout, /-h, --help/, `${file} --help`);
    assert.ok(r.stdout.includes(`${file}`), `${file} --help: the usage line should name the file`);
  });
});

test('every benchmark refuses an unknown option with one line naming it, exit 2, no stack trace', async () => {
  await twoAtATime(BENCHES, async (file) => {
    const r = await bench(file, ['--no-such-option', '1']);
    assert.equal(r.code, 2, `${file}: exit ${r.code}\n${r.stderr}`);
    assert.equal(r.stdout, '', `${file}: printed before refusing`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${file}: expected one line, got\n${r.stderr}`);
    assert.match(lines[0]!, new RegExp(`^${file.replace(/\./g, '\\.')}: Unknown option '--no-such-option'`), file);
  });
});

test('a value of the wrong form names the option and what was expected', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['bench/plan-cli.ts', ['--runs', '0'], /--runs: expected an integer >= 1, got "0"/],
    ['bench/plan-cli.ts', ['--sizes', '22by2'], /--sizes: expected sizes FUNCTIONSxHOSTS/],
    ['bench/mqtt-publish.ts', ['--qos', '2'], /--qos: expected one of 0, 1, got "2"/],
    ['bench/telemetry-ingest.ts', ['--agents', '10,x'], /--agents: expected a comma-separated list of integers >= 1, got "x"/],
    ['bench/placement.ts', ['--policy', 'rr'], /--policy: expected one of core-aware, energy-aware, energy-aware-whole/],
    ['bench/dispatch-overhead.ts', ['cobol'], /unknown runtime "cobol"/],
    ['bench/experiment.ts', ['--open-loop', '0.6,1.5'], /--open-loop must be 0 \(off\) or shares of saturated capacity in \(0, 1\]/],
  ];
  await twoAtATime(cases, async ([file, args, expected]) => {
    const r = await bench(file, args);
    assert.equal(r.code, 2, `${file} ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, expected, `${file} ${args.join(' ')}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${file}: stack trace`);
  });
});

test('npm run bench passes options to the one benchmark named, and refuses them with several', async () => {
  const runner = join(ROOT, 'scripts/run-bench.mjs');
  const two = await run([runner, 'plan-cli', 'placement', '--runs', '3']);
  assert.equal(two.code, 2, two.stderr);
  assert.match(two.stderr, /options \(--runs 3\) go to one benchmark/);
  const unknown = await run([runner, 'no-such-bench']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown benchmark "no-such-bench"/);
});
