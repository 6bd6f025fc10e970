// `npm start` is the README's first command: this runs `npm start -- --duration 20` (issue 16's
// acceptance command; its setup hook,
// then the demo, non-interactive, so the live view prints a table every 5 s) the way a fresh Debian
// machine with only Node.js and npm would: with a PATH that holds no compiler, no linker, no java or
// javac and no native minizinc or mosquitto (test/helpers/bare-path.ts). It checks that the demo
// does its whole job: both emulated hosts attach, the policy comparison is printed, the deployment
// is acked by both agents, the live table shows the deployed functions with emulated figures and
// non-zero rates, the MQTT feed carries host power, and on exit nothing is left behind (processes,
// agent cgroups, temporary directory). It ends, as the README promises, with the short experiment
// and its report: the experiment's table is printed and the report's path is the last line, a
// self-contained HTML file with charts (isawatt experiment and report have their own tests for the
// figures; whether each short run met its rates is not asserted here). The function build the demo asks for selects nothing that
// needs a toolchain (`functions/build.sh --demo --list` is empty; the build's own skip-if-built
// would otherwise hide a compiler the demo needs on this machine, where the artefacts exist).
// What a fresh clone has that this tree does not change: the demo runs the TypeScript sources
// through tsx (never dist/ or the CLI bundle), and its setup hook runs `npm ci` only when
// node_modules is missing or older than package-lock.json, which this test cannot recreate
// cheaply.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { barePath } from '../helpers/bare-path.js';
import { REPO_ROOT, spawnCommand } from '../helpers/processes.js';

// The emulated agents' cgroup subtrees (isawatt-<host id>) under the v1 controllers they use.
const CONTROLLER_ROOTS = ['/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu'];

function demoCgroups(): string[] {
  return CONTROLLER_ROOTS.filter((root) => existsSync(root)).flatMap((root) =>
    readdirSync(root)
      .filter((n) => n === 'isawatt-xeon-1' || n === 'isawatt-altra-1')
      .map((n) => join(root, n)),
  );
}

test('functions/build.sh --demo builds nothing that needs a compiler or a JDK', () => {
  const list = (mode: string): string[] => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'functions/build.sh'), mode, '--list'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(list('--demo'), []);
  // The same listing for everything names the Java harness and the compiled functions: the check can fail.
  assert.ok(list('--all').includes('_harness/java') && list('--all').includes('test-wasm'));
});

