// isawatt worker harness for Java functions (protocol: docs/design/worker-protocol.md).
//   java -cp functions/_harness/java/build:<function classpath> IsawattHarness <ClassName>
// Loads the function class once (warm), then answers one invocation per stdin line, one at a time.
// The class provides `public static String handle(String inputJson)` (returns JSON text) and
// `public static String makeInput(long seed)` (returns JSON text). Protocol lines go to the real
// stdout; System.out is pointed at stderr so that function output cannot corrupt the protocol.
// EOF on stdin means exit now. No JSON parser is needed: the envelope is TAB-separated.
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.io.BufferedWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class IsawattHarness {
  private IsawattHarness() {}

  private static String oneLine(String text) {
    String s = text == null ? "null" : text.replaceAll("[\\t\\r\\n]+", " ");
    return s.length() > 4000 ? s.substring(0, 4000) : s;
  }

  private static String describe(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof InvocationTargetException) && cause.getCause() != null) cause = cause.getCause();
    return cause.getClass().getName() + ": " + cause.getMessage();
  }

  /** A `warmup` request's payload: "<seed> <cpuMs> <wallMs>" (docs/design/worker-protocol.md). */
  private static final Pattern WARMUP = Pattern.compile("^(-?\\d+) (\\d{1,7}) (\\d{1,7})$");

  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux this runs on). */
  private static final int USER_HZ = 100;

  /**
   * CPU time of this process, ms: all its threads (the JIT compilers and GC threads included) and
   * its children that have exited, from /proc/self/stat; the JVM's own figure where /proc is missing.
   */
  private static double processCpuMs() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // Fields after the command (which may hold spaces): utime stime cutime cstime are 14-17.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks * 1000.0 / USER_HZ;
    } catch (Exception e) {
      return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e6;
    }
  }

  /** The input for a `seed` request, generated once per seed (bounded cache). */
  private static String inputForSeed(Map<String, String> inputBySeed, MethodHandle makeInput, String className, String payload)
      throws Throwable {
    String input = inputBySeed.get(payload);
    if (input == null) {
      long seed = Long.parseLong(payload);
      if (makeInput == null) throw new IllegalStateException(className + " has no makeInput(long)");
      input = (String) makeInput.invokeExact(seed);
      if (inputBySeed.size() >= 64) inputBySeed.clear();
      inputBySeed.put(payload, input);
    }
    return input;
  }

  /**
   * The warm-up loop, in the harness so that a function warms without one agent round trip per
   * invocation: HotSpot's C2 compiles a hot method after some 10,000 calls of it, far past the
   * agent's own loop (300 invocations), and compiling inside a profile's measured window, at an
   * emulated core's CPU slice, is what made the Java functions' profiles spread. Budgeted in CPU
   * time (the compiler threads' included), not wall time, so that it does the same work however
   * many workers warm at once on a busy machine. Returns the answer line.
   */
  private static String warmup(String id, String payload, Map<String, String> inputBySeed, MethodHandle makeInput,
      MethodHandle handle, String className) {
    Matcher w = WARMUP.matcher(payload);
    if (!w.matches()) {
      String shown = payload.length() > 80 ? payload.substring(0, 80) : payload;
      return id + "\terr\t0\t" + oneLine("bad input: warmup payload must be \"<seed> <cpuMs> <wallMs>\", got \"" + shown + "\"");
    }
    long cpuMs = Long.parseLong(w.group(2));
    long started = System.nanoTime();
    long wallEnd = started + Long.parseLong(w.group(3)) * 1_000_000L;
    double cpu0 = processCpuMs();
    long n = 0;
    try {
      String input = inputForSeed(inputBySeed, makeInput, className, w.group(1));
      // Reading /proc costs more than a fast function's call: look at the CPU time once per ms.
      long nextCheck = started;
      for (;;) {
        long now = System.nanoTime();
        if (now >= wallEnd) break;
        if (now >= nextCheck) {
          if (processCpuMs() - cpu0 >= cpuMs) break;
          nextCheck = now + 1_000_000L;
        }
        String out = (String) handle.invokeExact(input);
        if (out != null) sink = out.length();
        n++;
      }
    } catch (Throwable t) {
      long durationUs = (System.nanoTime() - started) / 1000;
      return id + "\terr\t" + durationUs + "\t" + oneLine("warm-up invocation " + (n + 1) + " failed: " + describe(t));
    }
    long durationUs = (System.nanoTime() - started) / 1000;
    return id + "\tok\t" + durationUs + "\t{\"invocations\":" + n + ",\"cpuMs\":" + Math.round(processCpuMs() - cpu0) + "}";
  }

  /** Keeps the warm-up's results live (the JIT must not drop a call whose result is unused). */
  private static volatile long sink;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: IsawattHarness <ClassName>");
      System.exit(2);
    }
    Writer proto = new BufferedWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));

    MethodHandle handle;
    MethodHandle makeInput = null;
    try {
      Class<?> cls = Class.forName(args[0]);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      handle = lookup.findStatic(cls, "handle", MethodType.methodType(String.class, String.class));
      try {
        makeInput = lookup.findStatic(cls, "makeInput", MethodType.methodType(String.class, long.class));
      } catch (NoSuchMethodException e) {
        makeInput = null;
      }
    } catch (Throwable t) {
      System.err.println("harness: cannot load " + args[0] + ": " + describe(t));
      System.exit(3);
      return;
    }

    Map<String, String> inputBySeed = new HashMap<>();
    long pid = ProcessHandle.current().pid();
    proto.write("ready\tjava\t" + pid + "\n");
    proto.flush();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    String line;
    while ((line = in.readLine()) != null) {
      int t1 = line.indexOf('\t');
      int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
      if (t1 <= 0 || t2 < 0) {
        System.err.println("harness: malformed request line (" + line.length() + " chars)");
        continue;
      }
      String id = line.substring(0, t1);
      String kind = line.substring(t1 + 1, t2);
      String payload = line.substring(t2 + 1);
      if (kind.equals("warmup")) {
        proto.write(warmup(id, payload, inputBySeed, makeInput, handle, args[0]) + "\n");
        proto.flush();
        continue;
      }
      String input;
      try {
        if (kind.equals("seed")) {
          input = inputForSeed(inputBySeed, makeInput, args[0], payload);
        } else if (kind.equals("json")) {
          input = payload;
        } else {
          throw new IllegalArgumentException("unknown request kind \"" + kind + "\"");
        }
      } catch (Throwable t) {
        proto.write(id + "\terr\t0\t" + oneLine("bad input: " + describe(t)) + "\n");
        proto.flush();
        continue;
      }
      long started = System.nanoTime();
      String result;
      boolean ok;
      try {
        String out = (String) handle.invokeExact(input);
        result = out == null ? "null" : out;
        ok = true;
        if (result.indexOf('\n') >= 0 || result.indexOf('\t') >= 0) {
          // Compact JSON never holds a raw TAB or newline; strip formatting whitespace a function
          // may have left between tokens (raw control characters inside strings are invalid JSON).
          result = result.replaceAll("[\\t\\r\\n]+", " ");
        }
      } catch (Throwable t) {
        result = oneLine(describe(t));
        ok = false;
      }
      long durationUs = (System.nanoTime() - started) / 1000;
      proto.write(id + (ok ? "\tok\t" : "\terr\t") + durationUs + "\t" + result + "\n");
      proto.flush();
    }
    proto.flush();
    System.exit(0);
  }
}
