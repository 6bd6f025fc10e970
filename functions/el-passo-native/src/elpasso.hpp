// El Passo core: anonymous credentials for single sign-on (Zhang et al., "El Passo:
// Efficient and Lightweight Privacy-preserving Single Sign On", PETS 2021), built on
// Pointcheval-Sanders (PS) multi-message signatures over the pairing-friendly curve BLS12-381
// (pairings and group arithmetic from supranational's blst).
//
// Roles and steps (all in one invocation of the function):
//  1. blind issuance: the user commits to her secret s, proves she knows the opening (Schnorr,
//     Fiat-Shamir), the identity provider checks that proof and signs the commitment together
//     with the public attributes; the user unblinds the signature and checks it with a pairing;
//  2. show: the user re-randomises the credential, derives the service-specific pseudonym
//     H(domain)^s, and proves in zero knowledge that she holds a valid credential on attributes
//     she does not reveal, bound to the pseudonym, the domain and a nonce from the service;
//  3. verify: the service checks the pairing equation and the proof.
#ifndef ELPASSO_HPP
#define ELPASSO_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "blst.h"

namespace elpasso {

// Attributes besides the user secret (index 0 of the key is the secret's).
constexpr size_t kMaxAttributes = 8;

using Bytes = std::vector<uint8_t>;

struct IssuerKeys {
  std::string seed;
  blst_fr x;
  std::vector<blst_fr> y;   // y[0] for the user secret, y[1..] for the attributes
  blst_p1 x1;               // g1^x: issuer side of blind issuance
  std::vector<blst_p1> y1;  // g1^y[i]
  blst_p2 x2;               // g2^x: verification key
  std::vector<blst_p2> y2;  // g2^y[i]
};

/** Deterministic key pair for up to kMaxAttributes attributes, derived from `seed`. */
IssuerKeys make_issuer(const std::string &seed);

/** Scalar in Fr from a labelled message: expand_message_xmd(SHA-256), 48 bytes reduced mod r. */
blst_fr hash_to_fr(const char *label, const uint8_t *msg, size_t len);
blst_fr hash_to_fr(const char *label, const std::string &msg);

struct Credential {
  blst_p1 s1;  // h = g1^u
  blst_p1 s2;  // h^(x + sum y_i m_i)
};

struct ShowProof {
  blst_p1 s1;              // randomised credential
  blst_p1 s2;
  blst_p2 kappa;           // X~ g2^t prod Y~_i^m_i
  blst_p1 pseudonym;       // H(domain)^s
  blst_fr c;               // Fiat-Shamir challenge
  blst_fr zt;              // response for t
  std::vector<blst_fr> z;  // responses for m_0 (= s) .. m_L-1
};

struct IssueResult {
  bool request_valid;     // the issuer accepted the user's proof of knowledge of the commitment
  bool credential_valid;  // the unblinded signature verifies under the issuer key
  Credential credential;
};

/**
 * Blind issuance of a credential on (s, attrs...): `rng_seed` drives the user's and the issuer's
 * randomness (deterministic, so a seed always gives the same result).
 */
IssueResult issue(const IssuerKeys &keys, const blst_fr &secret, const std::vector<blst_fr> &attrs,
                  const std::string &rng_seed);

/** A show of `cred` (messages m = [s, attrs...]) to the service `domain`, with its `nonce`. */
ShowProof show(const IssuerKeys &keys, const Credential &cred, const std::vector<blst_fr> &messages,
               const std::string &domain, const std::string &nonce, const std::string &rng_seed);

/** Checks a show: pairing equation, proof of knowledge, pseudonym binding, domain and nonce. */
bool verify(const IssuerKeys &keys, const ShowProof &proof, const std::string &domain, const std::string &nonce);

/** Wire form: s1 (48) s2 (48) kappa (96) pseudonym (48) c (32) zt (32) z[i] (32 each), compressed points, big-endian scalars. */
Bytes serialize(const ShowProof &proof);
/** Parses and validates (on-curve, in-subgroup, scalars < r); false with `why` when malformed. */
bool deserialize(const Bytes &wire, ShowProof *proof, std::string *why);

std::string to_hex(const uint8_t *data, size_t len);
bool from_hex(const std::string &hex, Bytes *out);

}  // namespace elpasso

#endif
