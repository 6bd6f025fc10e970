// The campaign runner against a fake coordinator: bags run on one host per type, failed bags are
// retried, a host that drops costs only its bag, and an interrupted campaign resumed with the same
// parameters gives exactly the models of an uninterrupted one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { wire } from '@isawatt/common';
import { aggregate } from './aggregate.js';
import { runCampaign, samplesOf, type CampaignPlan, type ProfileApi } from './campaign.js';

const plan: CampaignPlan = {
  campaignId: 'ctest',
  bags: [
    ['a', 'b'],
    ['b', 'c'],
    ['a', 'c'],
    ['a', 'b'],
  ],
  hostTypes: [
    { hostType: 'x', arch: 'x86_64', hosts: [{ hostId: 'x1', hostType: 'x', arch: 'x86_64', functionCpus: 4 }], coresPerFunction: 2 },
    { hostType: 'y', arch: 'aarch64', hosts: [{ hostId: 'y1', hostType: 'y', arch: 'aarch64', functionCpus: 4 }], coresPerFunction: 2 },
  ],
  durationMs: 1000,
  warmupMs: 0,
  idleMs: 500,
};

interface FakeOptions {
  /** The agent answers "busy" this many times before running anything. */
  busyFirst?: number;
  /** Throws (host dropped) for these job ids' first attempt. */
  dropOnce?: Set<string>;
  /** Agent answers ok = false for every attempt of these "bag/type". */
  alwaysFail?: Set<string>;
}

/** A deterministic fake: figures depend on (bag, host type, function) only. */
function fakeApi(opts: FakeOptions = {}): ProfileApi & { stored: wire.StoredBagResult__Output[]; calls: string[] } {
  const stored: wire.StoredBagResult__Output[] = [];
  const calls: string[] = [];
  const dropped = new Set<string>();
  return {
    stored,
    calls,
    begin: (_id, resume) => {
      if (!resume) stored.splice(0);
      return Promise.resolve([...stored]);
    },
    runBag: async (hostId, job) => {
      calls.push(job.job_id ?? '');
      await new Promise((r) => setImmediate(r));
      const [, bagPart, type] = (job.job_id ?? '').split(':');
      const bag = Number(bagPart?.slice(1));
      const key = `${job.job_id}`;
      if (opts.dropOnce?.has(key) && !dropped.has(key)) {
        dropped.add(key);
        throw new Error(`host "${hostId}": went down during profile job ${key}`);
      }
      if ((opts.busyFirst ?? 0) > 0) {
        opts.busyFirst = (opts.busyFirst ?? 0) - 1;
        return {
          hostType: type ?? '',
          result: {
            job_id: job.job_id ?? '',
            ok: false,
            error: 'host is busy with profile job old',
            cancelled: false,
            functions: [],
          } as unknown as wire.BagResult__Output,
        };
      }
      const failing = opts.alwaysFail?.has(`${bag}/${type}`) === true;
      const result = {
        job_id: job.job_id ?? '',
        ok: !failing,
        error: failing ? 'worker start failed' : '',
        cancelled: false,
        functions: failing
          ? []
          : (job.functions ?? []).map((f) => ({
              function: f,
              completed: '100',
              errors: '0',
              exec_per_sec_per_core: (type === 'x' ? 100 : 60) * (1 + bag / 100) + f.charCodeAt(0),
              energy_uj: '0',
              dynamic_energy_uj: '0',
              energy_per_exec_j: (type === 'x' ? 0.02 : 0.01) * (1 + bag / 50),
              quality: 'QUALITY_EMULATED',
              cores: 2,
              cpu_time_us: '0',
              invocations: null,
            })),
        host_energy_uj: '0',
        host_power_w: 0,
        duration_ms: 1000,
        idle_power_w: (job.idle_ms ?? 0) > 0 ? (type === 'x' ? 75 : 48) : 0,
        idle_duration_ms: job.idle_ms ?? 0,
        host_quality: 'QUALITY_EMULATED',
        energy_source: 'rapl',
        attribution: 'smartwatts',
        model_error_w: 0.5,
        idle_energy_uj: '0',
        ticks: 2,
      } as unknown as wire.BagResult__Output;
      if (result.ok) stored.push({ host_id: hostId, host_type: type ?? '', result, stored_at_ms: '0' });
      return { hostType: type ?? '', result };
    },
    hostUp: () => Promise.resolve(true),
    cancel: () => Promise.resolve({ confirmed: ['running'], unconfirmed: [] }),
  };
}

