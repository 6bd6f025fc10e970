// Thumbnail (Java): resize a base64-encoded image with javax.imageio and Java2D (headless AWT).
// Input: {"image": base64 PNG (1024x768, drawn from the seed), "width", "height"}.
// Output: {"thumbnail": base64 JPEG, "width", "height", "format": "jpeg", "bytes"}.
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

public final class ThumbnailFunction {
  static {
    System.setProperty("java.awt.headless", "true");
    ImageIO.setUseCache(false); // in-memory streams, no temp files
  }

  private static final Gson GSON = new Gson();
  private static final int W = 1024;
  private static final int H = 768;

  private ThumbnailFunction() {}

  public static String makeInput(long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(rng.nextInt(1 << 24)), 0, H - 1, new Color(rng.nextInt(1 << 24))));
    g.fillRect(0, 0, W, H);
    for (int s = 0; s < 40; s++) {
      int x = rng.nextInt(W);
      int y = rng.nextInt(H);
      int w = 20 + rng.nextInt(280);
      int h = 20 + rng.nextInt(280);
      g.setColor(new Color(rng.nextInt(1 << 24)));
      if (rng.nextBoolean()) g.fillOval(x, y, w, h);
      else g.fillRect(x, y, w, h);
    }
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("image", Base64.getEncoder().encodeToString(png.toByteArray()));
    input.put("width", 128);
    input.put("height", 96);
    return GSON.toJson(input);
  }

  private static BufferedImage scale(BufferedImage src, int w, int h) {
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return dst;
  }

  public static String handle(String inputJson) throws IOException {
    JsonObject input = GSON.fromJson(inputJson, JsonObject.class);
    if (input == null || !input.has("image") || !input.has("width") || !input.has("height")) {
      throw new IllegalArgumentException("input needs \"image\" (base64), \"width\" and \"height\"");
    }
    int width = input.get("width").getAsInt();
    int height = input.get("height").getAsInt();
    if (width <= 0 || height <= 0 || width > 4096 || height > 4096) {
      throw new IllegalArgumentException("target size " + width + "x" + height + " is out of range (1..4096)");
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(input.get("image").getAsString())));
    if (img == null) throw new IllegalArgumentException("input \"image\" is not a PNG, JPEG, GIF or BMP image");
    // Halve while more than twice the target (bilinear on each step averages like a box filter),
    // then one last bilinear step: a smooth thumbnail without aliasing.
    BufferedImage cur = img;
    while (cur.getWidth() >= 2 * width && cur.getHeight() >= 2 * height) cur = scale(cur, cur.getWidth() / 2, cur.getHeight() / 2);
    BufferedImage thumb = scale(cur, width, height);

    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(jpeg)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.85f);
      writer.write(null, new IIOImage(thumb, null, null), param);
    } finally {
      writer.dispose();
    }
    byte[] data = jpeg.toByteArray();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("thumbnail", Base64.getEncoder().encodeToString(data));
    out.put("width", thumb.getWidth());
    out.put("height", thumb.getHeight());
    out.put("format", "jpeg");
    out.put("bytes", data.length);
    return GSON.toJson(out);
  }
}
