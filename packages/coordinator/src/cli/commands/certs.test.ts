// `isawatt certs` (in process, with the real openssl): the gateway's client certificate carries
// role gateway (SAN URI and OU, read back by the shared rolesOfCertificate), an agent endpoint's
// server certificate names the addresses given (serverAuth), and bad --agent-endpoint values are
// refused with exit 2 before anything is written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { EXIT, rolesOfCertificate } from '@isawatt/common';
import { runCli } from '../index.js';

async function certs(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', 'certs', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  return { code, out, err };
}

test('certs --gateway and --agent-endpoint: a role-bearing client certificate and endpoint certificates naming their address', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-certs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await certs(['--out', dir, '--gateway', '--agent-endpoint', 'xeon-01=10.0.0.11,xeon-01.lab.example', '--agent-endpoint', 'altra-01=10.0.0.12']);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, /gateway\.pem, endpoint-xeon-01\.pem, endpoint-altra-01\.pem/);

  const gateway = new X509Certificate(readFileSync(join(dir, 'gateway.pem')));
  assert.equal(gateway.subjectAltName, 'URI:urn:isawatt:role:gateway');
  assert.match(gateway.subject, /OU=gateway/);
  assert.deepEqual([...rolesOfCertificate({ subject: { OU: 'gateway' }, subjectaltname: gateway.subjectAltName ?? '' })], ['gateway']);
  assert.deepEqual(gateway.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth only');
  assert.equal(statSync(join(dir, 'gateway-key.pem')).mode & 0o777, 0o600);

  const xeon = new X509Certificate(readFileSync(join(dir, 'endpoint-xeon-01.pem')));
  assert.equal(xeon.subjectAltName, 'IP Address:10.0.0.11, DNS:xeon-01.lab.example');
  assert.deepEqual(xeon.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only');
  assert.equal(xeon.checkIP('10.0.0.11'), '10.0.0.11');
  assert.equal(xeon.checkIP('10.0.0.12'), undefined);
  assert.equal(new X509Certificate(readFileSync(join(dir, 'endpoint-altra-01.pem'))).checkIP('10.0.0.12'), '10.0.0.12');
  assert.ok(xeon.checkIssued(new X509Certificate(readFileSync(join(dir, 'ca.pem')))));
});

test('certs --agent-endpoint: a bad host id or name is exit 2 and nothing is written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-certs-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [spec, message] of [
    ['10.0.0.11', /--agent-endpoint: expected HOST-ID=NAME\[,NAME\.\.\.\]/],
    ['=10.0.0.11', /--agent-endpoint: expected HOST-ID=NAME/],
    ['xeon-01=', /--agent-endpoint xeon-01: expected at least one DNS name or IP address/],
    ['xeon-01=bad name', /--agent-endpoint xeon-01: "bad name" is neither an IP address nor a DNS name/],
  ] as const) {
    const r = await certs(['--out', join(dir, 'out'), '--agent-endpoint', spec]);
    assert.equal(r.code, EXIT.BAD_INPUT, spec);
    assert.match(r.err, message, spec);
  }
  assert.equal(existsSync(join(dir, 'out')), false);
});