const modelsOf = (done: Parameters<typeof samplesOf>[0]): unknown => {
  const { samples, idle } = samplesOf(done);
  return aggregate(samples, idle);
};

test('an uninterrupted campaign runs every bag once on each host type, idle once per host', async () => {
  const api = fakeApi();
  const out = await runCampaign(plan, api, { resume: false, signal: new AbortController().signal });
  assert.equal(out.done.length, 8);
  assert.deepEqual(out.failed, []);
  assert.equal(out.retries, 0);
  assert.equal(out.interrupted, false);
  assert.equal(api.calls.length, 8);
  const idle = out.done
    .filter((d) => d.result.idle_duration_ms > 0)
    .map((d) => d.hostId)
    .sort();
  assert.deepEqual(idle, ['x1', 'y1']);
  const m = modelsOf(out.done) as Record<string, { functions: Record<string, { spread: { bags: number } }>; idlePowerW: number }>;
  assert.equal(m.x?.functions.a?.spread.bags, 3);
  assert.equal(m.y?.idlePowerW, 48);
});

test('interrupt + resume: the same models as an uninterrupted campaign with the same plan', async () => {
  const reference = await runCampaign(plan, fakeApi(), { resume: false, signal: new AbortController().signal });
  const api = fakeApi();
  const abort = new AbortController();
  const first = await runCampaign(plan, api, { resume: false, signal: abort.signal, onProgress: (p) => p.done >= 3 && abort.abort() });
  assert.equal(first.interrupted, true);
  assert.ok(first.done.length >= 3 && first.done.length < 8, `done ${first.done.length}`);
  assert.deepEqual(first.cancel, { confirmed: ['running'], unconfirmed: [] });
  const callsBefore = api.calls.length;
  const second = await runCampaign(plan, api, { resume: true, signal: new AbortController().signal });
  assert.equal(second.resumed, first.done.length);
  assert.equal(second.done.length, 8);
  assert.equal(api.calls.length - callsBefore, 8 - first.done.length, 'only the missing bag runs ran again');
  assert.deepEqual(modelsOf(second.done), modelsOf(reference.done));
});

test('a host that drops mid-bag fails only that bag, which is retried', async () => {
  const api = fakeApi({ dropOnce: new Set(['ctest:b1:x:a1']) });
  const out = await runCampaign(plan, api, { resume: false, signal: new AbortController().signal, pollMs: 1 });
  assert.equal(out.done.length, 8);
  assert.equal(out.retries, 1);
  assert.ok(api.calls.includes('ctest:b1:x:a2'));
  assert.equal(api.calls.filter((c) => c.includes(':y:')).length, 4, 'the other host type is not affected');
});

test('a bag the agent fails every time is reported after maxAttempts; the others complete', async () => {
  const api = fakeApi({ alwaysFail: new Set(['2/y']) });
  const out = await runCampaign(plan, api, { resume: false, signal: new AbortController().signal, maxAttempts: 3 });
  assert.equal(out.done.length, 7);
  assert.deepEqual(out.failed, [{ bag: 2, hostType: 'y', error: 'y1: worker start failed' }]);
  assert.equal(out.retries, 2);
});

test('a host still busy with an earlier job makes the bag wait, without using up its attempts', async () => {
  const api = fakeApi({ busyFirst: 4 });
  const out = await runCampaign(plan, api, { resume: false, signal: new AbortController().signal, maxAttempts: 1, busyWaitMs: 1 });
  assert.equal(out.done.length, 8);
  assert.deepEqual(out.failed, []);
});
