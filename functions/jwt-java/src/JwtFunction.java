// JWT (Java): create and sign an HS256 JSON Web Token, then verify it. Debian 12 packages no Java
// JWT library (no jjwt, nimbus or java-jwt), so the token is built with the JDK's HmacSHA256 and
// Base64url, and the JSON with gson (Debian libgoogle-gson-java). The token is byte-for-byte the
// one PyJWT and jose make for the same claims.
// Input: {"secret": hex string, "claims": {...}}. Output: {"token", "verified", "claims"}.
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class JwtFunction {
  private static final Gson GSON = new Gson();
  private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  private static final String[] ROLES = {"reader", "writer", "admin", "auditor", "billing", "support"};
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private JwtFunction() {}

  public static String makeInput(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder secret = new StringBuilder();
    for (int i = 0; i < 4; i++) secret.append(String.format("%016x", rng.nextLong()));
    long issued = 1_700_000_000L + rng.nextLong(10_000_000L);
    JsonObject claims = new JsonObject();
    claims.addProperty("sub", String.format("user-%06d", rng.nextInt(1_000_000)));
    claims.addProperty("name", "User " + rng.nextInt(1_000_000));
    claims.addProperty("iss", "isawatt");
    claims.addProperty("aud", "isawatt-workload");
    claims.addProperty("iat", issued);
    claims.addProperty("exp", issued + 3600);
    List<String> pool = new ArrayList<>(List.of(ROLES));
    JsonArray roles = new JsonArray();
    for (int i = 0; i < 3; i++) roles.add(pool.remove(rng.nextInt(pool.size())));
    claims.add("roles", roles);
    JsonObject input = new JsonObject();
    input.addProperty("secret", secret.toString());
    input.add("claims", claims);
    return GSON.toJson(input);
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
  }

  public static String handle(String inputJson) throws GeneralSecurityException {
    JsonObject input = JsonParser.parseString(inputJson).getAsJsonObject();
    JsonElement secretEl = input.get("secret");
    JsonElement claimsEl = input.get("claims");
    if (secretEl == null || !secretEl.isJsonPrimitive() || secretEl.getAsString().isEmpty()) {
      throw new IllegalArgumentException("input \"secret\" must be a non-empty string");
    }
    if (claimsEl == null || !claimsEl.isJsonObject()) throw new IllegalArgumentException("input \"claims\" must be an object");
    byte[] key = secretEl.getAsString().getBytes(StandardCharsets.UTF_8);
    JsonObject claims = claimsEl.getAsJsonObject();

    String signingInput = B64.encodeToString(HEADER.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(GSON.toJson(claims).getBytes(StandardCharsets.UTF_8));
    String token = signingInput + "." + B64.encodeToString(hmac(key, signingInput));

    // Verify as a consumer would: split, check the header, recompute the MAC (constant time), parse.
    String[] parts = token.split("\\.");
    boolean verified = parts.length == 3;
    JsonElement decoded = null;
    if (verified) {
      JsonObject header = JsonParser.parseString(new String(B64D.decode(parts[0]), StandardCharsets.UTF_8)).getAsJsonObject();
      byte[] expected = hmac(key, parts[0] + "." + parts[1]);
      verified = "HS256".equals(header.get("alg").getAsString()) && MessageDigest.isEqual(expected, B64D.decode(parts[2]));
      decoded = JsonParser.parseString(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8));
      verified = verified && decoded.equals(claims);
    }
    JsonObject out = new JsonObject();
    out.addProperty("token", token);
    out.addProperty("verified", verified);
    out.add("claims", decoded);
    return GSON.toJson(out);
  }
}
