// One attempt of a gateway call on one host: POST http(s)://<address>/invoke/<function> with the
// caller's body, over the scheme's keep-alive connection pool (upstream.ts). What came back
// decides what the gateway does: a response to relay; a refusal (the agent answered 503: no
// capacity or stopping, or 404: the function is not running there, the placement is stale), an
// unreachable host (connection refused or reset: down) or a credentials problem (TLS verification
// failed either way, or the agent answered 401/403: the gateway is not let in), all retried on
// another host (the call did not run); or a timeout, not retried (the call may have run).
import type { IncomingMessage } from 'node:http';
import { explainTlsError, type Upstream } from './upstream.js';

export type AttemptResult =
  | { readonly kind: 'response'; readonly res: IncomingMessage }
  | { readonly kind: 'refused'; readonly status: number; readonly detail: string }
  | { readonly kind: 'unreachable'; readonly detail: string }
  | { readonly kind: 'credentials'; readonly detail: string }
  | { readonly kind: 'timeout'; readonly detail: string };

/** Statuses that mean "not here, try another host": the call did not run. */
const REFUSALS = new Set([404, 503]);
/** Statuses of the agent's guard: the gateway's credential was missing or of the wrong role; the call did not run. */
const NOT_LET_IN = new Set([401, 403]);
const DETAIL_MAX_BYTES = 2048;

/**
 * Attempt deadlines, checked by one timer: a call in flight is one entry in a set instead of a
 * timer armed and disarmed on its socket per call (req.setTimeout), which was a visible share of
 * the gateway's CPU at 1,000 calls/s. A deadline fires within `resolutionMs` after it is due; the
 * timer runs only while a call is in flight and does not keep the process alive.
 */
export class Deadlines {
  private readonly live = new Set<{ at: number; fire: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly resolutionMs = 25) {}

  /** Calls `fire` once `ms` from now unless the returned function is called first. */
  add(ms: number, fire: () => void): () => void {
    const entry = { at: performance.now() + ms, fire };
    this.live.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), Math.min(this.resolutionMs, ms));
      this.timer.unref();
    }
    return () => {
      this.live.delete(entry);
    };
  }

  private sweep(): void {
    const now = performance.now();
    for (const e of this.live)
      if (e.at <= now) {
        this.live.delete(e);
        e.fire();
      }
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops the timer (pending deadlines never fire). */
  close(): void {
    this.live.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

const defaultDeadlines = new Deadlines();

/** Where to send: the replica's address, split once when the routes were built. */
export interface Target {
  readonly host: string;
  readonly port: number;
}

export async function attempt(
  up: Upstream,
  target: Target,
  path: string,
  body: Buffer,
  timeoutMs: number,
  deadlines: Deadlines = defaultDeadlines,
): Promise<AttemptResult> {
  const first = await once(up, target, path, body, timeoutMs, deadlines);
  // A kept-alive connection the agent closed while idle fails at once with ECONNRESET: the call
  // never reached it, so it goes again on a fresh connection to the same host (Node's documented
  // pattern for reused sockets), before the host counts as unreachable.
  if (first.kind !== 'stale') return first;
  const again = await once(up, target, path, body, timeoutMs, deadlines);
  return again.kind === 'stale' ? { kind: 'unreachable', detail: 'ECONNRESET' } : again;
}

type OnceResult = AttemptResult | { readonly kind: 'stale' };

function once(up: Upstream, target: Target, path: string, body: Buffer, timeoutMs: number, deadlines: Deadlines): Promise<OnceResult> {
  return new Promise((resolve) => {
    let settled = false;
    // The whole call, body included (gateway.attemptTimeoutMs): before the answer it is a 504;
    // once relaying, the answer stops (the caller's connection is closed by the relay).
    const cancel = deadlines.add(timeoutMs, () => {
      done({ kind: 'timeout', detail: `no answer within ${timeoutMs} ms` });
      req.destroy();
    });
    const done = (r: OnceResult): void => {
      if (settled) return;
      settled = true;
      if (r.kind !== 'response') cancel();
      resolve(r);
    };
    const req = up.request(
      {
        host: target.host,
        port: target.port,
        method: 'POST',
        path,
        agent: up.pool,
        headers: { ...up.headers, 'content-length': body.length },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const notLetIn = NOT_LET_IN.has(status);
        if (!REFUSALS.has(status) && !notLetIn) {
          res.once('close', cancel);
          done({ kind: 'response', res });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < DETAIL_MAX_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, DETAIL_MAX_BYTES);
          let detail = text;
          try {
            const e = (JSON.parse(text) as { error?: unknown }).error;
            if (typeof e === 'string') detail = e;
          } catch {
            // not JSON: keep the text
          }
          const clean = `${status} ${detail
            .trim()
            .replace(/[^\x20-\x7e]/g, '?')
            .slice(0, 300)}`;
          done(notLetIn ? { kind: 'credentials', detail: `the agent did not let the gateway in: ${clean}` } : { kind: 'refused', status, detail: clean });
        });
        res.on('error', (err) => done({ kind: 'unreachable', detail: err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') return done({ kind: 'stale' });
      const tls = explainTlsError(err.code, target.host);
      done(tls !== undefined ? { kind: 'credentials', detail: tls } : { kind: 'unreachable', detail: err.code ?? err.message });
    });
    req.end(body);
  });
}
