// Workload suite, crypto category: JWT (Python, Node.js, Java) invoked through the runtime
// harnesses; tokens are verified here with node:crypto, independently of the libraries used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Worker, expectOk } from './test-helpers/harness-client.js';

interface JwtOut { token: string; verified: boolean; claims: Record<string, unknown> }

const secret = 'test-secret-0123456789abcdef0123456789abcdef';
const claims = { sub: 'user-000042', name: 'Ünïcode Üser', iss: 'isawatt', aud: 'isawatt-workload', iat: 1700000000, exp: 1700003600, roles: ['reader', 'admin'] };

/** Verifies an HS256 JWT: header, signature (constant time) and payload. */
function verifyHs256(token: string, key: string): { header: unknown; payload: unknown } {
  const parts = token.split('.');
  assert.equal(parts.length, 3, 'three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  assert.ok(given.length === expected.length && timingSafeEqual(given, expected), 'HMAC-SHA256 signature verifies');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) };
}

const tokens = new Map<string, string>();

for (const name of ['jwt-python', 'jwt-node', 'jwt-java']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('the token verifies with the key and carries the claims', async () => {
      const out = (await expectOk(w.invokeJson({ secret, claims }))) as JwtOut;
      const { header, payload } = verifyHs256(out.token, secret);
      assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
      assert.deepEqual(payload, claims);
      assert.equal(out.verified, true);
      assert.deepEqual(out.claims, claims);
      // Non-ASCII text may be serialised raw or \u-escaped (both valid JSON), so the cross-runtime
      // comparison uses ASCII-only claims.
      const ascii = (await expectOk(w.invokeJson({ secret, claims: { ...claims, name: 'Plain User' } }))) as JwtOut;
      tokens.set(name, ascii.token);
    });

    test('the token does not verify with another key', async () => {
      const out = (await expectOk(w.invokeJson({ secret, claims }))) as JwtOut;
      assert.throws(() => verifyHs256(out.token, secret + 'x'), /signature/);
    });

    test('seeded input: a verified token', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as JwtOut;
      assert.equal(out.verified, true);
      assert.equal(out.token.split('.').length, 3);
      assert.equal(out.claims.aud, 'isawatt-workload');
    });

    test('an empty secret is an error', async () => {
      assert.equal((await w.invokeJson({ secret: '', claims })).ok, false);
    });
  });
}

test('the three runtimes make the same token for the same (ASCII) claims and key', () => {
  assert.equal(tokens.size, 3);
  assert.equal(new Set(tokens.values()).size, 1);
});
