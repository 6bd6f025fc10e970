import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { wire } from '@isawatt/common';
import { hostsTable } from './hosts.js';

function host(over: Partial<wire.Host__Output>): wire.Host__Output {
  return {
    host_id: 'xeon-01',
    state: 'HOST_STATE_UP',
    hello: null,
    registered_at_ms: '1000',
    last_seen_ms: '9000',
    state_since_ms: '1000',
    last_report: null,
    has_last_report: false,
    reports_received: '0',
    reports_duplicate: '0',
    assignment: null,
    acked_assignment_version: '0',
    placements: [],
    pdu_power_w: 0,
    has_pdu_power: false,
    pdu_timestamp_ms: '0',
    peer: '',
    peer_cert_cn: '',
    ...over,
  };
}

test('hosts table: power with its quality and source, PDU power and the agent difference in %', () => {
  const report = { host_power_w: 150, host_quality: 'QUALITY_MEASURED', energy_source: 'rapl', cpu_utilization: 0.42 } as wire.TelemetryReport__Output;
  const text = hostsTable(
    [host({ last_report: report, has_last_report: true, has_pdu_power: true, pdu_power_w: 200 }), host({ host_id: 'altra-01', state: 'HOST_STATE_DOWN' })],
    10_000,
  );
  const xeon = text.split('\n').find((l) => l.includes('xeon-01')) ?? '';
  assert.match(xeon, /150 W \(measured, rapl\)/);
  assert.match(xeon, /200 W/);
  // (150 - 200) / 200 = -25 %: the agent sees CPU domains only, the PDU the whole server.
  assert.match(xeon, /-25\.0%/);
  assert.match(xeon, /42\.0%/);
  assert.match(xeon, /1s ago/);
  const altra = text.split('\n').find((l) => l.includes('altra-01')) ?? '';
  assert.match(altra, /down/);
});
