// isawatt worker harness for Node functions (protocol: docs/design/worker-protocol.md).
//   node functions/_harness/node/harness.mjs <function-dir> <entry>
// Loads the entry module once (warm), then answers one invocation per stdin line, one at a time.
// Protocol lines go to the real stdout; anything the function prints is sent to stderr so that it
// cannot corrupt the protocol. EOF on stdin (the agent closed the pipe or died) means exit now.
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [fnDir, entry] = process.argv.slice(2);
if (!fnDir || !entry) {
  process.stderr.write('usage: harness.mjs <function-dir> <entry>\n');
  process.exit(2);
}

// Keep the real stdout writer for protocol lines, send everything else (console.log, function
// output) to stderr.
const protoWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);

/** One protocol line out (fields must be free of TAB/newline; JSON payloads are). */
function send(line) {
  protoWrite(line + '\n');
}

/** Error text on one line, without TABs. */
function oneLine(text) {
  return String(text).replace(/[\t\r\n]+/g, ' ').slice(0, 4000);
}

function errText(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

let mod;
try {
  mod = await import(pathToFileURL(resolve(fnDir, entry)).href);
} catch (err) {
  process.stderr.write(`harness: cannot load ${resolve(fnDir, entry)}: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(3);
}
if (typeof mod.handler !== 'function') {
  process.stderr.write(`harness: ${entry} does not export an async function handler(input)\n`);
  process.exit(3);
}

// Inputs generated per seed are cached: the load driver sends the same seed over and over, and
// generating the input is not part of the function's work.
const inputBySeed = new Map();
async function inputForSeed(text) {
  if (!/^-?\d+$/.test(text)) throw new Error(`bad seed "${text}"`);
  const cached = inputBySeed.get(text);
  if (cached !== undefined) return cached;
  if (typeof mod.makeInput !== 'function') throw new Error(`${entry} does not export makeInput(seed)`);
  const input = await mod.makeInput(Number(text));
  if (inputBySeed.size >= 64) inputBySeed.clear();
  inputBySeed.set(text, input);
  return input;
}

async function invoke(line) {
  const firstTab = line.indexOf('\t');
  const secondTab = line.indexOf('\t', firstTab + 1);
  if (firstTab <= 0 || secondTab < 0) {
    process.stderr.write(`harness: malformed request line (${line.length} chars)\n`);
    return;
  }
  const id = line.slice(0, firstTab);
  const kind = line.slice(firstTab + 1, secondTab);
  const payload = line.slice(secondTab + 1);
  let input;
  try {
    if (kind === 'seed') input = await inputForSeed(payload);
    else if (kind === 'json') input = JSON.parse(payload);
    else throw new Error(`unknown request kind "${kind}"`);
  } catch (err) {
    send(`${id}\terr\t0\t${oneLine(`bad input: ${errText(err)}`)}`);
    return;
  }
  const started = process.hrtime.bigint();
  try {
    const output = await mod.handler(input);
    const durationUs = (process.hrtime.bigint() - started) / 1000n;
    const json = JSON.stringify(output === undefined ? null : output);
    send(`${id}\tok\t${durationUs}\t${json}`);
  } catch (err) {
    const durationUs = (process.hrtime.bigint() - started) / 1000n;
    send(`${id}\terr\t${durationUs}\t${oneLine(errText(err))}`);
  }
}

// Strictly one invocation at a time, in arrival order (the agent never pipelines, but a chain
// keeps the harness correct if it ever did).
let chain = Promise.resolve();
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  chain = chain.then(() => invoke(line));
});
rl.on('close', () => {
  process.exit(0);
});

send(`ready\tnode\t${process.pid}`);
