// The worker-protocol plumbing (docs/design/worker-protocol.md) shared by the two harnesses that
// run under Node: node/harness.mjs (JavaScript functions) and wasm/harness.mjs (WASI modules).
// Each harness keeps what differs (loading the entry, making inputs, calling the handler); the
// command line, the protocol channel, the request line format and the request loop are here.
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