test(
  'npm start on a PATH without compilers, JDK, native MiniZinc or mosquitto: plans, deploys onto two emulated hosts, shows live power and the MQTT feed, ends with an experiment and its report, then cleans up',
  { timeout: 600_000 },
  async (t) => {
    assert.deepEqual(demoCgroups(), [], 'leftover demo cgroups from an earlier run');
    const bare = barePath(t);
    for (const missing of ['cc', 'gcc', 'g++', 'clang', 'ld', 'java', 'javac', 'minizinc', 'mosquitto']) {
      assert.equal(existsSync(join(bare, missing)), false, `${missing} left out of the PATH`);
    }
    for (const present of ['node', 'npm', 'sh', 'bash']) assert.ok(existsSync(join(bare, present)), `${present} on the PATH`);
    const demo = spawnCommand(t, 'npm start', join(bare, 'npm'), ['start', '--', '--duration', '20'], { PATH: bare });
    const { code } = await demo.exited;
    // 'exit' can come before the last output is read: wait for both pipes to end.
    await Promise.all([demo.child.stdout, demo.child.stderr].map((s) => (s && !s.readableEnded ? new Promise((r) => s.once('end', r)) : Promise.resolve())));
    const out = demo.lines.join('\n');
    assert.equal(code, 0, `demo exited ${code}:\n${demo.tail(60)}`);

    // Both emulated servers registered with their emulated identity.
    assert.match(out, /altra-1 .*aarch64 .*Altra\(R\) Max .*\[emulated: altra-max-m128\]/);
    assert.match(out, /xeon-1 .*x86_64 .*Xeon\(R\) Gold 5318Y .*\[emulated: xeon-gold-5318y-2s\]/);
    // The policy comparison, with energy-aware proven optimal on the paper's instance.
    assert.match(out, /policy energy-aware: optimal/);
    for (const policy of ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole']) {
      assert.match(out, new RegExp(`│ ${policy} +│`), `comparison row for ${policy}`);
    }
    // The deployment: every function of the demo workload acked with concrete CPUs.
    assert.match(out, /deployed to 2 hosts \(policy energy-aware\)/);
    for (const fn of ['jwt-node', 'html-node', 'matrix-node', 'zip-node']) {
      assert.match(out, new RegExp(`${fn} on CPUs \\d`), `${fn} placed`);
    }
    // The last live table: every deployed function reports a flowing rate, labelled emulated.
    const lastLive = out.slice(out.lastIndexOf('live: coordinator'));
    let served = 0;
    for (const [fn, rate] of [
      ['jwt-node', 30],
      ['html-node', 40],
      ['matrix-node', 40],
      ['zip-node', 4],
    ] as const) {
      const row = lastLive.split('\n').find((l) => l.includes(` ${fn} `));
      assert.ok(row, `${fn} in the live table:\n${lastLive}`);
      const cells = row.split('│').map((c) => c.trim());
      const rps = Number(cells[6]);
      // The emulated hosts' workers are 0.5 % slices of a real CPU: in the demo's short run they are
      // still warming up (JIT at a slice's speed), so a rate is only checked not to run away from its
      // target (and, below, that the functions serve requests at all), not yet to be near it. The
      // column is one tick's achieved rate: arrivals queued while a worker warmed up are served in a
      // burst when it catches up (CI saw jwt-node at 43.6 req/s for 30), so a tick may exceed the
      // target; twice the target would mean the driver offers the wrong rate.
      assert.ok(rps >= 0 && rps <= rate * 2, `${fn} runs at ${rps} req/s, expected at most twice its ${rate} req/s`);
      served += rps;
      assert.equal(cells[7], 'emulated');
    }
    assert.ok(served > 0, 'the deployed functions serve requests');
    assert.match(lastLive, /emulated \[altra-max-m128\] +│ xgene-hwmon/);
    // The Xeon's energy: its RAPL counters, or the same RAPL energy as the emulated hwpc-sensor
    // stream carries it per interval (then the report names the sensor as its source).
    assert.match(lastLive, /emulated \[xeon-gold-5318y-2s\] +│ (rapl|hwpc-sensor)/);
    // The MQTT feed: host power messages arrived on the embedded broker.
    const feed = /(\d+) messages so far: (\d+) host power, (\d+) function power/.exec(lastLive);
    assert.ok(feed, 'MQTT feed line');
    assert.ok(Number(feed[2]) >= 10, `host power messages: ${feed[2]}`);
    assert.ok(Number(feed[3]) >= 10, `function power messages: ${feed[3]}`);

    // The ending: the experiment's table (energy labelled emulated), then the report's path last.
    assert.match(out, /experiment \S+ \(energy EMULATED\):/);
    const report = /^report: (\S+\.html)$/m.exec(out)?.[1];
    assert.ok(report, `report path printed:\n${demo.tail(20)}`);
    t.after(() => rm(report, { force: true }));
    assert.equal(out.trimEnd().split('\n').at(-1), `report: ${report}`, 'the report path is the last line');
    const html = await readFile(report, 'utf8');
    assert.ok((html.match(/<svg/g) ?? []).length >= 2, 'the report has server-rendered charts');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="https?:/, 'the report loads nothing from the network');

    // Clean exit: the temporary directory and the agents' cgroups are gone.
    const dir = /State and logs: (\S+)/.exec(out)?.[1];
    assert.ok(dir, 'state directory named');
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.deepEqual(demoCgroups(), []);
  },
);
