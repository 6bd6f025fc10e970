// Security: the embedded MQTT broker over TLS (mqtts) with its accounts and ACLs, as it must run
// off loopback. The coordinator runs in-process on 127.0.0.1 with the settings an off-loopback
// broker needs (mqtt.embedded.tls from `isawatt certs`, a PDU account); its own bridge connects
// over mqtts and verifies the certificate. A PDU client with its account publishes over mqtts;
// plain MQTT to the TLS port, a client that does not trust the certificate and an anonymous client
// get nothing. Off loopback, the broker without TLS is refused unless --insecure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as mqttConnect, connectAsync, type MqttClient } from 'mqtt';
import { silentLogger } from '@isawatt/common';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator } from '../../packages/coordinator/src/main.js';
import { eventually, runCli } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

test('embedded broker over mqtts: accounts and ACLs hold; plain MQTT and untrusted clients get nothing', async (t) => {
  const dir = await tempDir(t, 'isawatt-mqtts-');
  const pki = join(dir, 'pki');
  const made = await runCli(['certs', '--out', pki, '--coordinator-name', '127.0.0.1,localhost', '--agent', 'xeon-1', '--operator', 'alice']);
  assert.equal(made.code, 0, made.stderr);
  const ca = await readFile(join(pki, 'ca.pem'));
  const pduUser = { username: 'pdu-lab', password: 'pdu-lab-secret-1', publish: ['lab/pdu/#'] };
  const { config } = loadCoordinatorConfig({
    env: {},
    flags: {
      listen: '127.0.0.1:0',
      stateDir: join(dir, 'state'),
      insecure: true,
      cluster: 'lab',
      mqtt: {
        broker: 'embedded',
        embedded: {
          host: '127.0.0.1',
          port: 0,
          users: [pduUser],
          tls: { certFile: join(pki, 'coordinator.pem'), keyFile: join(pki, 'coordinator-key.pem'), caFile: join(pki, 'ca.pem') },
        },
      },
    },
  });
  const c = buildCoordinator(config, silentLogger());
  for (const s of c.services) await s.init?.();
  // The bridge connects in its run(); the abort at the end stops every run().
  const stop = new AbortController();
  const running = c.services.map((s) => s.run?.(stop.signal));
  t.after(async () => {
    stop.abort();
    await Promise.allSettled(running);
    for (const s of [...c.services].reverse()) await s.shutdown?.();
  });
  const url = c.mqtt.broker?.url() ?? '';
  assert.match(url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
  // The coordinator's own bridge connects over mqtts, verifying the broker's certificate.
  await eventually('bridge connected over mqtts', () => (c.mqtt.status() === 'connected' ? true : undefined));

  const clients: MqttClient[] = [];
  t.after(async () => {
    for (const m of clients) await m.endAsync(true);
  });
  const connect = async (u: string, opts: Record<string, unknown>): Promise<MqttClient> => {
    const m = await connectAsync(u, { reconnectPeriod: 0, connectTimeout: 3000, ...opts });
    clients.push(m);
    return m;
  };
  // The PDU's account over mqtts: it may publish its readings, and read the coordinator's state.
  const pdu = await connect(url, { ca, username: pduUser.username, password: pduUser.password });
  const seen: string[] = [];
  pdu.on('message', (topic) => seen.push(topic));
  await pdu.subscribeAsync('isawatt/lab/#');
  await pdu.publishAsync('lab/pdu/3/power', '250', { qos: 1 });
  await eventually('coordinator state over mqtts', () => (seen.some((s) => s.startsWith('isawatt/lab/')) ? true : undefined));

  // Anonymous, a wrong password, a client that does not trust the certificate, plain MQTT.
  await assert.rejects(connect(url, { ca }), /Not authorized|Bad username or password|refused/i);
  await assert.rejects(connect(url, { ca, username: pduUser.username, password: 'wrong-password' }), /Not authorized|Bad username or password|refused/i);
  await assert.rejects(connect(url, { username: pduUser.username, password: pduUser.password }), /self[- ]signed|unable to verify|certificate/i);
  // Plain MQTT to the TLS port: the handshake fails and the broker closes the connection.
  const plain = mqttConnect(url.replace('mqtts:', 'mqtt:'), {
    username: pduUser.username,
    password: pduUser.password,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
  const outcome = await new Promise<string>((resolve) => {
    plain.on('connect', () => resolve('connected'));
    plain.on('close', () => resolve('closed'));
    plain.on('error', (e) => resolve(`error: ${e.message}`));
  });
  await plain.endAsync(true);
  assert.notEqual(outcome, 'connected');

  // Off loopback: accounts and TLS, or accounts and --insecure for plain MQTT; never anonymous.
  const offLoopback = (embedded: Record<string, unknown>, insecure: boolean): unknown =>
    loadCoordinatorConfig({
      env: {},
      flags: {
        listen: '127.0.0.1:7000',
        stateDir: dir,
        insecure,
        'tls.caFile': '/ca',
        'tls.certFile': '/c',
        'tls.keyFile': '/k',
        mqtt: { broker: 'embedded', embedded },
      },
    });
  const tls = { certFile: '/c', keyFile: '/k' };
  assert.ok(offLoopback({ host: '0.0.0.0', users: [pduUser], tls }, false));
  assert.throws(
    () => offLoopback({ host: '0.0.0.0', users: [pduUser] }, false),
    /0\.0\.0\.0 is off loopback: the embedded broker needs TLS \(mqtt\.embedded\.tls\.certFile/,
  );
  assert.throws(() => offLoopback({ host: '0.0.0.0', users: [], tls }, true), /the embedded broker needs accounts \(mqtt\.embedded\.users\)/);
});
