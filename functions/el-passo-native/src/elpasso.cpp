// El Passo core (see elpasso.hpp for the protocol). All randomness is derived from labelled
// seeds with hash_to_fr, so an invocation is reproducible from its input.
#include "elpasso.hpp"

#include <cstring>

namespace elpasso {
namespace {

const char kDstPrefix[] = "ISAWATT-ELPASSO-V1-";
const char kNymDst[] = "ISAWATT-ELPASSO-V1-NYM_XMD:SHA-256_SSWU_RO_";

blst_scalar to_scalar(const blst_fr &f) {
  blst_scalar s;
  blst_scalar_from_fr(&s, &f);
  return s;
}

blst_fr fr_sub(const blst_fr &a, const blst_fr &b) {
  blst_fr r;
  blst_fr_sub(&r, &a, &b);
  return r;
}

blst_fr fr_mul(const blst_fr &a, const blst_fr &b) {
  blst_fr r;
  blst_fr_mul(&r, &a, &b);
  return r;
}

bool fr_equal(const blst_fr &a, const blst_fr &b) {
  blst_scalar sa = to_scalar(a), sb = to_scalar(b);
  return std::memcmp(sa.b, sb.b, sizeof sa.b) == 0;
}

blst_p1 p1_mul(const blst_p1 &p, const blst_fr &k) {
  blst_scalar s = to_scalar(k);
  blst_p1 r;
  blst_p1_mult(&r, &p, s.b, 255);
  return r;
}

blst_p2 p2_mul(const blst_p2 &p, const blst_fr &k) {
  blst_scalar s = to_scalar(k);
  blst_p2 r;
  blst_p2_mult(&r, &p, s.b, 255);
  return r;
}

blst_p1 p1_add(const blst_p1 &a, const blst_p1 &b) {
  blst_p1 r;
  blst_p1_add_or_double(&r, &a, &b);
  return r;
}

blst_p2 p2_add(const blst_p2 &a, const blst_p2 &b) {
  blst_p2 r;
  blst_p2_add_or_double(&r, &a, &b);
  return r;
}

/** Fiat-Shamir transcript: labelled, length-prefixed fields. */
struct Transcript {
  Bytes data;
  explicit Transcript(const char *label) { bytes(reinterpret_cast<const uint8_t *>(label), std::strlen(label)); }
  void bytes(const uint8_t *p, size_t n) {
    for (int i = 3; i >= 0; i--) data.push_back(static_cast<uint8_t>(n >> (8 * i)));
    data.insert(data.end(), p, p + n);
  }
  void str(const std::string &s) { bytes(reinterpret_cast<const uint8_t *>(s.data()), s.size()); }
  void p1(const blst_p1 &p) {
    uint8_t b[48];
    blst_p1_compress(b, &p);
    bytes(b, sizeof b);
  }
  void p2(const blst_p2 &p) {
    uint8_t b[96];
    blst_p2_compress(b, &p);
    bytes(b, sizeof b);
  }
  blst_fr challenge(const char *label) const { return hash_to_fr(label, data.data(), data.size()); }
};

/** Deterministic per-purpose randomness: scalar number `i` of stream `label` for `seed`. */
blst_fr random_fr(const std::string &seed, const char *label, size_t i) {
  return hash_to_fr(label, seed + "/" + std::to_string(i));
}

/** Product sum g^a0 * prod bases[i]^k[i] in G2 (k[0] goes with `first`). */
blst_p2 p2_combination(const blst_p2 &first, const blst_fr &k0, const std::vector<blst_p2> &bases,
                       const std::vector<blst_fr> &k) {
  blst_p2 acc = p2_mul(first, k0);
  for (size_t i = 0; i < k.size(); i++) acc = p2_add(acc, p2_mul(bases[i], k[i]));
  return acc;
}

blst_p1 nym_base(const std::string &domain) {
  blst_p1 h;
  blst_hash_to_g1(&h, reinterpret_cast<const uint8_t *>(domain.data()), domain.size(),
                  reinterpret_cast<const uint8_t *>(kNymDst), sizeof kNymDst - 1, nullptr, 0);
  return h;
}

/** e(a1, b1) == e(a2, b2), as one product of two Miller loops and a single final exponentiation. */
bool pairing_equal(const blst_p1 &a1, const blst_p2 &b1, const blst_p1 &a2, const blst_p2 &b2) {
  blst_p1 neg = a2;
  blst_p1_cneg(&neg, true);
  blst_p1_affine pa1, pa2;
  blst_p2_affine pb1, pb2;
  blst_p1_to_affine(&pa1, &a1);
  blst_p1_to_affine(&pa2, &neg);
  blst_p2_to_affine(&pb1, &b1);
  blst_p2_to_affine(&pb2, &b2);
  blst_fp12 f1, f2, f;
  blst_miller_loop(&f1, &pb1, &pa1);
  blst_miller_loop(&f2, &pb2, &pa2);
  blst_fp12_mul(&f, &f1, &f2);
  blst_final_exp(&f, &f);
  return blst_fp12_is_one(&f);
}

}  // namespace

blst_fr hash_to_fr(const char *label, const uint8_t *msg, size_t len) {
  std::string dst = std::string(kDstPrefix) + label;
  uint8_t wide[48];
  blst_expand_message_xmd(wide, sizeof wide, msg, len, reinterpret_cast<const uint8_t *>(dst.data()), dst.size());
  blst_scalar s;
  blst_scalar_from_be_bytes(&s, wide, sizeof wide);  // reduces mod r (bias below 2^-128)
  blst_fr f;
  blst_fr_from_scalar(&f, &s);
  return f;
}

blst_fr hash_to_fr(const char *label, const std::string &msg) {
  return hash_to_fr(label, reinterpret_cast<const uint8_t *>(msg.data()), msg.size());
}

IssuerKeys make_issuer(const std::string &seed) {
  IssuerKeys k;
  k.seed = seed;
  k.x = hash_to_fr("issuer-x", seed);
  k.x1 = p1_mul(*blst_p1_generator(), k.x);
  k.x2 = p2_mul(*blst_p2_generator(), k.x);
  for (size_t i = 0; i <= kMaxAttributes; i++) {
    blst_fr y = random_fr(seed, "issuer-y", i);
    k.y.push_back(y);
    k.y1.push_back(p1_mul(*blst_p1_generator(), y));
    k.y2.push_back(p2_mul(*blst_p2_generator(), y));
  }
  return k;
}

IssueResult issue(const IssuerKeys &keys, const blst_fr &secret, const std::vector<blst_fr> &attrs,
                  const std::string &rng_seed) {
  IssueResult res{};
  const blst_p1 &g1 = *blst_p1_generator();

  // User: commitment C = g1^t Y1_0^s and a Schnorr proof of knowledge of (t, s).
  blst_fr t = random_fr(rng_seed, "issue-t", 0);
  blst_fr at = random_fr(rng_seed, "issue-at", 0);
  blst_fr as = random_fr(rng_seed, "issue-as", 0);
  blst_p1 commitment = p1_add(p1_mul(g1, t), p1_mul(keys.y1[0], secret));
  blst_p1 announce = p1_add(p1_mul(g1, at), p1_mul(keys.y1[0], as));
  Transcript tr("issue");
  tr.p1(keys.x1);
  tr.p1(commitment);
  tr.p1(announce);
  blst_fr c = tr.challenge("issue-challenge");
  blst_fr zt = fr_sub(at, fr_mul(c, t));
  blst_fr zs = fr_sub(as, fr_mul(c, secret));

  // Issuer: recompute the announcement from the responses, check the challenge.
  blst_p1 announce2 = p1_add(p1_add(p1_mul(g1, zt), p1_mul(keys.y1[0], zs)), p1_mul(commitment, c));
  Transcript tr2("issue");
  tr2.p1(keys.x1);
  tr2.p1(commitment);
  tr2.p1(announce2);
  res.request_valid = fr_equal(c, tr2.challenge("issue-challenge"));
  if (!res.request_valid) return res;

  // Issuer: sigma = (g1^u, (X1 C prod Y1_i^m_i)^u) over the public attributes.
  blst_fr u = random_fr(rng_seed, "issue-u", 0);
  blst_p1 base = p1_add(keys.x1, commitment);
  for (size_t i = 0; i < attrs.size(); i++) base = p1_add(base, p1_mul(keys.y1[i + 1], attrs[i]));
  res.credential.s1 = p1_mul(g1, u);
  blst_p1 blinded = p1_mul(base, u);

  // User: unblind (divide by s1^t) and check e(s1, X2 prod Y2_i^m_i) == e(s2, g2).
  blst_p1 unblind = p1_mul(res.credential.s1, t);
  blst_p1_cneg(&unblind, true);
  res.credential.s2 = p1_add(blinded, unblind);
  blst_p2 key = p2_add(keys.x2, p2_mul(keys.y2[0], secret));
  for (size_t i = 0; i < attrs.size(); i++) key = p2_add(key, p2_mul(keys.y2[i + 1], attrs[i]));
  res.credential_valid = !blst_p1_is_inf(&res.credential.s1) &&
                         pairing_equal(res.credential.s1, key, res.credential.s2, *blst_p2_generator());
  return res;
}

namespace {

Transcript show_transcript(const IssuerKeys &keys, const ShowProof &p, const blst_p2 &a1, const blst_p1 &a2,
                           const std::string &domain, const std::string &nonce) {
  Transcript tr("show");
  tr.p2(keys.x2);
  tr.p1(p.s1);
  tr.p1(p.s2);
  tr.p2(p.kappa);
  tr.p1(p.pseudonym);
  tr.p2(a1);
  tr.p1(a2);
  tr.str(domain);
  tr.str(nonce);
  return tr;
}

}  // namespace

ShowProof show(const IssuerKeys &keys, const Credential &cred, const std::vector<blst_fr> &messages,
               const std::string &domain, const std::string &nonce, const std::string &rng_seed) {
  ShowProof p;
  const blst_p2 &g2 = *blst_p2_generator();
  std::string seed = rng_seed + "/" + domain + "/" + nonce;
  blst_fr r = random_fr(seed, "show-r", 0);
  blst_fr t = random_fr(seed, "show-t", 0);
  // Re-randomised credential: (s1^r, (s2 s1^t)^r).
  p.s1 = p1_mul(cred.s1, r);
  p.s2 = p1_mul(p1_add(cred.s2, p1_mul(cred.s1, t)), r);
  std::vector<blst_p2> y2(keys.y2.begin(), keys.y2.begin() + static_cast<std::ptrdiff_t>(messages.size()));
  p.kappa = p2_add(keys.x2, p2_combination(g2, t, y2, messages));
  blst_p1 h = nym_base(domain);
  p.pseudonym = p1_mul(h, messages[0]);

  // Proof of knowledge of (t, m_0..m_L-1) with kappa/X2 = g2^t prod Y2_i^m_i and pseudonym = H^m_0.
  blst_fr at = random_fr(seed, "show-at", 0);
  std::vector<blst_fr> a;
  for (size_t i = 0; i < messages.size(); i++) a.push_back(random_fr(seed, "show-a", i));
  blst_p2 a1 = p2_combination(g2, at, y2, a);
  blst_p1 a2 = p1_mul(h, a[0]);
  p.c = show_transcript(keys, p, a1, a2, domain, nonce).challenge("show-challenge");
  p.zt = fr_sub(at, fr_mul(p.c, t));
  for (size_t i = 0; i < messages.size(); i++) p.z.push_back(fr_sub(a[i], fr_mul(p.c, messages[i])));
  return p;
}

bool verify(const IssuerKeys &keys, const ShowProof &p, const std::string &domain, const std::string &nonce) {
  if (p.z.empty() || p.z.size() > keys.y2.size()) return false;
  if (blst_p1_is_inf(&p.s1)) return false;
  const blst_p2 &g2 = *blst_p2_generator();
  // e(s1', kappa) == e(s2', g2): the (hidden) messages carry a valid issuer signature.
  if (!pairing_equal(p.s1, p.kappa, p.s2, g2)) return false;
  // Recompute the announcements: A1 = g2^zt prod Y2_i^z_i (kappa/X2)^c, A2 = H^z_0 pseudonym^c.
  std::vector<blst_p2> y2(keys.y2.begin(), keys.y2.begin() + static_cast<std::ptrdiff_t>(p.z.size()));
  blst_p2 neg_x2 = keys.x2;
  blst_p2_cneg(&neg_x2, true);
  blst_p2 a1 = p2_add(p2_combination(g2, p.zt, y2, p.z), p2_mul(p2_add(p.kappa, neg_x2), p.c));
  blst_p1 a2 = p1_add(p1_mul(nym_base(domain), p.z[0]), p1_mul(p.pseudonym, p.c));
  return fr_equal(p.c, show_transcript(keys, p, a1, a2, domain, nonce).challenge("show-challenge"));
}

namespace {

void put_fr(Bytes *out, const blst_fr &f) {
  blst_scalar s = to_scalar(f);
  uint8_t b[32];
  blst_bendian_from_scalar(b, &s);
  out->insert(out->end(), b, b + 32);
}

bool get_fr(const uint8_t *b, blst_fr *f) {
  blst_scalar s;
  blst_scalar_from_bendian(&s, b);
  if (!blst_scalar_fr_check(&s)) return false;
  blst_fr_from_scalar(f, &s);
  return true;
}

bool get_p1(const uint8_t *b, blst_p1 *p) {
  blst_p1_affine a;
  if (blst_p1_uncompress(&a, b) != BLST_SUCCESS || !blst_p1_affine_in_g1(&a)) return false;
  blst_p1_from_affine(p, &a);
  return true;
}

bool get_p2(const uint8_t *b, blst_p2 *p) {
  blst_p2_affine a;
  if (blst_p2_uncompress(&a, b) != BLST_SUCCESS || !blst_p2_affine_in_g2(&a)) return false;
  blst_p2_from_affine(p, &a);
  return true;
}

constexpr size_t kFixedBytes = 48 + 48 + 96 + 48 + 32 + 32;

}  // namespace

Bytes serialize(const ShowProof &p) {
  Bytes out;
  uint8_t b1[48], b2[96];
  blst_p1_compress(b1, &p.s1);
  out.insert(out.end(), b1, b1 + 48);
  blst_p1_compress(b1, &p.s2);
  out.insert(out.end(), b1, b1 + 48);
  blst_p2_compress(b2, &p.kappa);
  out.insert(out.end(), b2, b2 + 96);
  blst_p1_compress(b1, &p.pseudonym);
  out.insert(out.end(), b1, b1 + 48);
  put_fr(&out, p.c);
  put_fr(&out, p.zt);
  for (const blst_fr &z : p.z) put_fr(&out, z);
  return out;
}

bool deserialize(const Bytes &w, ShowProof *p, std::string *why) {
  if (w.size() < kFixedBytes + 32 || (w.size() - kFixedBytes) % 32 != 0) {
    *why = "proof has " + std::to_string(w.size()) + " bytes, expected " + std::to_string(kFixedBytes) + " + 32 per message";
    return false;
  }
  size_t n = (w.size() - kFixedBytes) / 32;
  if (n > kMaxAttributes + 1) {
    *why = "proof covers " + std::to_string(n) + " messages, at most " + std::to_string(kMaxAttributes + 1) + " are supported";
    return false;
  }
  const uint8_t *b = w.data();
  if (!get_p1(b, &p->s1) || !get_p1(b + 48, &p->s2)) return *why = "credential is not a pair of G1 points", false;
  if (!get_p2(b + 96, &p->kappa)) return *why = "kappa is not a G2 point", false;
  if (!get_p1(b + 192, &p->pseudonym)) return *why = "pseudonym is not a G1 point", false;
  if (!get_fr(b + 240, &p->c) || !get_fr(b + 272, &p->zt)) return *why = "challenge or response is not a scalar below r", false;
  p->z.assign(n, blst_fr{});
  for (size_t i = 0; i < n; i++) {
    if (!get_fr(b + kFixedBytes + 32 * i, &p->z[i])) return *why = "response is not a scalar below r", false;
  }
  return true;
}

std::string to_hex(const uint8_t *data, size_t len) {
  static const char digits[] = "0123456789abcdef";
  std::string s(2 * len, '0');
  for (size_t i = 0; i < len; i++) {
    s[2 * i] = digits[data[i] >> 4];
    s[2 * i + 1] = digits[data[i] & 15];
  }
  return s;
}

bool from_hex(const std::string &hex, Bytes *out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return true;
}

}  // namespace elpasso
