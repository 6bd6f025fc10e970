import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTransportAllowed, isLoopbackHost, splitHostPort } from './tls.js';

test('loopback detection', () => {
  for (const h of ['127.0.0.1', '127.9.9.9', 'localhost', '::1', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['10.0.0.1', '0.0.0.0', 'example.org', '::']) assert.equal(isLoopbackHost(h), false, h);
});

test('splitHostPort parses and validates', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:7070'), { host: '127.0.0.1', port: 7070 });
  assert.deepEqual(splitHostPort('[::1]:80'), { host: '[::1]', port: 80 });
  assert.throws(() => splitHostPort('nohostport', 'coordinator'), /coordinator: expected HOST:PORT/);
  assert.throws(() => splitHostPort('h:99999'), /out of range/);
});

test('plaintext refused off loopback unless insecure', () => {
  assert.doesNotThrow(() => assertTransportAllowed('127.0.0.1:1', false, false, 'listen'));
  assert.throws(() => assertTransportAllowed('0.0.0.0:1', false, false, 'listen'), /plaintext gRPC on non-loopback address 0\.0\.0\.0:1 refused/);
  assert.doesNotThrow(() => assertTransportAllowed('0.0.0.0:1', false, true, 'listen'));
  assert.doesNotThrow(() => assertTransportAllowed('0.0.0.0:1', true, false, 'listen'));
});
