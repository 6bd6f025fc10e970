import { ConfigError } from '@isawatt/common';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { hostIdFromHostname, loadAgentConfig, parseCpuList } from './config.js';

function tempFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-agent-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('expected a ConfigError');
}

test('defaults fill everything but the coordinator', () => {
  const { config, warnings } = loadAgentConfig({ flags: { coordinator: '127.0.0.1:7000' }, hostname: 'box-1' });
  assert.deepEqual(warnings, []);
  assert.equal(config.coordinator, '127.0.0.1:7000');
  assert.equal(config.hostId, 'box-1');
  assert.equal(config.tickIntervalMs, 1000);
  assert.equal(config.bufferMaxReports, 3600);
  assert.deepEqual(config.host, { sysfs: '/sys', procfs: '/proc', cgroupfs: '/sys/fs/cgroup' });
  assert.deepEqual(config.reservedCpus, []);
  assert.deepEqual(config.http, { listen: '127.0.0.1:9478', explicit: false });
  assert.equal(config.logLevel, 'info');
  assert.equal(config.insecure, false);
  assert.equal(config.activitySource, 'auto');
  assert.equal(config.attributionMethod, 'auto');
  assert.ok(Object.isFrozen(config.host));
});

test('file < environment < flags', (t) => {
  const file = tempFile(
    t,
    'agent.yaml',
    ['coordinator: 127.0.0.1:7000', 'hostId: from-file', 'tickIntervalMs: 500', 'reservedCpus: "0-1"', 'host:', '  sysfs: /file/sys', ''].join('\n'),
  );
  const { config } = loadAgentConfig({
    file,
    env: { ISAWATT_HOST_ID: 'from-env', ISAWATT_TICK_INTERVAL_MS: '250', ISAWATT_PROCFS_ROOT: '/env/proc' },
    flags: { tickIntervalMs: 200, hostId: undefined },
    hostname: 'ignored',
  });
  assert.equal(config.hostId, 'from-env');
  assert.equal(config.tickIntervalMs, 200);
  assert.equal(config.host.sysfs, '/file/sys');
  assert.equal(
    loadAgentConfig({ flags: { coordinator: '127.0.0.1:1', 'host.sysfs': 'fx/sys/' }, hostname: 'h' }).config.host.sysfs,
    join(process.cwd(), 'fx/sys'),
  );
  assert.equal(config.host.procfs, '/env/proc');
  assert.deepEqual(config.reservedCpus, [0, 1]);
});

test('the config file can come from ISAWATT_AGENT_CONFIG', (t) => {
  const file = tempFile(t, 'a.yaml', 'coordinator: localhost:9\nbufferMaxReports: 10\n');
  const { config } = loadAgentConfig({ env: { ISAWATT_AGENT_CONFIG: file }, hostname: 'h' });
  assert.equal(config.bufferMaxReports, 10);
});

test('every problem is listed at once', (t) => {
  const file = tempFile(
    t,
    'bad.yaml',
    [
      'coordinator: "10.0.0.5:7000"',
      'tickIntervalMs: fast',
      'bufferMaxReports: 0',
      'reservedCpus: "0-x"',
      'logLevel: loud',
      'attributionMethod: magic',
      'tls:',
      '  certFile: /etc/isawatt/agent.crt',
      'http:',
      '  listen: nowhere',
      '',
    ].join('\n'),
  );
  const issues = issuesOf(() => loadAgentConfig({ file, hostname: 'h' }));
  const joined = issues.join('\n');
  for (const expected of [
    /^tickIntervalMs: expected a number of milliseconds, got "fast"/m,
    /^bufferMaxReports: must be at least 1/m,
    /^reservedCpus: "0-x" is not a CPU id or range/m,
    /^logLevel: /m,
    /^attributionMethod: /m,
    /^tls\.keyFile: tls\.certFile and tls\.keyFile go together/m,
    /^tls\.caFile: required with tls\.certFile/m,
    /^http\.listen: /m,
  ]) {
    assert.match(joined, expected);
  }
  assert.ok(issues.length >= 8, joined);
});

