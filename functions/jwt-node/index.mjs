// JWT (Node.js): create and sign an HS256 JSON Web Token with jose, then verify it.
// Input: {secret: hex string, claims: {...}}. Output: {token, verified, claims}.
import { SignJWT, jwtVerify } from 'jose';
import { isDeepStrictEqual } from 'node:util';
import { createHash } from 'node:crypto';

const ROLES = ['reader', 'writer', 'admin', 'auditor', 'billing', 'support'];

/** Deterministic bytes from a seed (SHA-256 in counter mode): same seed, same input. */
function seededBytes(seed, label, n) {
  const out = Buffer.alloc(n);
  for (let i = 0, off = 0; off < n; i++) {
    const block = createHash('sha256').update(`${seed}:${label}:${i}`).digest();
    off += block.copy(out, off);
  }
  return out;
}

export function makeInput(seed) {
  const r = seededBytes(seed, 'jwt', 48);
  const issued = 1_700_000_000 + (r.readUInt32BE(32) % 10_000_000);
  const roles = [...ROLES].sort((a, b) => (r[a.length] ^ a.charCodeAt(0)) - (r[b.length] ^ b.charCodeAt(0))).slice(0, 3);
  return {
    secret: r.subarray(0, 32).toString('hex'),
    claims: {
      sub: `user-${String(r.readUInt32BE(36) % 1_000_000).padStart(6, '0')}`,
      name: `User ${r.readUInt32BE(40) % 1_000_000}`,
      iss: 'isawatt',
      aud: 'isawatt-workload',
      iat: issued,
      exp: issued + 3600,
      roles,
    },
  };
}

export async function handler(input) {
  const { secret, claims } = input ?? {};
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('input "secret" must be a non-empty string');
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TypeError('input "claims" must be an object');
  const key = new TextEncoder().encode(secret);
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  // Checked against the claims themselves, not the wall clock: inputs are fixed per seed.
  const { payload } = await jwtVerify(token, key, {
    algorithms: ['HS256'],
    audience: claims.aud,
    currentDate: new Date(((claims.iat ?? 0) + 1) * 1000),
  });
  return { token, verified: isDeepStrictEqual(payload, claims), claims: payload };
}
