// `isawatt replan` and `deploy --split` against a real coordinator process with two FakeAgents
// (6 function CPUs each) over real gRPC. Replan starts from the coordinator's live assignments,
// prints the diff, and with --apply rolls out in waves that start before they stop: the moved
// function runs on its new host before its old host drops it. Split: a function too big for one
// host is deployed to both, each agent getting its rate share. (FakeAgent's host type is "fake";
// the models below are hand-made figures, not measurements.)
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli } from '../../packages/coordinator/src/cli/index.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const MODELS = `source: test figures (not measured)
hostTypes:
  fake:
    arch: x86_64
    functions:
      fn-000: { execPerSecPerCore: 2, energyPerExecJ: 1.0 }
      fn-001: { execPerSecPerCore: 2, energyPerExecJ: 1.5 }
      fn-002: { execPerSecPerCore: 2, energyPerExecJ: 0.5 }
`;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  return { code, out, err };
}

/** Every assignment either agent received, in the order they arrived (one process: one order). */
type Received = { host: string; functions: { function: string; cores: number; rate_rps: number }[] }[];

async function setup(
  t: {
    after(fn: () => unknown): void;
  },
  received: Received = [],
): Promise<{ port: number; agents: FakeAgent[]; dir: string; client: ControlClient; models: string }> {
  const dir = await tempDir(t, 'isawatt-replan-');
  const models = join(dir, 'models.yaml');
  await writeFile(models, MODELS);
  const port = await freePort();
  // FakeAgents only report when told: a long liveness timeout keeps them up through slow solves.
  await startCoordinator(t, { port, stateDir: join(dir, 'state'), args: ['--host-down-after-ms', '600000'] });
  const agents = ['fake-a', 'fake-b'].map(
    (hostId) =>
      new FakeAgent({
        address: `127.0.0.1:${port}`,
        hostId,
        functionCpus: 6,
        // Not a refusal: the hook records the order in which the agents got their assignments.
        refuse: (a) => void received.push({ host: hostId, functions: a.functions }),
      }),
  );
  for (const a of agents) {
    t.after(() => a.close());
    await a.attach();
  }
  const client = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => client.close());
  await eventually('both fake hosts up', async () => {
    const hosts = (await client.listHosts()).hosts;
    return hosts.filter((h) => h.state === 'HOST_STATE_UP').length === 2 ? hosts : undefined;
  });
  return { port, agents, dir, client, models };
}

const fa = (fn: string, cores: number, rate: number): { function: string; cores: number; rate_rps: number; arrival: string } => ({
  function: fn,
  cores,
  rate_rps: rate,
  arrival: '',
});

/** The live placement both tests start from: fake-a runs fn-000 (4 cores) and fn-002 (1), fake-b runs fn-001 (4). */
async function deployLive(client: ControlClient): Promise<void> {
  const first = await client.deploy({
    label: 'test',
    ack_timeout_ms: 5000,
    hosts: [
      { host_id: 'fake-a', ack_timeout_ms: 5000, functions: [fa('fn-000', 4, 8), fa('fn-002', 1, 2)] },
      { host_id: 'fake-b', ack_timeout_ms: 5000, functions: [fa('fn-001', 4, 8)] },
    ],
  });
  assert.ok(first.ok, first.error);
}

test('replan: diff from the live placement, then --apply starts the moved function before stopping it', async (t) => {
  const { port, agents, dir, client, models } = await setup(t);
  await deployLive(client);
  // New rates: fn-000 needs 5 cores and fn-002 2; fake-a cannot hold 7, so fn-002 moves to fake-b.
  const workload = join(dir, 'w2.yaml');
  await writeFile(workload, 'functions:\n  - { name: fn-000, rate: 10 }\n  - { name: fn-001, rate: 8 }\n  - { name: fn-002, rate: 4 }\n');
  const base = ['replan', '--coordinator', `127.0.0.1:${port}`, '-w', workload, '-m', models, '--max-moves', '1'];
  const shown = await cli(base);
  assert.equal(shown.code, EXIT.OK, shown.err);
  assert.match(shown.out, /fn-002\s+│ moved\s+│ fake-a:1@2\s+│ fake-b:2@4/);
  assert.match(shown.out, /1 kept, 1 resized, 1 moved, 0 added, 0 removed/);
  assert.match(shown.out, /not applied/);
  assert.equal(agents[0]?.assignments.length, 1, 'nothing applied without --apply');

  const applied = await cli([...base, '--apply', '--json']);
  assert.equal(applied.code, EXIT.OK, applied.err);
  const res = JSON.parse(applied.out) as { applied: boolean; moves: number; waves: Record<string, unknown>[]; capacityDips: string[] };
  assert.equal(res.applied, true);
  assert.equal(res.moves, 1);
  assert.deepEqual(res.capacityDips, []);
  assert.equal(res.waves.length, 2, 'start wave, then stop wave');
  const [a, b] = agents as [FakeAgent, FakeAgent];
  const names = (x: FakeAgent, k: number): string[] => (x.assignments.at(k)?.functions ?? []).map((f) => `${f.function}:${f.cores}`).sort();
  // Wave 1: fake-b starts fn-002 and fake-a grows fn-000 while still running fn-002; wave 2: fake-a drops it.
  assert.deepEqual(names(b, -1), ['fn-001:4', 'fn-002:2']);
  assert.deepEqual(names(a, -2), ['fn-000:5', 'fn-002:1']);
  assert.deepEqual(names(a, -1), ['fn-000:5']);
  assert.ok((a.assignments.at(-1)?.issued_at_ms ?? '0') >= (b.assignments.at(-1)?.issued_at_ms ?? '0'), 'fake-a stopped after fake-b started');

  // Bad input: a missing workload file, a negative cap (exit 2).
  const missing = await cli(['replan', '--coordinator', `127.0.0.1:${port}`, '-w', join(dir, 'w3.yaml'), '-m', models]);
  assert.equal(missing.code, EXIT.BAD_INPUT, 'missing workload file is bad input');
  const bad = await cli([...base.slice(0, -1), '-1']);
  assert.equal(bad.code, EXIT.BAD_INPUT);
  assert.match(bad.err, /--max-moves: expected a whole number >= 0/);
});

test('deploy --split: a function needing 8 cores runs on both 6-CPU hosts, each agent at its rate share', async (t) => {
  const { port, agents, dir, models } = await setup(t);
  const workload = join(dir, 'w.yaml');
  await writeFile(workload, 'functions:\n  - { name: fn-000, rate: 16 }\n');
  const whole = await cli(['deploy', '-w', workload, '-m', models, '--coordinator', `127.0.0.1:${port}`]);
  assert.equal(whole.code, EXIT.FAILURE);
  assert.match(whole.err, /fits nowhere/);
  const r = await cli(['deploy', '-w', workload, '-m', models, '--coordinator', `127.0.0.1:${port}`, '--split', '--json']);
  assert.equal(r.code, EXIT.OK, r.err);
  const shares = agents.map((a) => a.assignments.at(-1)?.functions.find((f) => f.function === 'fn-000'));
  assert.ok(
    shares.every((s) => s && s.cores > 0),
    'both agents run fn-000',
  );
  const total = shares.reduce((s, f) => s + (f?.rate_rps ?? 0), 0);
  assert.ok(Math.abs(total - 16) < 1e-9, `shares add up to 16 req/s, got ${total}`);
  for (const f of shares) assert.ok((f?.cores ?? 0) * 2 >= (f?.rate_rps ?? 0) - 1e-9, 'each share has the cores it needs');
});

test('deploy over a live placement: start before stop, no function below its rate on the way', async (t) => {
  const received: Received = [];
  const { port, dir, client, models } = await setup(t, received);
  await deployLive(client);
  const before = received.length;
  // fn-000 needs 5 cores, fn-001 4, fn-002 2 (2 req/s per core): fake-a (6 CPUs) cannot keep
  // both fn-000 and fn-002, so the new placement changes where something runs.
  const workload = join(dir, 'w2.yaml');
  await writeFile(workload, 'functions:\n  - { name: fn-000, rate: 10 }\n  - { name: fn-001, rate: 8 }\n  - { name: fn-002, rate: 4 }\n');
  const r = await cli(['deploy', '-w', workload, '-m', models, '--coordinator', `127.0.0.1:${port}`, '--json']);
  assert.equal(r.code, EXIT.OK, r.err);
  const res = JSON.parse(r.out) as { deployed: boolean; waves: number; capacityDips: string[] };
  assert.equal(res.deployed, true);
  assert.deepEqual(res.capacityDips, []);
  assert.ok(res.waves >= 2, `a live placement changes in several waves, got ${res.waves}`);
  // Replay what the agents got, in order: a function's capacity (cores x 2 req/s) never falls
  // below the lower of what it had and its new rate, and ends at or above its new rate.
  const rate: Record<string, number> = { 'fn-000': 10, 'fn-001': 8, 'fn-002': 4 };
  const hostState = new Map<string, Map<string, number>>();
  const capacity = (fn: string): number => [...hostState.values()].reduce((s, m) => s + (m.get(fn) ?? 0) * 2, 0);
  const apply = (e: Received[number]): void => void hostState.set(e.host, new Map(e.functions.map((f) => [f.function, f.cores])));
  for (const e of received.slice(0, before)) apply(e);
  const floor = Object.fromEntries(Object.keys(rate).map((fn) => [fn, Math.min(capacity(fn), rate[fn] as number)]));
  assert.ok(received.length > before + 1, 'more than one assignment was sent');
  for (const e of received.slice(before)) {
    apply(e);
    for (const fn of Object.keys(rate)) assert.ok(capacity(fn) >= (floor[fn] as number) - 1e-9, `${fn} fell to ${capacity(fn)} req/s after ${e.host} changed`);
  }
  for (const fn of Object.keys(rate)) assert.ok(capacity(fn) >= (rate[fn] as number) - 1e-9, `${fn} ends with the capacity of its rate`);
});
