import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@isawatt/common';
import { loadCoordinatorConfig } from './config.js';

test('defaults < file < environment < flags', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'c.yaml');
  await writeFile(file, 'cluster: from-file\nhostDownAfterMs: 7000\nlisten: 127.0.0.1:7100\n');
  const defaults = loadCoordinatorConfig({ env: {}, flags: { insecure: true } }).config;
  assert.equal(defaults.listen, '127.0.0.1:7000');
  assert.equal(defaults.hostDownAfterMs, 5000);
  assert.equal(defaults.mqtt.broker, 'off');
  const { config } = loadCoordinatorConfig({
    file,
    env: { ISAWATT_HOST_DOWN_AFTER_MS: '8000', ISAWATT_CLUSTER: 'from-env' },
    flags: { cluster: 'from-flag', listen: undefined, insecure: true },
  });
  assert.equal(config.cluster, 'from-flag');
  assert.equal(config.hostDownAfterMs, 8000);
  assert.equal(config.listen, '127.0.0.1:7100');
});

test('every problem is listed at once; TLS pairs are checked even when other keys fail', () => {
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { listen: 'nope', hostDownAfterMs: 10, 'tls.keyFile': '/k.pem', logLevel: 'chatty' } }),
    (err: ConfigError) => {
      assert.ok(err instanceof ConfigError);
      const keys = err.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(keys.sort(), ['hostDownAfterMs', 'listen', 'logLevel', 'tls.certFile'].sort());
      return true;
    },
  );
});

test('plaintext on a non-loopback address needs insecure; TLS or insecure make it valid', () => {
  assert.throws(() => loadCoordinatorConfig({ env: {}, flags: { listen: '0.0.0.0:7000' } }), /plaintext gRPC on non-loopback address 0\.0\.0\.0:7000 refused/);
  assert.equal(loadCoordinatorConfig({ env: {}, flags: { listen: '0.0.0.0:7000', insecure: true } }).config.insecure, true);
  const tls = loadCoordinatorConfig({ env: {}, flags: { listen: '[::]:7000', 'tls.certFile': '/c.pem', 'tls.keyFile': '/k.pem', 'tls.caFile': '/ca.pem' } });
  assert.equal(tls.config.tls.caFile, '/ca.pem');
  assert.throws(() => loadCoordinatorConfig({ env: {}, flags: { 'tls.caFile': '/ca.pem' } }), /tls\.certFile: required with tls\.caFile/);
});

test('unauthenticated callers need --insecure even on loopback; the Control socket is never world-accessible', () => {
  // Plaintext and server-only TLS authenticate nobody: refused by default, named with the fix.
  assert.throws(
    () => loadCoordinatorConfig({ env: {} }),
    /plaintext gRPC on 127\.0\.0\.1:7000 would let anyone who can connect attach as any host.*mutual TLS.*--insecure/,
  );
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { 'tls.certFile': '/c.pem', 'tls.keyFile': '/k.pem' } }),
    /TLS without client certificates on 127\.0\.0\.1:7000 would let anyone/,
  );
  const mtls = loadCoordinatorConfig({
    env: {},
    flags: { 'tls.certFile': '/c.pem', 'tls.keyFile': '/k.pem', 'tls.caFile': '/ca.pem', stateDir: '/var/lib/x' },
  }).config;
  assert.equal(mtls.controlSocket, undefined);
  assert.equal(mtls.controlSocketMode, '0660');
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { insecure: true, controlSocketMode: '0666' } }),
    /controlSocketMode: must not give access to others/,
  );
});

test('/metrics off loopback needs HTTPS and a client CA or token, or insecure; listen hosts must be addresses or names', () => {
  const mtls = { insecure: false, 'tls.certFile': '/c', 'tls.keyFile': '/k', 'tls.caFile': '/ca' };
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { ...mtls, metricsListen: '0.0.0.0:9477' } }),
    /metricsListen: metricsListen 0\.0\.0\.0:9477 is off loopback: it needs TLS \(metricsTls\.certFile, metricsTls\.keyFile\) and authentication/,
  );
  // HTTPS alone is not enough (anyone could scrape); plain HTTP with a token neither (it can be read).
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { ...mtls, metricsListen: '0.0.0.0:9477', 'metricsTls.certFile': '/c', 'metricsTls.keyFile': '/k' } }),
    /is off loopback: it needs TLS/,
  );
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { ...mtls, metricsListen: '0.0.0.0:9477', metricsTokenFile: '/t' } }),
    /metricsTokenFile off loopback needs metricsTls\.certFile\/keyFile/,
  );
  for (const auth of [{ 'metricsTls.caFile': '/ca' }, { metricsTokenFile: '/t' }]) {
    const ok = loadCoordinatorConfig({
      env: {},
      flags: { ...mtls, metricsListen: '0.0.0.0:9477', 'metricsTls.certFile': '/c', 'metricsTls.keyFile': '/k', ...auth },
    });
    assert.equal(ok.config.metricsListen, '0.0.0.0:9477');
  }
  assert.equal(loadCoordinatorConfig({ env: {}, flags: { insecure: true, metricsListen: '0.0.0.0:9477' } }).config.metricsListen, '0.0.0.0:9477');
  assert.throws(
    () => loadCoordinatorConfig({ env: {}, flags: { insecure: true, listen: '999.1.1.1:7000' } }),
    /listen: expected HOST:PORT .* with an IP address or host name/,
  );
});