test('plaintext to a non-loopback coordinator is refused unless insecure', () => {
  const issues = issuesOf(() => loadAgentConfig({ flags: { coordinator: '10.1.2.3:7000' }, hostname: 'h' }));
  assert.equal(issues.length, 1);
  assert.match(issues[0] ?? '', /^coordinator: plaintext gRPC to non-loopback address 10\.1\.2\.3:7000 refused/);
  const ok = loadAgentConfig({ flags: { coordinator: '10.1.2.3:7000', insecure: true }, hostname: 'h' });
  assert.equal(ok.config.insecure, true);
  const tls = loadAgentConfig({ flags: { coordinator: '10.1.2.3:7000', 'tls.caFile': '/ca.pem' }, hostname: 'h' });
  assert.equal(tls.config.tls.caFile, '/ca.pem');
});

test('a missing coordinator is named with the three ways to give it', () => {
  const issues = issuesOf(() => loadAgentConfig({ hostname: 'h' }));
  assert.match(issues.join('\n'), /^coordinator: required: .*--coordinator, ISAWATT_COORDINATOR/m);
});

test('unknown keys are warnings, not failures', (t) => {
  const file = tempFile(t, 'u.yaml', 'coordinator: 127.0.0.1:1\ncolour: blue\nhost:\n  gpus: /dev\n');
  const { warnings } = loadAgentConfig({ file, hostname: 'h' });
  assert.deepEqual([...warnings].sort(), ['colour: unknown key, ignored', 'host.gpus: unknown key, ignored']);
});

test('an unreadable or non-mapping file is a ConfigError naming it', (t) => {
  const missing = join(tmpdir(), 'isawatt-no-such-dir', 'agent.yaml');
  assert.match(issuesOf(() => loadAgentConfig({ file: missing, hostname: 'h' })).join(), /cannot read \(ENOENT\)/);
  const list = tempFile(t, 'l.yaml', '- a\n- b\n');
  assert.match(issuesOf(() => loadAgentConfig({ file: list, hostname: 'h' })).join(), /expected a mapping/);
});

test('parseCpuList', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList(' 5 '), [5]);
  assert.deepEqual(parseCpuList(''), []);
  assert.throws(() => parseCpuList('3-1'), /ends before it starts/);
  assert.throws(() => parseCpuList('a'), /not a CPU id or range/);
});

test('hostIdFromHostname keeps ids valid', () => {
  assert.equal(hostIdFromHostname('My Host.lan'), 'My-Host.lan');
  assert.equal(hostIdFromHostname('---'), 'localhost');
});

test('the shipped example config (systemd/agent.example.yaml) is valid and has no unknown keys', () => {
  const file = fileURLToPath(new URL('../../../systemd/agent.example.yaml', import.meta.url));
  const { config, warnings } = loadAgentConfig({ file, hostname: 'h' });
  assert.deepEqual(warnings, []);
  assert.equal(config.tls.caFile, '/etc/isawatt/tls/ca.pem');
  assert.deepEqual(config.reservedCpus, [0]);
  assert.deepEqual(config.http, { listen: '127.0.0.1:9478', explicit: true });
});

