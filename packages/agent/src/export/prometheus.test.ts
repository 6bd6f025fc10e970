import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@isawatt/common';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { PrometheusExporter } from './prometheus.js';

class FakeTelemetry extends EventEmitter<{ snapshot: [TickSnapshot] }> implements TelemetrySource {
  last: TickSnapshot | undefined;
  snapshot(): TickSnapshot | undefined {
    return this.last;
  }
  publish(s: TickSnapshot): void {
    this.last = s;
    this.emit('snapshot', s);
  }
}

function tick(seq: bigint, fns: TickSnapshot['functions'], attribution = 'cputime-share'): TickSnapshot {
  return {
    seq,
    timestampMs: 1_767_225_600_000 + Number(seq) * 1000,
    intervalMs: 1000,
    cpuUtilization: 0.5,
    cpuUtilizationPerCpu: [1, 0],
    cpuFrequencyMhz: 0,
    hostEnergyUj: 40_000_000n,
    hostPowerW: 40,
    hostQuality: 'estimated',
    energySource: 'estimated',
    domains: [{ domain: 'estimated-cpu', socket: 0, energyUj: 40_000_000n, powerW: 40, quality: 'estimated', source: 'estimated', inHostTotal: true }],
    attribution,
    modelErrorW: -1,
    idleEnergyUj: 40_000_000n - fns.reduce((a, f) => a + f.dynamicEnergyUj, 0n),
    functions: fns,
    assignmentVersion: 1n,
    agentCpuTimeUs: 1000n,
    agentRssBytes: 1,
  };
}

const fn = (name: string, dynUj: bigint, totalUj: bigint): TickSnapshot['functions'][number] => ({
  function: name,
  dynamicEnergyUj: dynUj,
  totalEnergyUj: totalUj,
  powerW: Number(totalUj) / 1e6,
  cpuTimeUs: 500_000n,
  cores: 1,
  quality: 'estimated',
  invocations: { completed: 10, errors: 1, timeouts: 0, dropped: 3, expired: 1, latencyP50Ms: 1, latencyP95Ms: 2, latencyP99Ms: 3, achievedRps: 10 },
});

test('counters accumulate joules per tick, gauges follow the last tick, departed functions lose their gauges', async (t) => {
  const source = new FakeTelemetry();
  const exp = new PrometheusExporter({ source, log: silentLogger(), processMetrics: false });
  exp.start();
  t.after(() => exp.stop());
  source.publish(tick(1n, [fn('jwt-node', 15_000_000n, 30_000_000n), fn('zip-node', 5_000_000n, 10_000_000n)]));
  source.publish(tick(2n, [fn('jwt-node', 15_000_000n, 30_000_000n)]));
  const text = await exp.metrics();
  assert.match(text, /isawatt_host_energy_joules_total\{domain="estimated-cpu",source="estimated",quality="estimated"\} 80\n/);
  assert.match(text, /isawatt_function_energy_joules_total\{function="jwt-node",kind="dynamic",quality="estimated"\} 30\n/);
  assert.match(text, /isawatt_function_energy_joules_total\{function="jwt-node",kind="total",quality="estimated"\} 60\n/);
  assert.match(text, /isawatt_function_energy_joules_total\{function="zip-node",kind="dynamic",quality="estimated"\} 5\n/);
  assert.match(text, /isawatt_function_invocations_total\{function="jwt-node",outcome="completed"\} 20\n/);
  // Outcomes add up to the answers: of 3 dropped a tick, 1 expired in the queue and has its own label.
  assert.match(text, /isawatt_function_invocations_total\{function="jwt-node",outcome="dropped"\} 4\n/);
  assert.match(text, /isawatt_function_invocations_total\{function="jwt-node",outcome="expired"\} 2\n/);
  assert.match(text, /isawatt_function_power_watts\{function="jwt-node",quality="estimated"\} 30\n/);
  assert.doesNotMatch(text, /isawatt_function_power_watts\{function="zip-node"/);
  assert.match(text, /isawatt_host_idle_energy_joules_total\{attribution="cputime-share",quality="estimated"\} 45\n/);
  assert.match(text, /isawatt_attribution_model_error_watts\{attribution="cputime-share"\} -1\n/);
  assert.match(text, /isawatt_attribution_info\{attribution="cputime-share",energy_source="estimated",quality="estimated"\} 1\n/);
});

test('GET /metrics over real HTTP; other methods get 405', async (t) => {
  const source = new FakeTelemetry();
  source.publish(tick(1n, [fn('jwt-node', 1_000_000n, 2_000_000n)], 'smartwatts'));
  const exp = new PrometheusExporter({ source, log: silentLogger() });
  exp.start();
  const handler = exp.handler();
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    exp.stop();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const body = await res.text();
  assert.match(body, /isawatt_function_energy_joules_total\{function="jwt-node",kind="total",quality="estimated"\} 2\n/);
  assert.match(body, /isawatt_agent_process_resident_memory_bytes \d+/);
  const post = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
  assert.equal(post.status, 405);
  await post.text();
});
