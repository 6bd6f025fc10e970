// The cluster families rendered as text (cluster-metrics-text.ts) against what prom-client
// rendered for them before (prom-client-reference.test-support.ts keeps that code), parsed,
// on the same registry state: ordinary values, hostile label values (quotes, backslashes,
// newlines, separators), labels given twice, hosts down, no report, no assignment, no PDU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { silentLogger } from '@isawatt/common';
import { HostRegistry, type AgentChannel } from '../registry/host-registry.js';
import { ColumnReport, FN, FN_STRIDE, QUALITY_BY_CODE } from '../registry/ingested-report.js';
import type { FunctionAssignment, FunctionTick, Hello, TelemetryTick } from '../registry/types.js';
import { ClusterMetricsText, type PduLatest } from './cluster-metrics-text.js';
import { MetricsService } from './metrics-service.js';
import { referenceRegistry } from './prom-client-reference.test-support.js';
import { testHello } from '../registry/hello.test-support.js';

// ---- a strict parser of the text exposition format (0.0.4) ----

interface Parsed {
  /** name -> [help, type] */
  families: Map<string, [string, string]>;
  /** name{label="value",...} with labels decoded and sorted -> value as written */
  samples: Map<string, string>;
  /** Decoded label sets per sample key (to check what the escapes decode to). */
  labels: Map<string, Record<string, string>>;
}

function unescape(s: string, quotes: boolean): string {
  return s.replace(/\\(.)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (c === '"' && quotes) return '"';
    throw new Error(`bad escape \\${c}`);
  });
}

