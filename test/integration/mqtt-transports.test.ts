// Broker URL forms and credentials: mqtts:// with a CA file and username/password against a real
// mosquitto (TLS listener, password file, anonymous refused), a wrong password (the bridge keeps
// retrying, nothing leaks into the logs), and ws:// against aedes behind a WebSocket server
// (Debian's mosquitto 2.0.11 cannot open a websockets listener on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chmod, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { mqttConfigSchema, type MqttConfigInput } from '../../packages/coordinator/src/mqtt/config.js';
import { createMqtt } from '../../packages/coordinator/src/mqtt/create-mqtt.js';
import { FakeBridgeSource } from '../../packages/coordinator/src/mqtt/fake-bridge-source.test-support.js';
import { freePort } from '../helpers/processes.js';
import { MOSQUITTO, waitFor, waitForPort } from './mqtt-mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = MOSQUITTO ? false : 'mosquitto is not installed';

/** A logger writing JSON lines into `lines` (debug level: the most a user would turn on). */
function captureLogger(lines: string[]) {
  return pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
}

async function tlsBroker(t: test.TestContext): Promise<{ port: number; mtlsPort: number; dir: string }> {
  const dir = await tempDir(t, 'isawatt-mqtts-');
  await chmod(dir, 0o755);
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=isawatt-test-ca']);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  ssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  ]);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=isawatt-coordinator']);
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl([
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
    '-extfile',
    'client.ext',
  ]);
  execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'isawatt', 'pa55-w0rd-xyz'], { stdio: 'ignore' });
  for (const f of ['ca.crt', 'server.crt', 'server.key', 'passwd']) await chmod(join(dir, f), 0o644);
  const port = await freePort();
  const mtlsPort = await freePort();
  const tls = [`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`];
  await writeFile(
    join(dir, 'mosquitto.conf'),
    [
      'per_listener_settings true',
      'persistence false',
      'log_dest stdout',
      // TLS + username/password
      `listener ${port} 127.0.0.1`,
      ...tls,
      'allow_anonymous false',
      `password_file ${dir}/passwd`,
      // mutual TLS: a client certificate signed by the CA is the credential
      `listener ${mtlsPort} 127.0.0.1`,
      ...tls,
      'require_certificate true',
      'allow_anonymous true',
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'mosquitto.conf'), 0o644);
  const child = spawn(MOSQUITTO as string, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  // Ready when the port is open and a TLS client with the right password gets in. Each attempt
  // is bounded by our own timer, so a connect that never settles cannot stall the test.
  await waitForPort(port);
  const ca = readFileSync(join(dir, 'ca.crt'));
  for (let i = 0; ; i++) {
    const c = mqtt.connect(`mqtts://localhost:${port}`, { ca, username: 'isawatt', password: 'pa55-w0rd-xyz', reconnectPeriod: 0, connectTimeout: 3000 });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 4000);
      c.once('connect', () => (clearTimeout(timer), resolve(true)));
      c.once('error', () => (clearTimeout(timer), resolve(false)));
      c.once('close', () => (clearTimeout(timer), resolve(false)));
    });
    await c.endAsync(true);
    if (ok) break;
    if (i > 20 || child.exitCode !== null) throw new Error(`mosquitto TLS listener on ${port} not usable`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitForPort(mtlsPort);
  return { port, mtlsPort, dir };
}

