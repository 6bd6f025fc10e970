// isawatt worker harness for Node functions (protocol: docs/design/worker-protocol.md).
//   node functions/_harness/node/harness.mjs <function-dir> <entry>
// Loads the entry module once (warm), then answers one invocation per stdin line, one at a time.
// Protocol lines go to the real stdout; anything the function prints is sent to stderr so that it
// cannot corrupt the protocol. EOF on stdin (the agent closed the pipe or died) means exit now.
// The protocol plumbing is shared with the wasm harness (./protocol.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { harnessArgs, oneLine, parseRequest, serve, takeStdout, warmupLoop } from './protocol.mjs';

const [fnDir, entry] = harnessArgs('harness.mjs <function-dir> <entry>');
const send = takeStdout();

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
  const request = parseRequest(line);
  if (request === undefined) return;
  const { id, kind, payload } = request;
  if (kind === 'warmup') {
    await warmupLoop(send, id, payload, async (seed) => JSON.stringify((await mod.handler(await inputForSeed(seed))) ?? null));
    return;
  }
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

serve(send, 'node', invoke);
