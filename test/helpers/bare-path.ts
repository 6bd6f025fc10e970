// A PATH like a fresh Debian + Node.js machine's: a temporary directory of symbolic links to every
// program on this PATH except compilers, linkers, the JDK and the native MiniZinc and mosquitto, so
// a test can show that something needs none of them (the `npm start` demo). Removed by t.after.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Cleanup } from './processes.js';

/** Programs a fresh machine does not have: C/C++ compilers and linkers, Java, native solver and broker. */
const LEFT_OUT =
  /^(cc|c\+\+|c89|c99|cpp|gcc|g\+\+|clang|clang\+\+|clang-cpp|ld|ld\.bfd|ld\.gold|ld\.lld|lld|wasm-ld|as|javac|java|jar|jshell|jlink|minizinc|mosquitto)([-_.][\w.-]*|\d[\w.-]*)?$/;

export function isLeftOut(name: string): boolean {
  return LEFT_OUT.test(name.replace(/^(x86_64|aarch64|i686)-linux-gnu-/, ''));
}

/** Builds the directory; returns it (use it as the whole PATH). */
export function barePath(t: Cleanup, path = process.env.PATH ?? ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-bare-path-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const d of path.split(delimiter)) {
    if (d === '' || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      const target = join(d, name);
      const link = join(dir, name);
      if (isLeftOut(name) || existsSync(link)) continue;
      try {
        if (!statSync(target).isFile()) continue;
      } catch {
        continue; // a dangling link
      }
      symlinkSync(target, link);
    }
  }
  return dir;
}
