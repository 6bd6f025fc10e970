// Zip (Java): compress 3 files into one zip archive (deflate) with java.util.zip.
// Input: {"files": [{"name", "content"}] x3} (text generated from the seed, about 32 KiB each).
// Output: {"zip": base64 archive, "bytes", "entries": [names]}.
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

public final class ZipFunction {
  private static final Gson GSON = new Gson();
  private static final String[] WORDS = ("energy watt joule core socket cluster placement function worker cgroup arm x86 "
      + "latency throughput power idle active profile model solver host agent").split(" ");
  private static final int FILE_BYTES = 32 * 1024;

  private ZipFunction() {}

  private static String text(SplittableRandom rng, boolean csv) {
    StringBuilder sb = new StringBuilder(FILE_BYTES + 128);
    while (sb.length() < FILE_BYTES) {
      if (csv) {
        sb.append(String.format(Locale.ROOT, "%d,%s,%.3f,%d%n", rng.nextInt(1_000_000), WORDS[rng.nextInt(WORDS.length)],
            rng.nextDouble() * 500, rng.nextInt(64)));
      } else {
        int n = 6 + rng.nextInt(10);
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : " ").append(WORDS[rng.nextInt(WORDS.length)]);
        sb.append(".\n");
      }
    }
    return sb.toString();
  }

  public static String makeInput(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    JsonArray files = new JsonArray();
    String[][] spec = {{"report.txt", "txt"}, {"metrics.csv", "csv"}, {"notes/readme.md", "txt"}};
    for (String[] s : spec) {
      JsonObject f = new JsonObject();
      f.addProperty("name", s[0]);
      f.addProperty("content", text(rng, s[1].equals("csv")));
      files.add(f);
    }
    JsonObject input = new JsonObject();
    input.add("files", files);
    return GSON.toJson(input);
  }

  public static String handle(String inputJson) throws IOException {
    JsonObject input = GSON.fromJson(inputJson, JsonObject.class);
    JsonElement filesEl = input == null ? null : input.get("files");
    if (filesEl == null || !filesEl.isJsonArray() || filesEl.getAsJsonArray().isEmpty()) {
      throw new IllegalArgumentException("input \"files\" must be a non-empty array of {name, content}");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
    List<String> names = new ArrayList<>();
    try (ZipOutputStream zip = new ZipOutputStream(buf, StandardCharsets.UTF_8)) {
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
      for (JsonElement el : filesEl.getAsJsonArray()) {
        JsonObject f = el.getAsJsonObject();
        String name = f.get("name").getAsString();
        zip.putNextEntry(new ZipEntry(name));
        zip.write(f.get("content").getAsString().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        names.add(name);
      }
    }
    byte[] data = buf.toByteArray();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("zip", Base64.getEncoder().encodeToString(data));
    out.put("bytes", data.length);
    out.put("entries", names);
    return GSON.toJson(out);
  }
}
