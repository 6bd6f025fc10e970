// grafana/dashboards/isawatt.json queries only metrics the exporters really expose: every metric
// name in every panel's PromQL is found in the /metrics output of a real agent (on a fixture host)
// and a real coordinator process. Also: the dashboard is importable (datasource input and
// variable, unique panel ids) and the provisioning files point Grafana at it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { eventually, freePort, REPO_ROOT, startAgent, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  datasource?: { uid: string };
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana/dashboards/isawatt.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
  __inputs: { type: string; pluginId: string }[];
};

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or ranges. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges ($__range too)
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const out: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const after = stripped.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(name)) continue; // a function or aggregation
    out.push(name);
  }
  return out;
}

test('metric names are parsed out of PromQL', () => {
  assert.deepEqual(metricNames('sum by (instance, function) (rate(isawatt_function_invocations_total{outcome="completed"}[1m]))'), [
    'isawatt_function_invocations_total',
  ]);
  assert.deepEqual(metricNames('a_w - on(host) group_left() sum by (host) (b_w)'), ['a_w', 'b_w']);
  assert.deepEqual(metricNames('increase(x_total{kind="total"}[$__range])'), ['x_total']);
});

test('the dashboard is importable and provisionable', () => {
  assert.equal(dashboard.uid, 'isawatt-cluster');
  assert.ok(dashboard.__inputs.some((i) => i.type === 'datasource' && i.pluginId === 'prometheus'));
  assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'));
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
    assert.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
    assert.ok((p.targets ?? []).length > 0, `${p.title} has queries`);
  }
  const prov = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/dashboards/isawatt.yaml'), 'utf8')) as {
    apiVersion: number;
    providers: { type: string; options: { path: string } }[];
  };
  assert.equal(prov.apiVersion, 1);
  assert.equal(prov.providers[0]?.type, 'file');
  const ds = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/prometheus.yaml'), 'utf8')) as { datasources: { type: string }[] };
  assert.equal(ds.datasources[0]?.type, 'prometheus');
});

async function scrape(url: string): Promise<Set<string>> {
  const text = await (await fetch(url)).text();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
}

test('every metric the dashboard queries is exposed by a real agent or the real coordinator', { timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t, 'isawatt-grafana-');
  const [port, coordMetrics, agentHttp] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'coordinator.yaml');
  await writeFile(
    config,
    `cluster: graf\nmetricsListen: "127.0.0.1:${coordMetrics}"\nmqtt:\n  broker: embedded\n  embedded: { host: 127.0.0.1, port: ${await freePort()} }\n`,
  );
  await startCoordinator(t, { port, stateDir: join(dir, 'state'), args: ['--config', config] });
  startAgent(t, { port, hostId: 'xeon-graf', fixture: 'xeon-2s', args: ['--http-listen', `127.0.0.1:${agentHttp}`] });
  const agent = await eventually(
    'agent /metrics',
    async () => {
      const names = await scrape(`http://127.0.0.1:${agentHttp}/metrics`).catch(() => undefined);
      return names && names.has('isawatt_host_power_watts') ? names : undefined;
    },
    60_000,
    250,
  );
  const coordinator = await scrape(`http://127.0.0.1:${coordMetrics}/metrics`);
  const exposed = new Set([...agent, ...coordinator]);
  const queried = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((x) => metricNames(x.expr))));
  assert.ok(queried.size >= 15, `the dashboard queries ${queried.size} metrics`);
  const missing = [...queried].filter((m) => !exposed.has(m));
  assert.deepEqual(missing, [], `queried but not exposed: ${missing.join(', ')}`);
});
