// Robust planning: the quantile functions, where the robust speed comes from (per-bag values,
// median and cv, standard deviation, nothing), that it is never above the point figure, and that a
// robust plan takes more cores and says how many more through the CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli } from '../cli/index.js';
import type { FunctionModel, Models } from '../workload/types.js';
import { plan } from './planner.js';
import { noisyQuietDemands, noisyQuietModels } from './noisy-quiet.test-support.js';
import { buildProblem } from './problem.js';
import { burstCapacityRps, empiricalQuantile, jointQuantile, normalQuantile, robustProblem, robustSpeed } from './robust.js';

const near = (a: number, b: number, tol = 1e-6): boolean => Math.abs(a - b) <= tol;

describe('robust planning (--robust-quantile)', () => {
  test('normal and empirical quantiles', () => {
    assert.ok(near(normalQuantile(0.5), 0));
    assert.ok(near(normalQuantile(0.1), -1.2815516, 1e-6));
    assert.ok(near(normalQuantile(0.01), -2.3263479, 1e-6));
    assert.ok(near(normalQuantile(0.975), 1.959964, 1e-5));
    assert.ok(near(empiricalQuantile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.1), 1.9));
    assert.ok(near(empiricalQuantile([4, 8], 0.5), 6));
  });

  test('the speed comes from per-bag values, else median and cv, else the std; never above the point figure', () => {
    const spread = (perBag?: number[]): FunctionModel['spread'] => ({
      bags: 4,
      execPerSecPerCore: { median: 100, min: 80, max: 110, cv: 0.1, ...(perBag ? { perBag } : {}) },
      energyPerExecJ: { median: 1, min: 0.9, max: 1.1, cv: 0.05 },
    });
    const base = { execPerSecPerCore: 100, energyPerExecJ: 1 };
    const bags = robustSpeed({ ...base, spread: spread([80, 95, 100, 110]) }, 0.1);
    assert.equal(bags.from, 'per-bag');
    assert.ok(near(bags.speed, 80 + 0.3 * 15));
    const cv = robustSpeed({ ...base, spread: spread() }, 0.1);
    assert.equal(cv.from, 'median-cv');
    assert.ok(near(cv.speed, 100 * (1 - 1.2815516 * 0.1), 1e-4));
    // A wide cv would go below the slowest bag: the slowest bag is the floor.
    assert.equal(
      robustSpeed({ ...base, spread: { ...spread(), execPerSecPerCore: { median: 100, min: 80, max: 110, cv: 0.5 } } as FunctionModel['spread'] }, 0.1).speed,
      80,
    );
    const std = robustSpeed({ ...base, execPerSecPerCoreStd: 10 }, 0.1);
    assert.equal(std.from, 'std');
    assert.ok(near(std.speed, 100 - 12.815516, 1e-4));
    assert.deepEqual(robustSpeed(base, 0.1), { speed: 100, from: 'none' });
    // A high quantile never plans on more than the point figure.
    assert.equal(robustSpeed({ ...base, spread: spread([80, 95, 100, 110]) }, 0.9).speed, 100);
  });

  const models = noisyQuietModels;
  const hosts = [{ id: 'h1', type: 't', arch: 'x86_64' as const, cores: 32 }];
  const demands = noisyQuietDemands;

  /** This suite's workload, models and hosts as JSON files (a temp dir removed after the test): plan's file flags. */
  const planFileArgs = (prefix: string): string[] => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, doc: unknown): string => {
      writeFileSync(join(dir, name), JSON.stringify(doc));
      return join(dir, name);
    };
    return [
      '-w',
      write('w.json', { functions: demands.map((d) => ({ name: d.name, rate: d.rateRps })) }),
      '-m',
      write('m.json', models),
      '-H',
      write('h.json', { hosts }),
    ];
  };

  test('a robust plan reserves cores for the slow bags and names the pairs without spread', async () => {
    const p = buildProblem(hosts, models, demands);
    const r = robustProblem(p, 0.1);
    // q = 0.1 of [7, 9, 10, 10.5, 11] = 7 + 0.4 * 2 = 7.8 execs/s per core: ceil(100 / 7.8) = 13 cores.
    assert.equal(r.cores[0]?.[0], 13);
    assert.equal(r.cores[0]?.[1], 10);
    assert.match(r.robustNotes.join(), /no spread in the models for quiet on t/);
    const plain = await plan(p, 'energy-aware', { solver: 'heuristic' });
    const robust = await plan(p, 'energy-aware', { solver: 'heuristic', robustQuantile: 0.1 });
    assert.equal(plain.totalCores, 20);
    assert.equal(robust.totalCores, 23);
    assert.deepEqual(robust.robust, { quantile: 0.1 });
    assert.ok(robust.reasons.some((x) => /no spread/.test(x)));
  });

  test('with open-loop figures, a robust plan prices each execution at the utilisation of its own cores', async () => {
    // noisy: saturated 10 /s per core and 1 J; its open-loop point at 85 % costs 1 / 0.85 J (k = 1:
    // every planned core costs its saturated power), 8.5 executions per busy core-second.
    const open = { utilisation: 0.85, execPerSecPerCore: 8.5, energyPerExecJ: 1 / 0.85 };
    const noisy = noisyQuietModels.hostTypes.t?.functions.noisy;
    assert.ok(noisy);
    const m: Models = { ...noisyQuietModels, hostTypes: { t: { arch: 'x86_64', functions: { noisy: { ...noisy, openLoop: open } } } } };
    const p = buildProblem(hosts, m, [{ name: 'noisy', rateRps: 100 }]);
    // Plain: ceil(100 / 8.5) = 12 cores at 100 / 120 of saturation: 1.2 J per execution, 120 W.
    assert.equal(p.cores[0]?.[0], 12);
    assert.ok(near(p.powerW[0]?.[0] ?? 0, 120, 1e-9));
    const r = robustProblem(p, 0.1);
    // Robust: the bags' 0.1-quantile, 7.8, scaled to the open-loop point (x 0.85): 6.63 /s,
    // ceil(100 / 6.63) = 16 cores at 100 / 160 of saturation: 1.6 J per execution, 160 W.
    assert.equal(r.cores[0]?.[0], 16);
    assert.ok(near(r.model[0]?.[0]?.energyPerExecJ ?? 0, 1.6, 1e-9));
    assert.ok(near(r.powerW[0]?.[0] ?? 0, 160, 1e-9));
    const planned = await plan(p, 'energy-aware', { solver: 'heuristic', robustQuantile: 0.1 });
    assert.ok(near(planned.assignments[0]?.powerW ?? 0, 160, 1e-9));
    // Saturated figures: energy per execution does not depend on the cores, and is not repriced.
    const sat = robustProblem(buildProblem(hosts, m, [{ name: 'noisy', rateRps: 100 }], { figures: 'saturated' }), 0.1);
    assert.ok(near(sat.powerW[0]?.[0] ?? 0, 100, 1e-9));
  });

  test('isawatt plan --robust-quantile reports the extra cores against the plain plan', async () => {
    const args = planFileArgs('isawatt-robust-');
    let out = '';
    const code = await runCli(['node', 'isawatt', 'plan', ...args, '--robust-quantile', '0.1', '--json'], {
      stdout: (t) => (out += t),
      stderr: () => undefined,
      env: {},
      stdoutIsTty: false,
    });
    assert.equal(code, EXIT.OK);
    const j = JSON.parse(out) as { totalCores: number; robust: { quantile: number; plainCores: number; extraCores: number } };
    assert.deepEqual(j.robust, { quantile: 0.1, plainCores: 20, extraCores: 3 });
    let table = '';
    await runCli(['node', 'isawatt', 'plan', ...args, '--robust-quantile', '0.1'], {
      stdout: (t) => (table += t),
      stderr: () => undefined,
      env: {},
      stdoutIsTty: false,
    });
    assert.match(table, /robust q=0\.1 \(\+3 cores vs 20 planned on the point figures\)/);
  });

  test('--robust-joint: each of n functions on 1 - (1 - q)^(1/n), so all n meet theirs with probability 1 - q', async () => {
    assert.equal(jointQuantile(0.1, 1), 0.1);
    assert.ok(Math.abs(1 - (1 - jointQuantile(0.01, 22)) ** 22 - 0.01) < 1e-12);
    // Šidák's quantile is never below the union bound's q / n (and close to it for small q).
    assert.ok(jointQuantile(0.01, 22) >= 0.01 / 22 && jointQuantile(0.01, 22) < 0.0101 / 22);
    const p = buildProblem(hosts, models, demands);
    const r = robustProblem(p, 0.1, true);
    // 2 functions: q_f = 1 - 0.9^(1/2) = 0.0513; of [7, 9, 10, 10.5, 11]: 7 + 0.205 * 2 = 7.41 /s: 14 cores.
    assert.ok(Math.abs(r.functionQuantile - 0.05131670194948623) < 1e-12);
    assert.equal(r.cores[0]?.[0], 14);
    assert.match(r.robustNotes.join(), /over the whole plan: each of its 2 functions planned on its 0\.05132-quantile/);
    const robust = await plan(p, 'energy-aware', { solver: 'heuristic', robustQuantile: 0.1, robustJoint: true });
    assert.equal(robust.totalCores, 24);
    assert.equal(robust.robust?.joint, true);
  });

  test('isawatt plan --robust-joint: JSON and table say so; without --robust-quantile it is bad input', async () => {
    const args = planFileArgs('isawatt-robust-joint-');
    const run = async (extra: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await runCli(['node', 'isawatt', 'plan', ...args, ...extra], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        env: {},
        stdoutIsTty: false,
      });
      return { code, out, err };
    };
    const j = await run(['--robust-quantile', '0.1', '--robust-joint', '--json']);
    assert.equal(j.code, EXIT.OK);
    const robust = (JSON.parse(j.out) as { robust: Record<string, unknown> }).robust;
    assert.equal(robust.joint, true);
    assert.equal(robust.plainCores, 20);
    assert.equal(robust.extraCores, 4);
    const t = await run(['--robust-quantile', '0.1', '--robust-joint']);
    assert.match(t.out, /robust q=0\.1 over the plan \(each function on its 0\.0513-quantile\) \(\+4 cores vs 20/);
    const bad = await run(['--robust-joint']);
    assert.equal(bad.code, EXIT.BAD_INPUT);
    assert.match(bad.err, /--robust-joint: only with --robust-quantile/);
  });

  test('--robust-arrivals poisson: capacity for one-second bursts, L / ln(1 + L / R)', async () => {
    const q = 0.01;
    const l = Math.log(1 / q);
    // At 1 req/s a burst needs several times the rate; at 10,000 req/s about L / 2 more.
    assert.ok(Math.abs(burstCapacityRps(1, q) - l / Math.log(1 + l)) < 1e-12);
    assert.ok(burstCapacityRps(1, q) > 2.5 && burstCapacityRps(1, q) < 3);
    assert.ok(Math.abs(burstCapacityRps(10_000, q) - 10_000 - l / 2) < 0.01);
    const p = buildProblem(hosts, models, demands);
    const r = robustProblem(p, 0.1, false, 'poisson');
    // noisy: speed on its 0.05-quantile of the bags (7 + 0.2 * 2 = 7.4), capacity for bursts at q 0.05:
    // c = ln 20 / ln(1 + ln 20 / 100) = 101.51 execs/s: ceil(101.51 / 7.4) = 14 cores. quiet (no
    // spread): 101.51 / 10: 11 cores. The rate itself stays 100.
    assert.equal(r.cores[0]?.[0], 14);
    assert.equal(r.cores[0]?.[1], 11);
    assert.equal(r.functions[0]?.rateRps, 100);
    assert.match(r.robustNotes.join(), /robust arrivals poisson/);
    const out = await plan(p, 'energy-aware', { solver: 'heuristic', robustQuantile: 0.1, robustArrivals: 'poisson' });
    assert.equal(out.robust?.arrivals, 'poisson');
    const files = planFileArgs('isawatt-robust-arrivals-');
    let err = '';
    const code = await runCli(['node', 'isawatt', 'plan', ...files, '--robust-arrivals', 'poisson'], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      env: {},
      stdoutIsTty: false,
    });
    assert.equal(code, EXIT.BAD_INPUT);
    assert.match(err, /--robust-arrivals: only with --robust-quantile/);
  });
});
