// HTTP POST /invoke/<function>: routes a real invocation (JSON body = input) to that function's
// pinned workers, so traffic from an API gateway can use a placement. Mount it in the agent's HTTP
// server: `if (invokeHandler(req, res)) return;` (it answers every path under /invoke/ itself).
//   200 output JSON | 400 body is not JSON | 404 unknown or not running function | 405 not POST
//   413 input over the function's maxInputBytes | 500 the function failed | 502 the worker died
//   429 too many invocations in flight on this agent (MAX_INVOKES_IN_FLIGHT) | 503 the function's
//   bounded queue is full, or it is stopping (both with Retry-After) | 504 timeout (the worker was replaced)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@isawatt/common';
import type { InvokeResult } from './local-function-runtime.js';

export interface InvokeTarget {
  invoke(fn: string, inputJson: string, dueMs?: number): Promise<InvokeResult>;
  /** Max input of a running function; undefined when it is not running here. */
  maxInputBytes(fn: string): number | undefined;
}

export const INVOKE_PREFIX = '/invoke/';

function send(res: ServerResponse, status: number, body: string, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string, close = false): void {
  send(res, status, JSON.stringify({ error: message }), close);
}

/** Seconds a client should wait after 429/503 before trying again. */
export const RETRY_AFTER_S = 1;

/** Invocations the agent holds at once (bodies buffered, waiting or running), across functions. */
export const MAX_INVOKES_IN_FLIGHT = 4096;

/** Returns a handler that answers requests under /invoke/ and returns false for other paths. */
export function createInvokeHandler(
  target: InvokeTarget,
  log: Logger,
  maxInFlight = MAX_INVOKES_IN_FLIGHT,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const hlog = log.child({ component: 'invoke' });
  let inFlight = 0;
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(INVOKE_PREFIX)) return false;
    if (inFlight >= maxInFlight) {
      res.setHeader('retry-after', String(RETRY_AFTER_S));
      sendError(res, 429, `${inFlight} invocations in flight on this agent (at most ${maxInFlight}); retry later`, true);
      req.resume();
      return true;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    const dueMs = performance.now();
    let fn: string;
    try {
      fn = decodeURIComponent(path.slice(INVOKE_PREFIX.length));
    } catch {
      fn = '';
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, 405, `use POST ${INVOKE_PREFIX}<function> with a JSON body`);
      req.resume();
      return true;
    }
    const limit = /^[a-z0-9][a-z0-9-]*$/.test(fn) ? target.maxInputBytes(fn) : undefined;
    if (limit === undefined) {
      sendError(res, 404, `function "${fn}" is not running on this host`, true);
      req.resume();
      return true;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      sendError(res, 413, `input of ${declared} bytes exceeds maxInputBytes ${limit} of ${fn}`, true);
      req.resume();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        sendError(res, 413, `input exceeds maxInputBytes ${limit} of ${fn}`, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => hlog.debug({ err }, 'invoke request stream error'));
    req.on('end', () => {
      if (refused) return;
      let compact: string;
      try {
        // Re-serialised: the worker protocol needs single-line JSON.
        compact = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        sendError(res, 400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      target.invoke(fn, compact, dueMs).then(
        (r) => {
          switch (r.status) {
            case 'ok':
              send(res, 200, r.output);
              return;
            case 'error':
              sendError(res, 500, r.message);
              return;
            case 'crash':
              sendError(res, 502, r.message);
              return;
            case 'timeout':
              sendError(res, 504, r.message);
              return;
            case 'dropped':
            case 'unavailable':
              // The function's bounded queue is full (or it is stopping): try again shortly.
              res.setHeader('retry-after', String(RETRY_AFTER_S));
              sendError(res, 503, r.message);
              return;
            case 'unknown-function':
              sendError(res, 404, r.message);
              return;
            case 'too-large':
              sendError(res, 413, r.message);
              return;
          }
        },
        (err: unknown) => {
          hlog.error({ err, function: fn }, 'invoke failed');
          sendError(res, 500, 'internal error');
        },
      );
    });
    return true;
  };
}
