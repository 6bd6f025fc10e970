// An independent El Passo show verifier written on @noble/curves (pure TypeScript BLS12-381), used
// by the tests to check the proofs the C++ function (native and WebAssembly, on blst) produces:
// same wire format, same transcript, same hash-to-scalar, different pairing implementation.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha256 } from '@noble/hashes/sha2.js';

const { G1, G2 } = bls12_381;
const R = bls12_381.fields.Fr.ORDER;
const DST_PREFIX = 'ISAWATT-ELPASSO-V1-';
const NYM_DST = 'ISAWATT-ELPASSO-V1-NYM_XMD:SHA-256_SSWU_RO_';
const MAX_MESSAGES = 9;

type P1 = InstanceType<typeof G1.Point>;
type P2 = InstanceType<typeof G2.Point>;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function beToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
}

/** hash_to_fr of elpasso.cpp: expand_message_xmd(SHA-256) to 48 bytes, big-endian, mod r. */
export function hashToFr(label: string, msg: Uint8Array): bigint {
  return beToBigint(expand_message_xmd(msg, utf8(DST_PREFIX + label), 48, sha256)) % R;
}

// noble refuses the scalar 0 in multiply(); 0 only comes up with negligible probability, but the
// verifier must not crash on a crafted proof.
const mul1 = (p: P1, k: bigint): P1 => (k % R === 0n ? G1.Point.ZERO : p.multiply(k % R));
const mul2 = (p: P2, k: bigint): P2 => (k % R === 0n ? G2.Point.ZERO : p.multiply(k % R));

export interface IssuerPublicKey {
  x2: P2;
  y2: P2[];
}

export function issuerPublicKey(seed: string): IssuerPublicKey {
  const x = hashToFr('issuer-x', utf8(seed));
  const y2 = Array.from({ length: MAX_MESSAGES }, (_, i) => mul2(G2.Point.BASE, hashToFr('issuer-y', utf8(`${seed}/${i}`))));
  return { x2: mul2(G2.Point.BASE, x), y2 };
}

class Transcript {
  private readonly parts: Uint8Array[] = [];
  constructor(label: string) {
    this.bytes(utf8(label));
  }
  bytes(b: Uint8Array): void {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, false);
    this.parts.push(len, b);
  }
  p(point: P1 | P2): void {
    this.bytes(point.toBytes(true));
  }
  challenge(label: string): bigint {
    const total = this.parts.reduce((s, p) => s + p.length, 0);
    const all = new Uint8Array(total);
    let off = 0;
    for (const p of this.parts) {
      all.set(p, off);
      off += p.length;
    }
    return hashToFr(label, all);
  }
}

export interface ShowCheck {
  ok: boolean;
  reason: string;
  pseudonymHex?: string;
}

/** Verifies a show proof (hex wire form of elpasso.cpp) for a service domain and nonce. */
export function verifyShow(pk: IssuerPublicKey, proofHex: string, domain: string, nonce: string): ShowCheck {
  const wire = Buffer.from(proofHex, 'hex');
  const fixed = 48 + 48 + 96 + 48 + 32 + 32;
  if (wire.length < fixed + 32 || (wire.length - fixed) % 32 !== 0) return { ok: false, reason: `bad length ${wire.length}` };
  const n = (wire.length - fixed) / 32;
  if (n > MAX_MESSAGES) return { ok: false, reason: `too many messages (${n})` };
  let s1: P1, s2: P1, kappa: P2, nym: P1;
  try {
    s1 = G1.Point.fromBytes(wire.subarray(0, 48));
    s2 = G1.Point.fromBytes(wire.subarray(48, 96));
    kappa = G2.Point.fromBytes(wire.subarray(96, 192));
    nym = G1.Point.fromBytes(wire.subarray(192, 240));
    for (const p of [s1, s2, nym]) p.assertValidity();
    kappa.assertValidity();
  } catch (err) {
    return { ok: false, reason: `bad point: ${(err as Error).message}` };
  }
  const scalar = (off: number): bigint => beToBigint(wire.subarray(off, off + 32));
  const c = scalar(240);
  const zt = scalar(272);
  const z = Array.from({ length: n }, (_, i) => scalar(fixed + 32 * i));
  if ([c, zt, ...z].some((k) => k >= R)) return { ok: false, reason: 'scalar not below r' };
  if (s1.equals(G1.Point.ZERO)) return { ok: false, reason: 'credential is the identity' };

  // e(s1, kappa) == e(s2, g2)
  const Fp12 = bls12_381.fields.Fp12;
  if (!Fp12.eql(bls12_381.pairing(s1, kappa), bls12_381.pairing(s2, G2.Point.BASE))) return { ok: false, reason: 'pairing equation fails' };

  const h = G1.hashToCurve(utf8(domain), { DST: NYM_DST });
  let a1 = mul2(G2.Point.BASE, zt);
  for (const [i, zi] of z.entries()) {
    const y = pk.y2[i];
    if (y === undefined) return { ok: false, reason: `no key for message ${i}` };
    a1 = a1.add(mul2(y, zi));
  }
  a1 = a1.add(mul2(kappa.subtract(pk.x2), c));
  const a2 = mul1(h, z[0] ?? 0n).add(mul1(nym, c));

  const tr = new Transcript('show');
  tr.p(pk.x2);
  tr.p(s1);
  tr.p(s2);
  tr.p(kappa);
  tr.p(nym);
  tr.p(a1);
  tr.p(a2);
  tr.bytes(utf8(domain));
  tr.bytes(utf8(nonce));
  if (tr.challenge('show-challenge') !== c) return { ok: false, reason: 'challenge mismatch' };
  return { ok: true, reason: '', pseudonymHex: Buffer.from(nym.toBytes(true)).toString('hex') };
}
