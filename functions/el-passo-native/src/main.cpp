// El Passo function (C++, native and WebAssembly from this one source): the worker protocol comes
// from functions/_harness/native/isawatt_harness.h (a line-protocol main() natively, the wasm ABI
// exports under wasm32-wasi).
//
// Input (op "full", the default; made from the seed by make_input):
//   {"op":"full","issuerSeed":"..","userSeed":"..","attributes":["name:..",..],"domain":"..","nonce":".."}
//   blind issuance, credential check, show to `domain` with `nonce`, and the service's verification.
//   Output: {"requestValid","credentialValid","verified","pseudonym":hex,"proof":hex,"messages"}.
// Input (op "verify"): {"op":"verify","issuerSeed":"..","domain":"..","nonce":"..","proof":hex}
//   the service side alone. Output: {"verified", "pseudonym", "reason"}.
#include <cstdio>
#include <string>
#include <vector>

#include "elpasso.hpp"
#include "isawatt_harness.h"

namespace {

/** Parses the JSON string starting at `p` (which points at the opening quote) into UTF-8. */
bool parse_json_string(const char *p, std::string *out, const char **end) {
  if (*p != '"') return false;
  out->clear();
  for (p++; *p && *p != '"'; p++) {
    if (*p != '\\') {
      out->push_back(*p);
      continue;
    }
    p++;
    switch (*p) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '/': out->push_back('/'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        unsigned cp = 0;
        for (int i = 1; i <= 4; i++) {
          char c = p[i];
          unsigned d = (c >= '0' && c <= '9') ? unsigned(c - '0') : (c >= 'a' && c <= 'f') ? unsigned(c - 'a' + 10)
                       : (c >= 'A' && c <= 'F') ? unsigned(c - 'A' + 10) : 99u;
          if (d > 15) return false;
          cp = cp * 16 + d;
        }
        p += 4;
        // Basic multilingual plane only (surrogate pairs are kept as two code points).
        if (cp < 0x80) {
          out->push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: return false;
    }
  }
  if (*p != '"') return false;
  if (end) *end = p + 1;
  return true;
}

bool get_string(const char *json, const char *key, std::string *out) {
  const char *v = isawatt_json_find(json, key);
  return v && parse_json_string(v, out, nullptr);
}

bool get_string_array(const char *json, const char *key, std::vector<std::string> *out) {
  const char *p = isawatt_json_find(json, key);
  if (!p || *p != '[') return false;
  out->clear();
  p++;
  for (;;) {
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
    if (*p == ']') return true;
    std::string s;
    if (!parse_json_string(p, &s, &p)) return false;
    out->push_back(s);
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
    if (*p == ',') p++;
    else if (*p != ']') return false;
  }
}

/** The identity provider's keys are long-lived: generated once per issuer seed, kept warm. */
const elpasso::IssuerKeys &issuer_for(const std::string &seed) {
  static elpasso::IssuerKeys *cached = nullptr;
  if (!cached || cached->seed != seed) {
    delete cached;
    cached = new elpasso::IssuerKeys(elpasso::make_issuer(seed));
  }
  return *cached;
}

int fail(isawatt_buf *out, const std::string &msg) {
  isawatt_buf_puts(out, msg.c_str());
  return 1;
}

std::string p1_hex(const blst_p1 &p) {
  uint8_t b[48];
  blst_p1_compress(b, &p);
  return elpasso::to_hex(b, sizeof b);
}

int do_verify(const char *input, isawatt_buf *out) {
  std::string issuer, domain, nonce, proof_hex;
  if (!get_string(input, "issuerSeed", &issuer) || !get_string(input, "domain", &domain) ||
      !get_string(input, "nonce", &nonce) || !get_string(input, "proof", &proof_hex)) {
    return fail(out, "verify needs string fields issuerSeed, domain, nonce and proof (hex)");
  }
  elpasso::Bytes wire;
  elpasso::ShowProof proof;
  std::string why;
  bool ok = false;
  if (!elpasso::from_hex(proof_hex, &wire)) why = "proof is not hex";
  else if (elpasso::deserialize(wire, &proof, &why)) {
    ok = elpasso::verify(issuer_for(issuer), proof, domain, nonce);
    if (!ok) why = "proof does not verify";
  }
  isawatt_buf_printf(out, "{\"verified\":%s,\"pseudonym\":\"%s\",\"reason\":\"%s\"}", ok ? "true" : "false",
                     ok ? p1_hex(proof.pseudonym).c_str() : "", ok ? "" : why.c_str());
  return 0;
}

int do_full(const char *input, isawatt_buf *out) {
  std::string issuer, user, domain, nonce;
  std::vector<std::string> attributes;
  if (!get_string(input, "issuerSeed", &issuer) || !get_string(input, "userSeed", &user) ||
      !get_string(input, "domain", &domain) || !get_string(input, "nonce", &nonce) ||
      !get_string_array(input, "attributes", &attributes)) {
    return fail(out, "input needs string fields issuerSeed, userSeed, domain, nonce and a string array attributes");
  }
  if (attributes.size() > elpasso::kMaxAttributes) {
    return fail(out, "at most " + std::to_string(elpasso::kMaxAttributes) + " attributes are supported, got " +
                         std::to_string(attributes.size()));
  }
  const elpasso::IssuerKeys &keys = issuer_for(issuer);
  blst_fr secret = elpasso::hash_to_fr("user-secret", user);
  std::vector<blst_fr> attrs;
  for (const std::string &a : attributes) attrs.push_back(elpasso::hash_to_fr("attribute", a));

  elpasso::IssueResult issued = elpasso::issue(keys, secret, attrs, user + "/" + nonce);
  if (!issued.request_valid || !issued.credential_valid) {
    isawatt_buf_printf(out, "{\"requestValid\":%s,\"credentialValid\":%s,\"verified\":false}",
                       issued.request_valid ? "true" : "false", issued.credential_valid ? "true" : "false");
    return 0;
  }
  std::vector<blst_fr> messages{secret};
  messages.insert(messages.end(), attrs.begin(), attrs.end());
  elpasso::ShowProof proof = elpasso::show(keys, issued.credential, messages, domain, nonce, user);
  elpasso::Bytes wire = elpasso::serialize(proof);

  // The service's side: parse the proof as it travelled, then verify.
  elpasso::ShowProof received;
  std::string why;
  bool verified = elpasso::deserialize(wire, &received, &why) && elpasso::verify(keys, received, domain, nonce);
  isawatt_buf_printf(out,
                     "{\"requestValid\":true,\"credentialValid\":true,\"verified\":%s,\"pseudonym\":\"%s\",\"proof\":\"%s\","
                     "\"messages\":%zu}",
                     verified ? "true" : "false", p1_hex(proof.pseudonym).c_str(),
                     elpasso::to_hex(wire.data(), wire.size()).c_str(), messages.size());
  return 0;
}

}  // namespace

extern "C" int handle(const char *input, size_t input_len, isawatt_buf *out) {
  (void)input_len;
  std::string op = "full";
  if (isawatt_json_find(input, "op") && !get_string(input, "op", &op)) return fail(out, "\"op\" must be a string");
  if (op == "full") return do_full(input, out);
  if (op == "verify") return do_verify(input, out);
  return fail(out, "unknown op \"" + op + "\" (expected full or verify)");
}

extern "C" int make_input(uint64_t seed, isawatt_buf *out) {
  // Attribute values vary with the seed; one identity provider per 8 seeds.
  unsigned long long s = static_cast<unsigned long long>(seed);
  isawatt_buf_printf(out,
                     "{\"op\":\"full\",\"issuerSeed\":\"idp-%llu\",\"userSeed\":\"user-%llu\",\"attributes\":["
                     "\"name:User %llu\",\"birthdate:%04llu-%02llu-%02llu\",\"country:%s\"],"
                     "\"domain\":\"service-%llu.example.org\",\"nonce\":\"%016llx\"}",
                     s / 8, s, s % 100000, 1950 + s % 60, 1 + s % 12, 1 + s % 28,
                     (s % 3 == 0) ? "CH" : (s % 3 == 1) ? "FR" : "DE", s % 16, s * 0x9E3779B97F4A7C15ull);
  return 0;
}