function parse(text: string): Parsed {
  const out: Parsed = { families: new Map(), samples: new Map(), labels: new Map() };
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const f = out.families.get(name) ?? ['', ''];
      const i = kind === 'HELP' ? 0 : 1;
      assert.equal(f[i], '', `${kind} of ${name} given once`);
      f[i] = kind === 'HELP' ? unescape(rest, false) : rest;
      out.families.set(name, f);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${JSON.stringify(line)}`);
    const [, name, body = '', value] = m as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)/y;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const lm = re.exec(body);
      assert.ok(lm, `labels of ${JSON.stringify(line)} at ${pos}`);
      const [all, k, v] = lm as unknown as [string, string, string];
      assert.ok(!(k in labels), `label ${k} once`);
      labels[k] = unescape(v, true);
      pos += all.length;
    }
    const key = name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    assert.ok(!out.samples.has(key), `one sample per label set: ${line}`);
    out.samples.set(key, value);
    out.labels.set(key, labels);
  }
  return out;
}

async function renderNew(registry: HostRegistry, pdu: PduLatest | undefined, sliceMs?: number): Promise<string> {
  const chunks = await new ClusterMetricsText(registry, pdu, sliceMs).render();
  // What follows prom-client's own output in the response (it ends in a newline).
  return Buffer.concat([Buffer.from('# HELP x_placeholder x\n# TYPE x_placeholder gauge\n'), ...chunks]).toString('utf8');
}

function assertSame(newText: string, refText: string): Parsed {
  const a = parse(newText);
  const b = parse(refText);
  a.families.delete('x_placeholder');
  assert.deepEqual([...a.families].sort(), [...b.families].sort());
  assert.deepEqual(new Map([...a.samples].sort()), new Map([...b.samples].sort()));
  return a;
}

// ---- registry state ----

const hello = (hostId: string): Hello => testHello(hostId);

function channel(): AgentChannel {
  return { sendAssignment: () => true, close: () => undefined };
}

interface Fn {
  name: string;
  achievedRps: number;
  powerW: number;
  /** Index in QUALITY_BY_CODE. */
  quality: number;
  /** false: the function carried no InvocationStats (achieved 0). */
  invocations: boolean;
}

/** A report in columns, as the AgentLink decoder leaves it. */
function columns(seq: bigint, fns: readonly Fn[], source: string, hostPowerW: number): ColumnReport {
  const r = new ColumnReport();
  r.reset(fns.length);
  Object.assign(r, { seq, sessionId: 's1', timestampMs: 1_700_000_000_000, intervalMs: 1000, hostPowerW, hostQuality: 1, energySource: source });
  fns.forEach((f, i) => {
    r.names[i] = f.name;
    const o = i * FN_STRIDE;
    r.cols[o + FN.powerW] = f.powerW;
    r.cols[o + FN.quality] = f.quality;
    r.cols[o + FN.hasInvocations] = f.invocations ? 1 : 0;
    if (f.invocations) r.cols[o + FN.achievedRps] = f.achievedRps;
  });
  return r;
}

/** The same report as objects (the reference decoder's output). */
function objects(seq: bigint, fns: readonly Fn[], source: string, hostPowerW: number): TelemetryTick {
  const inv = (f: Fn): FunctionTick['invocations'] => ({
    completed: 0n,
    errors: 0n,
    timeouts: 0n,
    dropped: 0n,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    latencyP99Ms: 0,
    achievedRps: f.invocations ? f.achievedRps : 0,
  });
  return {
    seq,
    timestampMs: 1_700_000_000_000,
    intervalMs: 1000,
    sessionId: 's1',
    cpuUtilization: 0.5,
    cpuUtilizationPerCpu: [],
    cpuFrequencyMhz: 0,
    hostEnergyUj: 0n,
    hostPowerW,
    hostQuality: 'estimated',
    energySource: source,
    domains: [],
    attribution: 'none',
    modelErrorW: -1,
    idleEnergyUj: 0n,
    functions: fns.map((f) => ({
      function: f.name,
      dynamicEnergyUj: 0n,
      totalEnergyUj: 0n,
      powerW: f.powerW,
      cpuTimeUs: 0n,
      cores: 1,
      invocations: inv(f),
      quality: QUALITY_BY_CODE[f.quality] ?? 'unknown',
    })),
    assignmentVersion: 0n,
    agentCpuTimeUs: 0n,
    agentRssBytes: 0n,
  };
}

const HOSTILE = ['q"uote', 'back\\slash', 'new\nline', '\\"\\n', 'a,host:b', 'x}y{z', 'eq="v"', 'ünïcødé ✓', '', ' '];

const fn = (name: string, i: number, extra: Partial<Fn> = {}): Fn => ({
  name,
  achievedRps: i * 1.25,
  powerW: 0.1 * i,
  quality: i % 5,
  invocations: i % 3 !== 0,
  ...extra,
});

interface HostSpec {
  id: string;
  fns?: Fn[];
  /** 'columns' (AgentLink fast path) or 'objects' (reference decoder). */
  as?: 'columns' | 'objects';
  source?: string;
  hostPowerW?: number;
  assignment?: FunctionAssignment[];
  down?: boolean;
}

async function registryWith(hosts: HostSpec[]): Promise<HostRegistry> {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 3_600_000, flushIntervalMs: 3_600_000, log: silentLogger() });
  for (const h of hosts) {
    const { attachmentId } = await reg.attach(hello(h.id), channel(), 'peer', '');
    if (h.fns) {
      const src = h.source ?? 'rapl';
      const pw = h.hostPowerW ?? 120.5;
      reg.ingest(h.id, attachmentId, h.as === 'objects' ? objects(1n, h.fns, src, pw) : columns(1n, h.fns, src, pw));
    }
    if (h.assignment) await reg.issue(h.id, h.assignment);
    if (h.down) reg.detach(h.id, attachmentId, 'test');
  }
  return reg;
}

const pduOf = (powers: Record<string, number>): PduLatest => ({
  latest: (hostId) => (Object.hasOwn(powers, hostId) ? { powerW: powers[hostId] as number, timestampMs: 0 } : undefined),
});

test('the cluster families as text are what prom-client rendered, parsed, on the same registry state', async () => {
  const reg = await registryWith([
    { id: 'h-a', fns: Array.from({ length: 30 }, (_, i) => fn(`fn-${i}`, i)), assignment: [{ function: 'fn-1', cores: 2, rateRps: 12.5, arrival: '' }] },
    { id: 'h-b', fns: [fn('f', 1), fn('g', 2, { powerW: 1e300, achievedRps: 5e-324 })], as: 'objects', source: 'xgene-hwmon', hostPowerW: 0 },
    { id: 'h-c' /* up, no report yet */, assignment: [{ function: 'idle', cores: 0, rateRps: 3, arrival: '' }] },
    { id: 'h-d', fns: [fn('gone', 1)], down: true, assignment: [{ function: 'gone', cores: 1, rateRps: 1, arrival: '' }] },
    { id: 'h-e', fns: [], assignment: [] },
  ]);
  try {
    const pdu = pduOf({ 'h-a': 301.25, 'h-d': 99, 'h-e': 0 });
    const ref = await referenceRegistry(reg, pdu).metrics();
    const got = assertSame(await renderNew(reg, pdu), ref);
    // The state is what it says: h-d is down, h-c has no report, cores 0 are not placed.
    const hostsOf = (name: string): string[] => [...got.labels].filter(([k]) => k.startsWith(name + '[')).map(([, l]) => l.host as string);
    assert.deepEqual([...new Set(hostsOf('isawatt_coordinator_host_power_watts'))].sort(), ['h-a', 'h-b', 'h-e']);
    assert.deepEqual(hostsOf('isawatt_coordinator_function_rate_rps'), ['h-a']);
    assert.deepEqual(hostsOf('isawatt_coordinator_pdu_power_watts').sort(), ['h-a', 'h-e']);
    assert.equal(hostsOf('isawatt_coordinator_function_power_watts').length, 32);
    // Without a PDU the family is there, empty.
    const noPdu = assertSame(await renderNew(reg, undefined), await referenceRegistry(reg, undefined).metrics());
    assert.ok(noPdu.families.has('isawatt_coordinator_pdu_power_watts'));
    assert.equal([...noPdu.samples.keys()].filter((k) => k.startsWith('isawatt_coordinator_pdu_power_watts[')).length, 0);
  } finally {
    await reg.stop();
  }
});

test('hostile label values are escaped as the exposition format requires and decode back to themselves', async () => {
  const fns = HOSTILE.map((name, i) => fn(name, i + 1));
  const reg = await registryWith([
    { id: 'h-1', fns, source: 'src"\\\nx', assignment: HOSTILE.map((name, i) => ({ function: name, cores: i + 1, rateRps: i / 2, arrival: '' })) },
    { id: 'h-2', fns, as: 'objects', source: 'rapl' },
  ]);
  try {
    const got = assertSame(await renderNew(reg, undefined), await referenceRegistry(reg, undefined).metrics());
    for (const host of ['h-1', 'h-2']) {
      const names = [...got.labels].filter(([k, l]) => k.startsWith('isawatt_coordinator_function_power_watts[') && l.host === host).map(([, l]) => l.function);
      assert.deepEqual(names.sort(), [...HOSTILE].sort(), host);
    }
    const sources = [...got.labels].filter(([k]) => k.startsWith('isawatt_coordinator_host_power_watts[')).map(([, l]) => l.source);
    assert.deepEqual(sources.sort(), ['rapl', 'src"\\\nx']);
  } finally {
    await reg.stop();
  }
});

test('a function given twice shows once, in its first place with its last figures, as a gauge set twice did', async () => {
  const reg = await registryWith([
    {
      id: 'h-1',
      fns: [fn('a', 1, { quality: 1 }), fn('b', 2), fn('a', 3, { quality: 1 }), fn('a', 4, { quality: 2 })],
      assignment: [
        { function: 'x', cores: 1, rateRps: 1, arrival: '' },
        { function: 'x', cores: 4, rateRps: 9, arrival: '' },
      ],
    },
    { id: 'h-2', fns: [fn('a', 1), fn('a', 5)], as: 'objects' },
  ]);
  try {
    const got = assertSame(await renderNew(reg, undefined), await referenceRegistry(reg, undefined).metrics());
    const key = (name: string, labels: [string, string][]): string => name + JSON.stringify(labels);
    assert.equal(
      got.samples.get(
        key('isawatt_coordinator_function_achieved_rps', [
          ['function', 'a'],
          ['host', 'h-1'],
        ]),
      ),
      '5',
    );
    assert.equal(
      got.samples.get(
        key('isawatt_coordinator_function_cores', [
          ['function', 'x'],
          ['host', 'h-1'],
        ]),
      ),
      '4',
    );
  } finally {
    await reg.stop();
  }
});

test('any function names and figures (seeded): the text parses to what prom-client rendered', async () => {
  const name = fc.string({ unit: fc.constantFrom('a', 'b', '"', '\\', '\n', ',', ':', '=', '{', '}', ' ', 'é', '\u{1F600}'), maxLength: 6 });
  const figure = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1e-7, 123456789.123));
  const fnArb = fc.record({ name, achievedRps: figure, powerW: figure, quality: fc.integer({ min: 0, max: 4 }), invocations: fc.boolean() });
  await fc.assert(
    fc.asyncProperty(fc.array(fnArb, { maxLength: 12 }), fc.constantFrom<'columns' | 'objects'>('columns', 'objects'), async (fns, as) => {
      const reg = await registryWith([
        { id: 'h-1', fns, as, assignment: fns.map((f, i) => ({ function: f.name, cores: i % 3, rateRps: f.powerW, arrival: '' })) },
      ]);
      try {
        assertSame(await renderNew(reg, undefined, 0), await referenceRegistry(reg, undefined).metrics());
      } finally {
        await reg.stop();
      }
    }),
    { seed: 15, numRuns: 300 },
  );
});

test('a long render yields to the event loop between hosts and reads each host as it is when reached', async () => {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 3_600_000, flushIntervalMs: 3_600_000, log: silentLogger() });
  try {
    const attachments = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const id = `h-${String(i).padStart(2, '0')}`;
      const { attachmentId } = await reg.attach(hello(id), channel(), 'peer', '');
      reg.ingest(id, attachmentId, columns(1n, [fn('f', 1)], 'rapl', 1));
      attachments.set(id, attachmentId);
    }
    // A 0 ms slice: the render yields before every host. A report that arrives meanwhile for a
    // host not rendered yet is the one rendered (each host is read when reached, not before).
    const render = new ClusterMetricsText(reg, undefined, 0).render();
    await new Promise<void>((resolve) => setImmediate(resolve));
    reg.ingest('h-19', attachments.get('h-19') as number, columns(2n, [fn('f', 1, { achievedRps: 777 })], 'rapl', 1));
    const text = Buffer.concat(await render).toString('utf8');
    assert.match(text, /isawatt_coordinator_function_achieved_rps\{host="h-19",function="f"\} 777\n/);
    assert.match(text, /isawatt_coordinator_function_achieved_rps\{host="h-00",function="f"\} 1.25\n/);
  } finally {
    await reg.stop();
  }
});

test('GET /metrics serves prom-client families then the cluster families, one body, its length and type', async () => {
  const reg = await registryWith([{ id: 'h-1', fns: [fn('q"uote', 1)], assignment: [{ function: 'q"uote', cores: 1, rateRps: 2, arrival: '' }] }]);
  const svc = new MetricsService({ listen: '127.0.0.1:0', registry: reg, agentLinkStats: { reportsRejected: 0, streamsRefused: 0 }, log: silentLogger() });
  try {
    await svc.init();
    const res = await fetch(`http://127.0.0.1:${svc.port}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(body));
    const parsed = parse(body);
    for (const family of ['isawatt_coordinator_hosts', 'isawatt_coordinator_reports_ingested_total', 'isawatt_coordinator_function_rate_rps'])
      assert.ok(parsed.families.has(family), family);
    assert.equal(parsed.samples.get('isawatt_coordinator_hosts[["state","up"]]'), '1');
    // Scrapes that arrive during a render share it; the next one renders anew.
    const [a, b] = [svc.render(), svc.render()];
    assert.equal(a, b);
    await a;
    const c = svc.render();
    assert.notEqual(c, a);
    await c;
    assert.equal(parsed.samples.get('isawatt_coordinator_function_achieved_rps[["function","q\\"uote"],["host","h-1"]]'), '1.25');
  } finally {
    await svc.shutdown();
    await reg.stop();
  }
});
