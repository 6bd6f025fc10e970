// The broker's cancel covers a campaign's bag whose ProfileBag call arrives after the cancel: an
// interrupted CLI can have handed a host its next bag just as it sent CancelProfile, and that bag
// must not run with nobody waiting for it. Begun again (a new run or --resume), the campaign's bags
// are accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type wire } from '@isawatt/common';
import { HostRegistry } from '../registry/host-registry.js';
import type { Hello } from '../registry/types.js';
import { CampaignStore } from './campaign-store.js';
import { CampaignCancelledError, ProfileBroker, type ProfileChannel } from './profile-broker.js';
import { testHello } from '../registry/hello.test-support.js';

const hello = (hostId: string): Hello =>
  testHello(hostId, { sockets: 1, physicalCores: 8, logicalCpus: 8, functionCpus: [1, 2, 3], hostType: 'xeon', memoryBytes: 0n });

const job = (jobId: string, campaignId: string): wire.ProfileJob__Output =>
  ({
    job_id: jobId,
    campaign_id: campaignId,
    functions: ['jwt-node'],
    cores_per_function: 1,
    duration_ms: 1000,
    warmup_ms: 0,
    idle_ms: 0,
  }) as unknown as wire.ProfileJob__Output;

test('a bag of a cancelled campaign is refused until the campaign is begun again', async (t) => {
  const registry = new HostRegistry({ store: undefined, hostDownAfterMs: 60_000, flushIntervalMs: 60_000, log: silentLogger() });
  await registry.start();
  t.after(() => registry.stop());
  await registry.attach(hello('xeon-1'), { sendAssignment: () => true, close: () => undefined }, '127.0.0.1:1', '');
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-broker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const broker = new ProfileBroker(registry, new CampaignStore(dir), silentLogger());
  const sent: string[] = [];
  const cancels: string[] = [];
  const channel: ProfileChannel = {
    sendProfileJob: (_h, j) => (sent.push(j.job_id ?? ''), true),
    sendProfileCancel: (_h, id) => (cancels.push(id), true),
    isAttached: () => true,
  };
  broker.attachChannel(channel);

  // Nothing runs yet when the cancel comes: the bag's call is still on its way.
  const cancelled = await broker.cancel('camp-1', [], 1000);
  assert.deepEqual(cancelled, { confirmed: [], unconfirmed: [] });
  const call = new AbortController();
  await assert.rejects(broker.runBag('xeon-1', job('camp-1:bag0', 'camp-1'), 5000, call.signal), (err: unknown) => {
    assert.ok(err instanceof CampaignCancelledError, String(err));
    assert.match(err.message, /campaign camp-1 was cancelled; begin it again/);
    return true;
  });
  assert.deepEqual(sent, [], 'the refused bag never reached the agent');

  // Another campaign is not affected, and begun again the cancelled one runs.
  broker.beginCampaign('camp-1');
  const running = broker.runBag('xeon-1', job('camp-1:bag0', 'camp-1'), 5000, call.signal);
  assert.deepEqual(sent, ['camp-1:bag0']);
  broker.onBagResult('xeon-1', { job_id: 'camp-1:bag0', ok: true, error: '', cancelled: false, functions: [] } as unknown as wire.BagResult__Output);
  const out = await running;
  assert.equal(out.result.ok, true);
  assert.deepEqual(cancels, []);
});
