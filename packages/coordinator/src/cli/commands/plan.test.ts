// `isawatt plan` through its commander command: JSON and table output on the example files, and
// bad input (unknown function, missing host-type model, non-positive rate, unknown policy, bad
// file) rejected with exit code 2 and a message naming the problem.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT } from '@isawatt/common';
import { runCli } from '../index.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../../');
const ex = (f: string): string => join(root, 'examples', f);

/** Runs `isawatt plan <args>` through the CLI's real entry (with its one catch and exit codes). */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', 'plan', ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    stdoutIsTty: false,
  });
  return { out, err, code };
}

describe('isawatt plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-plan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const base = ['-m', ex('models.yaml'), '-H', ex('hosts.yaml')];

  test('JSON output of one policy has assignments, status and predictedPowerW', async () => {
    const { out, code } = await run(['-w', ex('workload-general.yaml'), ...base, '-p', 'x86-first', '--json']);
    assert.equal(code, EXIT.OK);
    const j = JSON.parse(out) as { status: string; predictedPowerW: number; assignments: { function: string; host: string; cores: number }[] };
    assert.equal(j.status, 'feasible');
    assert.equal(j.assignments.length, 22);
    assert.ok(j.predictedPowerW > 0);
    // x86-first fills the Xeon (46 cores for functions) before the Altra.
    const xeonCores = j.assignments.filter((a) => a.host === 'xeon-1').reduce((s, a) => s + a.cores, 0);
    assert.ok(xeonCores <= 46 && xeonCores > 40, `xeon cores ${xeonCores}`);
    assert.equal(j.assignments[0]?.host, 'xeon-1');
  });

  test('all policies: a table per policy and a comparison', async () => {
    const { out, code } = await run(['-w', ex('workload-general.yaml'), ...base, '-p', 'rr,arm-first,energy-aware', '--solver', 'bnb']);
    assert.equal(code, EXIT.OK);
    for (const p of ['policy rr:', 'policy arm-first:', 'policy energy-aware: optimal']) assert.ok(out.includes(p), p);
    assert.match(out, /│ policy\s+│ status/);
  });

  test('an optimal plan says what proved it: the lower bound on the seed, not the solver that also ran', async () => {
    const json = await run(['-w', ex('workload-general.yaml'), ...base, '-p', 'energy-aware', '--json']);
    assert.equal(json.code, EXIT.OK);
    const j = JSON.parse(json.out) as { status: string; solver: string; provenBy?: string; gapPct: number };
    assert.deepEqual([j.status, j.solver, j.provenBy, j.gapPct], ['optimal', 'heuristic', 'lower bound', 0]);
    // An exact solver asked for runs anyway (here the in-process branch and bound); the bound proved it first.
    const bnb = await run(['-w', ex('workload-general.yaml'), ...base, '-p', 'energy-aware', '--solver', 'bnb']);
    assert.equal(bnb.code, EXIT.OK);
    assert.match(bnb.out, /policy energy-aware: optimal \(proven by lower bound\), solver heuristic\+bnb/);
    // A feasible (rule) plan claims no proof.
    const rr = JSON.parse((await run(['-w', ex('workload-general.yaml'), ...base, '-p', 'rr', '--json'])).out) as { provenBy?: string };
    assert.equal(rr.provenBy, undefined);
  });

  const bad: [string, () => string[], RegExp][] = [
    ['unknown function', () => ['-w', file('w1.yaml', 'functions: [{name: no-such-fn, rate: 5}]\n'), ...base], /no-such-fn.*unknown function/],
    ['zero rate', () => ['-w', file('w2.yaml', 'functions: [{name: jwt-node, rate: 0}]\n'), ...base], /functions\.0\.rate: rate must be > 0/],
    ['negative rate', () => ['-w', file('w3.yaml', 'functions: [{name: jwt-node, rate: -3}]\n'), ...base], /rate must be > 0/],
    [
      'missing model for a host type',
      () => ['-w', ex('workload-general.yaml'), '-m', ex('models.yaml'), '-H', file('h.yaml', 'hosts: [{id: e1, type: epyc-9554, arch: x86_64, cores: 64}]\n')],
      /host "e1": no model for host type "epyc-9554"/,
    ],
    ['unknown policy', () => ['-w', ex('workload-general.yaml'), ...base, '-p', 'greenest'], /unknown policy "greenest"/],
    ['unknown mix', () => ['-w', file('w4.yaml', 'mix: gaming\nload: 0.5\n'), ...base], /mix: expected one of general/],
    ['missing file', () => ['-w', join(dir, 'nope.yaml'), ...base], /nope\.yaml: cannot read/],
    ['unknown solver', () => ['-w', ex('workload-general.yaml'), ...base, '--solver', 'cplex'], /unknown solver "cplex"/],
    ['bad time limit', () => ['-w', ex('workload-general.yaml'), ...base, '--time-limit', 'soon'], /--time-limit/],
    ['negative replica cost', () => ['-w', ex('workload-general.yaml'), ...base, '--split', '--replica-cost', '-1'], /--replica-cost: expected a number >= 0/],
    [
      'split with bnb',
      () => ['-w', ex('workload-general.yaml'), ...base, '--split', '--solver', 'bnb'],
      /--split: the in-process branch and bound has no split form/,
    ],
    [
      'robust quantile out of range',
      () => ['-w', ex('workload-general.yaml'), ...base, '--robust-quantile', '1.5'],
      /--robust-quantile: expected a number between 0 and 1/,
    ],
    ['unknown figures', () => ['-w', ex('workload-general.yaml'), ...base, '--figures', 'bogus'], /--figures: expected one of open-loop, saturated/],
    // Without -H the hosts come from the coordinator: a bad flag must still be exit 2, not "unreachable".
    [
      'unknown figures, hosts from the coordinator',
      () => ['-w', ex('workload-general.yaml'), '-m', ex('models.yaml'), '--figures', 'bogus'],
      /--figures: expected one of/,
    ],
  ];
  for (const [name, args, message] of bad) {
    test(`bad input: ${name} -> exit 2`, async () => {
      const { err, code } = await run(args());
      assert.equal(code, EXIT.BAD_INPUT, err);
      assert.match(err, message);
    });
  }

  test('--split: a function too big for any host runs on both, its shares add up to its rate', async () => {
    // video-gif-python at 150 req/s needs 72 Xeon cores or 150 Altra cores; the hosts have 30 and 126.
    const w = file('hot.yaml', 'functions: [{name: video-gif-python, rate: 150}, {name: html-node, rate: 5000}]\n');
    const whole = await run(['-w', w, ...base, '-p', 'energy-aware', '--solver', 'heuristic']);
    assert.equal(whole.code, EXIT.FAILURE);
    assert.match(whole.err, /video-gif-python" fits nowhere/);
    const { out, code } = await run(['-w', w, ...base, '-p', 'energy-aware', '--solver', 'heuristic', '--split', '--json']);
    assert.equal(code, EXIT.OK);
    const j = JSON.parse(out) as { split: { extraReplicas: number }; assignments: { function: string; host: string; rateRps: number }[] };
    const shares = j.assignments.filter((a) => a.function === 'video-gif-python');
    assert.deepEqual(shares.map((a) => a.host).sort(), ['altra-1', 'xeon-1']);
    assert.ok(Math.abs(shares.reduce((s, a) => s + a.rateRps, 0) - 150) < 1e-9);
    assert.equal(j.split.extraReplicas, 1);
    const table = await run(['-w', w, ...base, '-p', 'energy-aware', '--solver', 'heuristic', '--split']);
    assert.match(table.out, /rate share \(req\/s\)\s+│ share %/);
  });

  test('infeasible workload: exit 1 with which hosts are short', async () => {
    const w = file('heavy.yaml', 'mix: general\nload: 1.5\n');
    const { out, err, code } = await run(['-w', w, ...base, '-p', 'energy-aware']);
    assert.equal(code, EXIT.FAILURE);
    assert.match(out, /infeasible/);
    assert.match(err, /the cluster \(xeon-1, altra-1\) is short by \d+ cores?/);
  });
});
