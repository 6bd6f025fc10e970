// docs/mqtt.md stays true: its YAML config examples pass the real schema, and its JSON payload
// examples have exactly the keys the payload builders produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { mqttConfigSchema } from './config.js';
import { FakeBridgeSource } from './fake-bridge-source.test-support.js';
import { coordinatorStatePayload, functionPowerPayload, hostPowerPayload, hostStatePayload, placementPayload } from './payloads.js';

const doc = readFileSync(new URL('../../../../docs/mqtt.md', import.meta.url), 'utf8');
const blocks = (lang: string): string[] => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');

test('every YAML example in docs/mqtt.md is a valid mqtt config', () => {
  const yamls = blocks('yaml');
  assert.ok(yamls.length >= 2);
  for (const y of yamls) {
    const mqtt = (parse(y) as { mqtt?: unknown }).mqtt;
    const r = mqttConfigSchema.safeParse(mqtt);
    assert.ok(r.success, `${y}\n${JSON.stringify(r.error?.issues)}`);
  }
});

test('JSON payload examples in docs/mqtt.md have the keys the bridge publishes', () => {
  const s = new FakeBridgeSource();
  const h = s.addHost('xeon-1');
  s.applyAssignment('xeon-1', 1n, [{ function: 'f', cores: 1, rateRps: 1 }]);
  const [r] = s.tick(1000, 1);
  assert.ok(r?.functions[0]);
  const keys = (o: object): string => Object.keys(o).sort().join(',');
  const expected = new Set([
    keys(hostPowerPayload(r, { energyJ: 1, sinceMs: 1 }, { powerW: 100, timestampMs: 1 })),
    keys(functionPowerPayload(r, r.functions[0], { energyJ: 1, sinceMs: 1 })),
    keys(hostStatePayload(h, 1)),
    keys(placementPayload(s.placement(), 1)),
    keys(coordinatorStatePayload('online', { cluster: 'lab', startedAtMs: 1 }, 1)),
    keys(coordinatorStatePayload('offline', { cluster: 'lab', startedAtMs: 1 }, 1, 'connection lost')),
  ]);
  // A block holds one object, or several, each starting at the beginning of a line.
  const documented = blocks('json').flatMap((j) => j.split(/\n(?=\{)/).map((o) => keys(JSON.parse(o) as object)));
  for (const e of expected) assert.ok(documented.includes(e), `docs/mqtt.md lacks a payload example with keys ${e}`);
});
