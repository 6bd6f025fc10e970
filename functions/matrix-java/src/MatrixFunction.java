// Matrix native (Java): product of two random 30x30 matrices in plain Java loops.
// Input: {"a": [[...]], "b": [[...]]} (n x n, generated from the seed). Output: {"n", "c"}.
import com.google.gson.Gson;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** Reads an array of rows of numbers with gson's streaming reader (the tree model is 5x slower). */
  private static double[][] readMatrix(JsonReader in) throws IOException {
    List<double[]> rows = new ArrayList<>();
    List<Double> row = new ArrayList<>();
    in.beginArray();
    while (in.hasNext()) {
      row.clear();
      in.beginArray();
      while (in.hasNext()) row.add(in.nextDouble());
      in.endArray();
      double[] r = new double[row.size()];
      for (int j = 0; j < r.length; j++) r[j] = row.get(j);
      rows.add(r);
    }
    in.endArray();
    return rows.toArray(new double[0][]);
  }

  public static String handle(String inputJson) throws IOException {
    double[][] a = null;
    double[][] b = null;
    try (JsonReader in = new JsonReader(new StringReader(inputJson))) {
      in.beginObject();
      while (in.hasNext()) {
        String key = in.nextName();
        if (key.equals("a")) a = readMatrix(in);
        else if (key.equals("b")) b = readMatrix(in);
        else in.skipValue();
      }
      in.endObject();
    }
    if (a == null || b == null) throw new IllegalArgumentException("input needs matrices \"a\" and \"b\"");
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
    StringBuilder out = new StringBuilder(rows * cols * 20 + 32);
    out.append("{\"n\":").append(rows).append(",\"c\":[");
    for (int i = 0; i < rows; i++) {
      out.append(i == 0 ? "[" : ",[");
      for (int j = 0; j < cols; j++) {
        if (j > 0) out.append(',');
        out.append(c[i][j]); // Double.toString: shortest text that reads back to the same double
      }
      out.append(']');
    }
    return out.append("]}").toString();
  }
}