test('mqtts:// with a CA file and username/password; a wrong password is retried and never logged', { skip }, async (t) => {
  const { port, dir } = await tlsBroker(t);
  const lines: string[] = [];
  const run = async (over: MqttConfigInput) => {
    const source = new FakeBridgeSource();
    source.addHost('h1');
    const config = mqttConfigSchema.parse({
      broker: `mqtts://localhost:${port}`,
      tls: { caFile: join(dir, 'ca.crt') },
      username: 'isawatt',
      reconnect: { initialMs: 100, maxMs: 300 },
      ...over,
    });
    const wiring = createMqtt({ config, cluster: 'tls', stateDir: undefined, source, log: captureLogger(lines) });
    for (const s of wiring.services) await s.init?.();
    t.after(async () => {
      for (const s of [...wiring.services].reverse()) await s.shutdown?.();
    });
    return { wiring, source };
  };

  const good = await run({ password: 'pa55-w0rd-xyz' });
  await waitFor('connected over TLS', () => good.wiring.status() === 'connected');
  const sub = await mqtt.connectAsync(`mqtts://localhost:${port}`, {
    ca: readFileSync(join(dir, 'ca.crt')),
    username: 'isawatt',
    password: 'pa55-w0rd-xyz',
    reconnectPeriod: 0,
  });
  t.after(() => sub.endAsync());
  const got: string[] = [];
  sub.on('message', (topic) => got.push(topic));
  await sub.subscribeAsync('isawatt/tls/#', { qos: 1 });
  good.source.tick(Date.now(), 1);
  await waitFor('power over TLS', () => got.includes('isawatt/tls/hosts/h1/power'));

  const bad = await run({ password: 'wrong-secret-123', clientId: 'isawatt-bad' });
  await waitFor('refused twice', () => bad.wiring.bridge?.stats().state === 'reconnecting' && (bad.wiring.bridge.stats().lastError ?? '') !== '');
  assert.match(bad.wiring.bridge?.stats().lastError ?? '', /not authori[sz]ed|bad user/i);
  // A check that something does NOT happen (the wrong password never gets in): a fixed wait.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(bad.wiring.status(), 'reconnecting');
  const all = lines.join('');
  assert.ok(all.includes('mqtt bridge starting'), 'the config was logged');
  assert.doesNotMatch(all, /pa55-w0rd-xyz|wrong-secret-123/);
});

test('ws:// broker URL (aedes behind a WebSocket server)', async (t) => {
  const broker = await Aedes.createBroker();
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws)));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  t.after(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => http.close(() => r()));
  });
  const source = new FakeBridgeSource();
  source.addHost('h1');
  const config = mqttConfigSchema.parse({ broker: `ws://127.0.0.1:${port}` });
  const wiring = createMqtt({ config, cluster: 'ws', stateDir: undefined, source, log: pino({ level: 'silent' }) });
  for (const s of wiring.services) await s.init?.();
  t.after(async () => {
    for (const s of [...wiring.services].reverse()) await s.shutdown?.();
  });
  await waitFor('connected over ws', () => wiring.status() === 'connected');
  const sub = await mqtt.connectAsync(`ws://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  t.after(() => sub.endAsync());
  const got: string[] = [];
  sub.on('message', (topic) => got.push(topic));
  await sub.subscribeAsync('isawatt/ws/#', { qos: 1 });
  await waitFor('retained host state over ws', () => got.includes('isawatt/ws/hosts/h1/state'));
  source.tick(Date.now(), 2);
  await waitFor('power over ws', () => got.includes('isawatt/ws/hosts/h1/power') && got.includes('isawatt/ws/hosts/h1/functions/fn-001/power'));
});

test('mqtts:// with a client certificate (mutual TLS); without one the broker refuses', { skip }, async (t) => {
  const { mtlsPort, dir } = await tlsBroker(t);
  const start = async (tls: MqttConfigInput['tls']) => {
    const source = new FakeBridgeSource();
    source.addHost('h1');
    const config = mqttConfigSchema.parse({ broker: `mqtts://localhost:${mtlsPort}`, tls, reconnect: { initialMs: 100, maxMs: 300 } });
    const wiring = createMqtt({ config, cluster: 'mtls', stateDir: undefined, source, log: pino({ level: 'silent' }) });
    for (const s of wiring.services) await s.init?.();
    t.after(async () => {
      for (const s of [...wiring.services].reverse()) await s.shutdown?.();
    });
    return wiring;
  };
  const withCert = await start({ caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key') });
  await waitFor('connected with a client certificate', () => withCert.status() === 'connected');
  const without = await start({ caFile: join(dir, 'ca.crt') });
  await waitFor(
    'refused without a certificate',
    () => (without.bridge?.stats().reconnects ?? 0) === 0 && (without.bridge?.stats().lastError ?? '') !== '',
    10_000,
  );
  assert.equal(without.status(), 'reconnecting');
});
