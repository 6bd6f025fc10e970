// Workload suite, crypto category: JWT (Python, Node.js, Java) invoked through the runtime
// harnesses; tokens are verified here with node:crypto, independently of the libraries used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Worker, expectOk } from './test-helpers/harness-client.js';

interface JwtOut {
  token: string;
  verified: boolean;
  claims: Record<string, unknown>;
}

const secret = 'test-secret-0123456789abcdef0123456789abcdef';
const claims = {
  sub: 'user-000042',
  name: 'Ünïcode Üser',
  iss: 'isawatt',
  aud: 'isawatt-workload',
  iat: 1700000000,
  exp: 1700003600,
  roles: ['reader', 'admin'],
};

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

interface ElPassoOut {
  requestValid: boolean;
  credentialValid: boolean;
  verified: boolean;
  pseudonym: string;
  proof: string;
  messages: number;
}
interface ElPassoVerifyOut {
  verified: boolean;
  pseudonym: string;
  reason: string;
}

const credentialInput = {
  op: 'full',
  issuerSeed: 'idp-test',
  userSeed: 'alice-secret',
  attributes: ['name:Alice Ñandú', 'birthdate:1990-02-03', 'country:CH'],
  domain: 'shop.example.org',
  nonce: 'c0ffee01',
};

/** Flips one bit of byte `index` of a hex string. */
function flipByte(hex: string, index: number): string {
  const b = Buffer.from(hex, 'hex');
  b[index] = (b[index] ?? 0) ^ 0x01;
  return b.toString('hex');
}

const elPassoProofs = new Map<string, string>();

for (const name of ['el-passo-native', 'el-passo-wasm']) {
  describe(name, () => {
    let w: Worker;
    let full: ElPassoOut;
    before(async () => {
      w = await Worker.start(name);
      full = (await expectOk(w.invokeJson(credentialInput))) as ElPassoOut;
      elPassoProofs.set(name, full.proof);
    });
    after(() => w.close());

    const verify = async (proof: string, over: Partial<{ issuerSeed: string; domain: string; nonce: string }> = {}): Promise<ElPassoVerifyOut> =>
      (await expectOk(
        w.invokeJson({ op: 'verify', issuerSeed: credentialInput.issuerSeed, domain: credentialInput.domain, nonce: credentialInput.nonce, proof, ...over }),
      )) as ElPassoVerifyOut;

    test('blind issuance, show and verification succeed', () => {
      assert.equal(full.requestValid, true);
      assert.equal(full.credentialValid, true);
      assert.equal(full.verified, true);
      assert.equal(full.messages, 4, 'the user secret and 3 attributes');
      assert.equal(full.proof.length, 2 * (48 + 48 + 96 + 48 + 32 + 32 + 4 * 32));
    });

    test('the service verifies the proof on its own', async () => {
      const v = await verify(full.proof);
      assert.deepEqual(v, { verified: true, pseudonym: full.pseudonym, reason: '' });
    });

    test('forged proofs do not verify', async () => {
      const fixed = 48 + 48 + 96 + 48;
      // A changed response scalar (z_0, bound to the pseudonym): the challenge no longer matches.
      const badResponse = await verify(flipByte(full.proof, fixed + 64 + 31));
      assert.deepEqual([badResponse.verified, badResponse.reason], [false, 'proof does not verify']);
      // A changed challenge.
      assert.equal((await verify(flipByte(full.proof, fixed + 31))).verified, false);
      // A tampered credential point (invalid encoding or a point off the signature).
      assert.equal((await verify(flipByte(full.proof, 60))).verified, false);
      // Another user's pseudonym pasted into Alice's proof.
      const bob = (await expectOk(w.invokeJson({ ...credentialInput, userSeed: 'bob-secret' }))) as ElPassoOut;
      assert.notEqual(bob.pseudonym, full.pseudonym);
      const swapped = full.proof.slice(0, 2 * 192) + bob.pseudonym + full.proof.slice(2 * 240);
      assert.equal((await verify(swapped)).verified, false);
      // Replayed to another service, with another nonce, or checked against another issuer's key.
      assert.equal((await verify(full.proof, { domain: 'other.example.org' })).verified, false);
      assert.equal((await verify(full.proof, { nonce: 'c0ffee02' })).verified, false);
      assert.equal((await verify(full.proof, { issuerSeed: 'idp-other' })).verified, false);
      // Garbage.
      assert.equal((await verify('abcd')).verified, false);
    });

    test('pseudonyms: stable per service, unlinkable across services', async () => {
      const again = (await expectOk(w.invokeJson({ ...credentialInput, nonce: 'c0ffee02' }))) as ElPassoOut;
      const other = (await expectOk(w.invokeJson({ ...credentialInput, domain: 'other.example.org' }))) as ElPassoOut;
      assert.equal(again.pseudonym, full.pseudonym, 'same user, same service: same pseudonym');
      assert.notEqual(again.proof, full.proof, 'but a fresh proof');
      assert.notEqual(other.pseudonym, full.pseudonym, 'another service sees another pseudonym');
      assert.equal(other.verified, true);
    });

    test('seeded input verifies', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as ElPassoOut;
      assert.deepEqual([out.requestValid, out.credentialValid, out.verified], [true, true, true]);
    });

    test('bad input is an error', async () => {
      assert.equal((await w.invokeJson({ op: 'full', issuerSeed: 'x' })).ok, false);
      const tooMany = { ...credentialInput, attributes: Array.from({ length: 9 }, (_, i) => `a${i}`) };
      assert.match((await w.invokeJson(tooMany)).error ?? '', /at most 8 attributes/);
      assert.equal((await w.invokeJson({ op: 'sign' })).ok, false);
    });
  });
}

describe('El Passo proofs checked with an independent implementation (@noble/curves)', () => {
  test('native and WebAssembly builds make the same proof, and noble verifies it', async () => {
    const { issuerPublicKey, verifyShow } = await import('./test-helpers/elpasso-reference.js');
    const native = elPassoProofs.get('el-passo-native');
    assert.ok(native !== undefined);
    assert.equal(elPassoProofs.get('el-passo-wasm'), native, 'same source, same deterministic proof');
    const pk = issuerPublicKey(credentialInput.issuerSeed);
    const good = verifyShow(pk, native, credentialInput.domain, credentialInput.nonce);
    assert.equal(good.ok, true, good.reason);
    const forged = verifyShow(pk, flipByte(native, 48 + 48 + 96 + 48 + 64 + 31), credentialInput.domain, credentialInput.nonce);
    assert.deepEqual(forged, { ok: false, reason: 'challenge mismatch' });
    assert.equal(verifyShow(pk, native, 'other.example.org', credentialInput.nonce).ok, false);
  });
});
