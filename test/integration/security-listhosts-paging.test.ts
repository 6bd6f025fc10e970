// Security: the "size" reproducer. Five reports of 110,000 functions made ListHosts stall
// the coordinator for ~12 s per call and marked real hosts down. Now such a report is refused
// (over the 4 MiB message cap: RESOURCE_EXHAUSTED; over the 4,096-function cap: rejected), and
// the heaviest state a host can still carry (catalogue and report at their caps) reaches the CLI
// through ListHosts pages that each hold a bounded number of function entries. Meanwhile light
// hosts keep reporting and none of them is ever marked down. Page times are printed as
// diagnostics, never asserted (bench/ measures speed).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '@isawatt/common';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator } from '../../packages/coordinator/src/main.js';
import { MAX_PAGE_FUNCTIONS, MAX_PAGE_SIZE } from '../../packages/coordinator/src/server/control-service.js';
import { REPORT_BOUNDS } from '../../packages/coordinator/src/server/codec.js';
import { FakeAgent, functionName } from '../helpers/fake-agent.js';
import { eventually } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const HEAVY = REPORT_BOUNDS.maxFunctions;

test('ListHosts pages bounded state; oversized reports are refused; real hosts stay up', async (t) => {
  const dir = await tempDir(t, 'isawatt-listhosts-');
  const { config } = loadCoordinatorConfig({ env: {}, flags: { listen: '127.0.0.1:0', stateDir: join(dir, 'state'), hostDownAfterMs: 3000, insecure: true } });
  const c = buildCoordinator(config, silentLogger());
  for (const s of c.services) await s.init?.();
  t.after(async () => {
    for (const s of [...c.services].reverse()) await s.shutdown?.();
  });
  const address = `127.0.0.1:${c.grpc.port}`;
  const cc = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 10_000 });
  t.after(() => cc.close());
  const agents: FakeAgent[] = [];
  const make = (hostId: string, functions: number): FakeAgent => {
    // Own connection per agent, as real agents on their own machines have (grpc-js would otherwise
    // share one HTTP/2 connection among same-target channels of this process).
    const a = new FakeAgent({ address, hostId, functions, functionCpus: 6, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
    agents.push(a);
    t.after(() => a.close());
    return a;
  };
  const downs: string[] = [];
  c.registry.on('host-down', (h, reason) => downs.push(`${h.hostId}: ${reason}`));

  // Real, light hosts report every 250 ms for the whole test.
  const real = ['real-1', 'real-2', 'real-3'].map((id) => make(id, 4));
  for (const a of real) await a.attach();
  const ticker = setInterval(() => {
    for (const a of real) a.tick(250);
  }, 250);
  t.after(() => clearInterval(ticker));

  // The reproducer: a host whose reports carry 110,000 functions. Five of them, as in the issue.
  const hostile = make('hostile', 4);
  await hostile.attach();
  const base = hostile.tick(1000, false);
  const huge = Array.from({ length: 110_000 }, (_, i) => ({ ...base.functions?.[0], function: functionName(i % 1000) }));
  const refused = hostile.streamError();
  for (let i = 0; i < 5; i++) hostile.send({ telemetry: { ...base, seq: String(10 + i), functions: huge } });
  const err = await refused;
  assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED, `expected RESOURCE_EXHAUSTED, got ${err.code} ${err.details}`);
  // Under the message cap but over the function cap: rejected, the host stays usable.
  const over = make('over-cap', 4);
  await over.attach();
  const rejectedBefore = c.agentLink.stats.reportsRejected;
  over.send({
    telemetry: { ...over.tick(1000, false), functions: Array.from({ length: HEAVY + 1 }, (_, i) => ({ ...base.functions?.[0], function: functionName(i) })) },
  });
  await eventually('over-cap report rejected', () => (c.agentLink.stats.reportsRejected > rejectedBefore ? true : undefined));
  assert.equal((await cc.getHost('over-cap')).reports_received, '0');

  // Five hosts at the caps: 4,096 catalogue entries and five reports of 4,096 functions each.
  const heavy = ['heavy-1', 'heavy-2', 'heavy-3', 'heavy-4', 'heavy-5'].map((id) => make(id, HEAVY));
  for (const a of heavy) {
    await a.attach();
    for (let i = 0; i < 5; i++) a.tick(1000);
  }
  await eventually(
    'heavy reports stored',
    async () => {
      for (const a of heavy) if ((await cc.getHost(a.opts.hostId)).reports_received !== '5') return undefined;
      return true;
    },
    30_000,
  );

  // Every page stays within the function budget; following tokens yields every host once.
  const pageMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    const seen: string[] = [];
    let token = '';
    do {
      const t0 = performance.now();
      const page = await cc.listHostsPage(token);
      pageMs.push(performance.now() - t0);
      const entries = page.hosts.reduce((n, h) => n + 1 + (h.hello?.catalogue.length ?? 0) + (h.last_report?.functions.length ?? 0) + h.placements.length, 0);
      assert.ok(page.hosts.length === 1 || entries <= MAX_PAGE_FUNCTIONS, `page of ${page.hosts.length} hosts carries ${entries} function entries`);
      assert.equal(page.total_hosts, 10);
      seen.push(...page.hosts.map((h) => h.host_id));
      token = page.next_page_token;
    } while (token !== '');
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, 10);
  }
  const all = await cc.listHosts();
  assert.equal(all.hosts.length, 10);
  assert.equal(all.hosts.find((h) => h.host_id === 'heavy-1')?.last_report?.functions.length, HEAVY);
  t.diagnostic(
    `ListHosts pages: ${pageMs.length}, slowest ${Math.max(...pageMs).toFixed(0)} ms, median ${[...pageMs].sort((a, b) => a - b)[pageMs.length >> 1]?.toFixed(0)} ms`,
  );

  // Paging parameters are validated.
  await assert.rejects(cc.listHostsPage('', MAX_PAGE_SIZE + 1), /page_size: at most 1000/);
  await assert.rejects(cc.listHostsPage('not-a-token'), /page_token: not a token this coordinator issued/);
  const small = await cc.listHostsPage('', 2);
  assert.equal(small.hosts.length, 1, 'the first host is heavy: the function budget cuts the page before page_size');

  // The real hosts were never marked down, and are up now.
  for (const a of real) assert.equal((await cc.getHost(a.opts.hostId)).state, 'HOST_STATE_UP');
  assert.deepEqual(
    downs.filter((d) => d.startsWith('real-')),
    [],
  );
});
