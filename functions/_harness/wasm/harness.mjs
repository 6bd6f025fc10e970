// isawatt worker harness for WebAssembly functions (protocol: docs/design/worker-protocol.md).
//   node functions/_harness/wasm/harness.mjs <function-dir> <entry.wasm>
// Instantiates the WASI reactor module once under node:wasi (warm), then answers one invocation
// per stdin line. ABI (C functions get it from functions/_harness/native/isawatt_harness.h):
//   isawatt_alloc(size i32) -> ptr i32          buffer for the input (the module frees it)
//   isawatt_handle(ptr i32, len i32) -> i32     0 ok / else error; text in the output buffer
//   isawatt_output_ptr() -> i32, isawatt_output_len() -> i32
//   isawatt_make_input(seed i64) -> i32         0 ok; the input JSON is left in the output buffer
// The module's WASI stdout is wired to stderr, so only protocol lines reach our stdout; proc_exit
// (exit() in C) ends the worker process with that code, like a native crash.
// EOF on stdin means exit now. The protocol plumbing is shared with the node harness
// (../node/protocol.mjs).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WASI } from 'node:wasi';
import { harnessArgs, oneLine, parseRequest, serve, takeStdout, warmupLoop } from '../node/protocol.mjs';

const [fnDir, entry] = harnessArgs('harness.mjs <function-dir> <entry.wasm>');
const send = takeStdout();

const REQUIRED = ['memory', 'isawatt_alloc', 'isawatt_handle', 'isawatt_output_ptr', 'isawatt_output_len'];
let exp;
try {
  const path = resolve(fnDir, entry);
  const wasi = new WASI({ version: 'preview1', args: [entry], env: {}, stdin: 0, stdout: 2, stderr: 2, returnOnExit: false });
  const module = await WebAssembly.compile(await readFile(path));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  exp = instance.exports;
  const missing = REQUIRED.filter((name) => !(name in exp));
  if (missing.length > 0) throw new Error(`${entry} does not export ${missing.join(', ')}`);
  if (typeof exp._initialize === 'function') wasi.initialize(instance);
  else if (typeof exp._start === 'function') throw new Error(`${entry} is a WASI command (exports _start); build it as a reactor (-mexec-model=reactor)`);
} catch (err) {
  process.stderr.write(`harness: cannot load ${resolve(fnDir, entry)}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function outputText() {
  const ptr = exp.isawatt_output_ptr() >>> 0;
  const len = exp.isawatt_output_len() >>> 0;
  // A fresh view each time: the memory may have grown (and detached older buffers).
  return decoder.decode(new Uint8Array(exp.memory.buffer, ptr, len));
}

const inputBySeed = new Map();
function inputForSeed(text) {
  if (!/^\d+$/.test(text)) throw new Error(`bad seed "${text}"`);
  const cached = inputBySeed.get(text);
  if (cached !== undefined) return cached;
  if (typeof exp.isawatt_make_input !== 'function') throw new Error(`${entry} does not export isawatt_make_input`);
  const rc = exp.isawatt_make_input(BigInt(text));
  const json = outputText();
  if (rc !== 0) throw new Error(json || `isawatt_make_input returned ${rc}`);
  if (inputBySeed.size >= 64) inputBySeed.clear();
  inputBySeed.set(text, json);
  return json;
}

/**
 * Calls the module's handler on `bytes`: its return code and output. Throws on a trap (unreachable,
 * out of bounds), after which the instance is in an unknown state and the worker must exit.
 */
function callHandler(bytes) {
  const ptr = exp.isawatt_alloc(bytes.length) >>> 0;
  if (ptr === 0) throw new Error(`isawatt_alloc(${bytes.length}) failed`);
  new Uint8Array(exp.memory.buffer, ptr, bytes.length).set(bytes);
  const rc = exp.isawatt_handle(ptr, bytes.length);
  return { rc, text: outputText() };
}

/** One warm-up invocation: the handler's error is thrown; a trap ends the worker (as in invoke). */
function warmOnce(seed) {
  let result;
  try {
    result = callHandler(encoder.encode(inputForSeed(seed)));
  } catch (err) {
    process.stderr.write(`harness: wasm trap during warm-up: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(4);
  }
  if (result.rc !== 0) throw new Error(result.text || `handler returned ${result.rc}`);
}

async function invoke(line) {
  const request = parseRequest(line);
  if (request === undefined) return;
  const { id, kind, payload } = request;
  if (kind === 'warmup') {
    await warmupLoop(send, id, payload, warmOnce);
    return;
  }
  let input;
  try {
    if (kind === 'seed') input = inputForSeed(payload);
    else if (kind === 'json') input = payload;
    else throw new Error(`unknown request kind "${kind}"`);
  } catch (err) {
    send(`${id}\terr\t0\t${oneLine(`bad input: ${err instanceof Error ? err.message : String(err)}`)}`);
    return;
  }
  const bytes = encoder.encode(input);
  const started = process.hrtime.bigint();
  try {
    const { rc, text } = callHandler(bytes);
    const durationUs = (process.hrtime.bigint() - started) / 1000n;
    if (rc === 0) send(`${id}\tok\t${durationUs}\t${text.length > 0 ? oneLine(text) : 'null'}`);
    else send(`${id}\terr\t${durationUs}\t${oneLine(text || `handler returned ${rc}`)}`);
  } catch (err) {
    // A trap (unreachable, out of bounds) leaves the instance in an unknown state: report it and
    // exit so that the agent starts a fresh worker.
    const durationUs = (process.hrtime.bigint() - started) / 1000n;
    send(`${id}\terr\t${durationUs}\t${oneLine(`wasm trap: ${err instanceof Error ? err.message : String(err)}`)}`);
    process.exit(4);
  }
}

serve(send, 'wasm', invoke);
