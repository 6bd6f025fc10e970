// The worker-protocol plumbing (docs/design/worker-protocol.md) shared by the two harnesses that
// run under Node: node/harness.mjs (JavaScript functions) and wasm/harness.mjs (WASI modules).
// Each harness keeps what differs (loading the entry, making inputs, calling the handler); the
// command line, the protocol channel, the request line format and the request loop are here.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** [function-dir, entry] from the command line; a usage line and exit 2 otherwise. */
export function harnessArgs(usage) {
  const [fnDir, entry] = process.argv.slice(2);
  if (!fnDir || !entry) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return [fnDir, entry];
}

/**
 * Keeps the real stdout for protocol lines and sends everything else written to it (console.log,
 * function output) to stderr, so that nothing can corrupt the protocol. Returns the writer of one
 * protocol line (fields must be free of TAB/newline; JSON payloads are).
 */
export function takeStdout() {
  const protoWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);
  return (line) => protoWrite(line + '\n');
}

/** Text on one line, without TABs, at most 4000 characters (error results). */
export function oneLine(text) {
  return String(text)
    .replace(/[\t\r\n]+/g, ' ')
    .slice(0, 4000);
}

/** "id\tkind\tpayload" -> { id, kind, payload }; undefined (noted on stderr) when malformed. */
export function parseRequest(line) {
  const firstTab = line.indexOf('\t');
  const secondTab = line.indexOf('\t', firstTab + 1);
  if (firstTab <= 0 || secondTab < 0) {
    process.stderr.write(`harness: malformed request line (${line.length} chars)\n`);
    return undefined;
  }
  return { id: line.slice(0, firstTab), kind: line.slice(firstTab + 1, secondTab), payload: line.slice(secondTab + 1) };
}

/**
 * Says ready, then hands each stdin line to `invoke`, strictly one at a time in arrival order (the
 * agent never pipelines, but a chain keeps the harness correct if it ever did). EOF on stdin (the
 * agent closed the pipe or died) means exit now.
 */
export function serve(send, runtime, invoke) {
  let chain = Promise.resolve();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    chain = chain.then(() => invoke(line));
  });
  rl.on('close', () => process.exit(0));
  send(`ready\t${runtime}\t${process.pid}`);
}

/**
 * A `warmup` request's payload, "<seed> <cpuMs> <wallMs>": run the seed's input back to back until
 * this process has used cpuMs of CPU time (all its threads: JIT compilers and GC included), or
 * wallMs have passed. Null when malformed.
 */
export function parseWarmup(payload) {
  const m = /^(-?\d+) (\d{1,7}) (\d{1,7})$/.exec(payload);
  return m === null ? null : { seed: m[1], cpuMs: Number(m[2]), wallMs: Number(m[3]) };
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux this runs on). */
const USER_HZ = 100;

/**
 * CPU time of this process, ms: all its threads and its children that have exited (a function
 * that runs a child per invocation, as video-gif-node runs ffmpeg, spends most of its CPU there),
 * from /proc/self/stat; process.cpuUsage() (this process only) where /proc is missing.
 */
function processCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command (which may hold spaces): utime stime cutime cstime are 14-17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    if (Number.isFinite(ticks)) return (ticks * 1000) / USER_HZ;
  } catch {
    // no /proc: below
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The warm-up loop, in the harness so that a fast function warms without one agent round trip per
 * invocation (the agent's own loop is bounded in invocations and a JIT compiles later than that:
 * jwt-node still costs 2-3x its steady CPU per invocation after 300). Budgeted in CPU time, not
 * wall time (its children's included), so that it does the same work however many workers warm at
 * once on a busy machine.
 * `once` runs one invocation (and serialises its output, as a real one does). Answers
 * `{"invocations":n,"cpuMs":x}`.
 */
export async function warmupLoop(send, id, payload, once) {
  const w = parseWarmup(payload);
  if (w === null) {
    send(`${id}\terr\t0\t${oneLine(`bad input: warmup payload must be "<seed> <cpuMs> <wallMs>", got "${payload.slice(0, 80)}"`)}`);
    return;
  }
  const started = process.hrtime.bigint();
  const wallEnd = started + BigInt(w.wallMs) * 1_000_000n;
  const cpu0 = processCpuMs();
  const cpuUsedMs = () => processCpuMs() - cpu0;
  let n = 0;
  try {
    while (cpuUsedMs() < w.cpuMs && process.hrtime.bigint() < wallEnd) {
      await once(w.seed);
      n++;
    }
  } catch (err) {
    const durationUs = (process.hrtime.bigint() - started) / 1000n;
    send(`${id}\terr\t${durationUs}\t${oneLine(`warm-up invocation ${n + 1} failed: ${err instanceof Error ? err.message : String(err)}`)}`);
    return;
  }
  const durationUs = (process.hrtime.bigint() - started) / 1000n;
  send(`${id}\tok\t${durationUs}\t${JSON.stringify({ invocations: n, cpuMs: Math.round(cpuUsedMs()) })}`);
}
