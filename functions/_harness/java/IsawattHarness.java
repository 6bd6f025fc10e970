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
import java.util.HashMap;
import java.util.Map;

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
      String input;
      try {
        if (kind.equals("seed")) {
          input = inputBySeed.get(payload);
          if (input == null) {
            long seed = Long.parseLong(payload);
            if (makeInput == null) throw new IllegalStateException(args[0] + " has no makeInput(long)");
            input = (String) makeInput.invokeExact(seed);
            if (inputBySeed.size() >= 64) inputBySeed.clear();
            inputBySeed.put(payload, input);
          }
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
