// HTML (Java): fill an HTML template (an order page) with FreeMarker. The .ftlh template uses
// FreeMarker's HTML output format, so every interpolation is escaped. The template is loaded and
// parsed once per worker (warm); gson turns the JSON input into the maps and lists FreeMarker reads.
// Input: {"title", "user": {"name", "email"}, "items": [{"name", "qty", "price"}]}. Output: {"html", "bytes"}.
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

public final class HtmlFunction {
  private static final Gson GSON = new Gson();
  private static final String[] WORDS = {"red", "green", "blue", "small", "large", "steel", "wooden", "lamp", "chair", "table", "cable", "kettle", "mug", "book"};
  private static final Template TEMPLATE = loadTemplate();

  private HtmlFunction() {}

  private static Template loadTemplate() {
    // The harness runs with the function folder as cwd (worker-protocol.md); fall back to the
    // class location so the class also works from elsewhere.
    File dir = new File("templates");
    if (!dir.isDirectory()) {
      File classes = new File(HtmlFunction.class.getProtectionDomain().getCodeSource().getLocation().getPath());
      dir = new File(classes.getParentFile().getParentFile(), "templates");
    }
    try {
      Configuration cfg = new Configuration(Configuration.VERSION_2_3_31);
      cfg.setDirectoryForTemplateLoading(dir);
      cfg.setDefaultEncoding("UTF-8");
      cfg.setLocale(Locale.ROOT);
      cfg.setRecognizeStandardFileExtensions(true); // .ftlh => HTML output format, auto-escaping
      cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
      cfg.setLogTemplateExceptions(false);
      return cfg.getTemplate("page.ftlh");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load templates/page.ftlh from " + dir.getAbsolutePath(), e);
    }
  }

  public static String makeInput(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      List<String> pool = new ArrayList<>(List.of(WORDS));
      String name = pool.remove(rng.nextInt(pool.size())) + " " + pool.remove(rng.nextInt(pool.size())) + " " + pool.remove(rng.nextInt(pool.size()));
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("name", name);
      item.put("qty", 1 + rng.nextInt(9));
      item.put("price", Math.round((1 + rng.nextDouble() * 199) * 100) / 100.0);
      items.add(item);
    }
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("name", "User " + rng.nextInt(10000));
    user.put("email", "user" + rng.nextInt(10000) + "@example.org");
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("title", "Order #" + (100000 + rng.nextInt(900000)));
    input.put("user", user);
    input.put("items", items);
    return GSON.toJson(input);
  }

  public static String handle(String inputJson) throws IOException, TemplateException {
    Map<String, Object> input = GSON.fromJson(inputJson, new TypeToken<Map<String, Object>>() {}.getType());
    if (input == null || !(input.get("items") instanceof List<?>)) throw new IllegalArgumentException("input \"items\" must be an array");
    double total = 0;
    for (Object o : (List<?>) input.get("items")) {
      if (!(o instanceof Map<?, ?> item)) throw new IllegalArgumentException("every item must be an object");
      total += ((Number) item.get("qty")).doubleValue() * ((Number) item.get("price")).doubleValue();
    }
    Map<String, Object> model = new LinkedHashMap<>(input);
    model.put("total", total);
    StringWriter out = new StringWriter(8192);
    TEMPLATE.process(model, out);
    String html = out.toString();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("html", html);
    result.put("bytes", html.getBytes(StandardCharsets.UTF_8).length);
    return GSON.toJson(result);
  }
}
