// Matrix native (Java): product of two random 30x30 matrices in plain Java loops.
// Input: {"a": [[...]], "b": [[...]]} (n x n, generated from the seed). Output: {"n", "c"}.
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

public final class MatrixFunction {
  private static final Gson GSON = new Gson();
  private static final int N = 30;

  private MatrixFunction() {}

  public static String makeInput(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] a = new double[N][N];
    double[][] b = new double[N][N];
    for (double[] row : a) for (int j = 0; j < N; j++) row[j] = rng.nextDouble();
    for (double[] row : b) for (int j = 0; j < N; j++) row[j] = rng.nextDouble();
    Map<String, double[][]> input = new LinkedHashMap<>();
    input.put("a", a);
    input.put("b", b);
    return GSON.toJson(input);
  }

  public static String handle(String inputJson) {
    JsonObject input = GSON.fromJson(inputJson, JsonObject.class);
    if (input == null || !input.has("a") || !input.has("b")) throw new IllegalArgumentException("input needs matrices \"a\" and \"b\"");
    double[][] a = GSON.fromJson(input.get("a"), double[][].class);
    double[][] b = GSON.fromJson(input.get("b"), double[][].class);
    int rows = a.length;
    int inner = b.length;
    int cols = inner > 0 ? b[0].length : 0;
    for (double[] r : a) if (r.length != inner) throw new IllegalArgumentException("matrices are ragged or their inner dimensions differ");
    for (double[] r : b) if (r.length != cols) throw new IllegalArgumentException("matrices are ragged or their inner dimensions differ");
    double[][] c = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      double[] ai = a[i];
      double[] ci = c[i];
      for (int k = 0; k < inner; k++) {
        double aik = ai[k];
        double[] bk = b[k];
        for (int j = 0; j < cols; j++) ci[j] += aik * bk[j];
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("n", rows);
    out.put("c", c);
    return GSON.toJson(out);
  }
}
