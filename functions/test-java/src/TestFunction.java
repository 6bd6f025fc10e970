// Test function (category: test); input.op selects the behaviour, as in every test-<runtime>:
// echo returns the input; noop {}; busy spins ms; sleep sleeps ms; print writes to stdout (must land
// on stderr) then echoes; fail throws; crash exits with 70; hang spins forever; count returns
// {"calls":n}, the handler's calls in this worker so far, this one included (warm-up tests).
// The input is small and flat, so two regular expressions replace a JSON parser.
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class TestFunction {
  private static final Pattern OP = Pattern.compile("\"op\"\\s*:\\s*\"([a-z]+)\"");
  private static final Pattern MS = Pattern.compile("\"ms\"\\s*:\\s*([0-9.]+)");
  private static volatile long sink;
  private static long calls;

  private TestFunction() {}

  /** seed < 1000: echo of the seed; 1000 + N: busy N ms; 2000 + N: sleep N ms. */
  public static String makeInput(long seed) {
    if (seed >= 2000 && seed < 3000) return "{\"op\":\"sleep\",\"ms\":" + (seed - 2000) + "}";
    if (seed >= 1000 && seed < 2000) return "{\"op\":\"busy\",\"ms\":" + (seed - 1000) + "}";
    return "{\"op\":\"echo\",\"value\":" + seed + "}";
  }

  public static String handle(String input) throws Exception {
    calls++;
    Matcher op = OP.matcher(input);
    String name = op.find() ? op.group(1) : "";
    Matcher msm = MS.matcher(input);
    double ms = msm.find() ? Double.parseDouble(msm.group(1)) : 0;
    switch (name) {
      case "echo":
        return input;
      case "noop":
        return "{}";
      case "count":
        return "{\"calls\":" + calls + "}";
      case "busy": {
        long end = System.nanoTime() + (long) (ms * 1e6);
        long iterations = 0;
        while (System.nanoTime() < end) iterations++;
        sink = iterations;
        return "{\"op\":\"busy\",\"ms\":" + ms + ",\"iterations\":" + iterations + "}";
      }
      case "sleep":
        Thread.sleep((long) ms);
        return "{\"op\":\"sleep\",\"ms\":" + ms + "}";
      case "print":
        System.out.println("test-java: this line goes to stdout and must not break the protocol");
        return input;
      case "fail":
        throw new IllegalStateException("requested failure");
      case "crash":
        Runtime.getRuntime().halt(70);
        return null;
      case "hang":
        for (;;) sink++;
      default:
        throw new IllegalArgumentException("unknown op \"" + name + "\"");
    }
  }
}