test('listen addresses are validated; the HTTP endpoint stays on loopback unless insecure', () => {
  const base = { coordinator: '127.0.0.1:7000' };
  assert.throws(
    () => loadAgentConfig({ hostname: 'h', flags: { ...base, 'http.listen': '999.1.1.1:80' } }),
    /http\.listen: expected HOST:PORT .* with an IP address or host name/,
  );
  assert.throws(
    () => loadAgentConfig({ hostname: 'h', flags: { ...base, 'http.listen': '0.0.0.0:9478' } }),
    /http\.listen: http\.listen 0\.0\.0\.0:9478 is off loopback: it needs TLS \(http\.tls\.certFile, http\.tls\.keyFile\) and authentication \(http\.tls\.caFile for client certificates and\/or http\.tokenFile/,
  );
  const secured = loadAgentConfig({
    hostname: 'h',
    flags: { ...base, 'http.listen': '0.0.0.0:9478', 'http.tls.certFile': '/c', 'http.tls.keyFile': '/k', 'http.tokenFile': '/t' },
  }).config.http;
  assert.deepEqual(secured.security, { tls: { certFile: '/c', keyFile: '/k' }, tokenFile: '/t' });
  // The gateway token (role gateway) alone authenticates too, from the environment as well.
  const gatewayOnly = loadAgentConfig({
    hostname: 'h',
    env: { ISAWATT_HTTP_GATEWAY_TOKEN_FILE: '/g' },
    flags: { ...base, 'http.listen': '0.0.0.0:9478', 'http.tls.certFile': '/c', 'http.tls.keyFile': '/k' },
  }).config.http;
  assert.deepEqual(gatewayOnly.security, { tls: { certFile: '/c', keyFile: '/k' }, tokenFile: undefined, gatewayTokenFile: '/g' });
  assert.throws(
    () => loadAgentConfig({ hostname: 'h', flags: { ...base, 'http.listen': '0.0.0.0:9478', 'http.gatewayTokenFile': '/g', insecure: true } }),
    /http\.tokenFile and\/or http\.gatewayTokenFile off loopback needs http\.tls\.certFile\/keyFile/,
  );
  assert.equal(loadAgentConfig({ hostname: 'h', flags: { ...base, 'http.listen': '0.0.0.0:9478', insecure: true } }).config.http.listen, '0.0.0.0:9478');
});

test('hwpc-sensor: file, environment and flags; listen or csvDir required; loopback only', (t) => {
  const file = tempFile(
    t,
    'agent.yaml',
    'coordinator: 127.0.0.1:7000\nactivitySource: hwpc-sensor\nhwpc:\n  csvDir: /var/lib/hwpc\n  timeSemantics: cumulative\n',
  );
  const { config } = loadAgentConfig({
    file,
    env: { ISAWATT_HWPC_STALE_AFTER_MS: '2500', ISAWATT_HWPC_CGROUP_BASE: '/sys/fs/cgroup/unified/isawatt' },
    flags: { 'hwpc.listen': '127.0.0.1:9080' },
    hostname: 'h',
  });
  assert.equal(config.activitySource, 'hwpc-sensor');
  assert.deepEqual(config.hwpc, {
    listen: { host: '127.0.0.1', port: 9080 },
    csvDir: '/var/lib/hwpc',
    cgroupBase: '/sys/fs/cgroup/unified/isawatt',
    timeSemantics: 'cumulative',
    staleAfterMs: 2500,
    sensorFrequencyMs: 1000,
    cpuBaseFreqMhz: undefined,
  });
  const missing = issuesOf(() => loadAgentConfig({ flags: { coordinator: '127.0.0.1:7000', activitySource: 'hwpc-sensor' }, hostname: 'h' }));
  assert.match(missing.join('\n'), /^hwpc: activitySource hwpc-sensor needs hwpc\.listen \(--hwpc-listen HOST:PORT/m);
  const open = issuesOf(() =>
    loadAgentConfig({ flags: { coordinator: '127.0.0.1:7000', activitySource: 'hwpc-sensor', 'hwpc.listen': '0.0.0.0:9080' }, hostname: 'h' }),
  );
  assert.match(open.join('\n'), /^hwpc\.listen: 0\.0\.0\.0:9080: hwpc-sensor's socket output is plaintext and unauthenticated; listen on a loopback address/m);
  const bad = issuesOf(() =>
    loadAgentConfig({ flags: { coordinator: '127.0.0.1:7000', activitySource: 'hwpc', 'hwpc.timeSemantics': 'sometimes' }, hostname: 'h' }),
  );
  assert.match(bad.join('\n'), /activitySource: .*hwpc-sensor/);
  assert.match(bad.join('\n'), /hwpc\.timeSemantics: /);
});

test('emulateCarrierCpus: a whole number, from flag or environment, and only on an emulated host', () => {
  const emu = { coordinator: '127.0.0.1:7000', emulate: 'altra-max-m128' };
  assert.equal(loadAgentConfig({ flags: { ...emu, emulateCarrierCpus: 32 }, hostname: 'h' }).config.emulateCarrierCpus, 32);
  assert.equal(loadAgentConfig({ flags: emu, env: { ISAWATT_EMULATE_CARRIER_CPUS: '16' }, hostname: 'h' }).config.emulateCarrierCpus, 16);
  assert.equal(loadAgentConfig({ flags: emu, hostname: 'h' }).config.emulateCarrierCpus, undefined, 'default: the runtime CARRIER_CPUS');
  assert.match(
    issuesOf(() => loadAgentConfig({ flags: { ...emu, emulateCarrierCpus: 2.5 }, hostname: 'h' })).join(),
    /emulateCarrierCpus: expected a whole number/,
  );
  assert.match(issuesOf(() => loadAgentConfig({ flags: { ...emu, emulateCarrierCpus: 0 }, hostname: 'h' })).join(), /at least 1 emulated CPU/);
  assert.match(
    issuesOf(() => loadAgentConfig({ flags: { coordinator: '127.0.0.1:7000', emulateCarrierCpus: 8 }, hostname: 'h' })).join(),
    /emulateCarrierCpus \(--emulate-carrier-cpus\) applies to an emulated host only/,
  );
});
