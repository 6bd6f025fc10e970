// Per-function gateway metrics (prom-client), in the coordinator's /metrics when it has one:
// calls by the status the caller got (rate and errors), latency as the caller saw it, retries on
// another host, and failed attempts by host and reason. The function label only takes names the
// placement routes ("_unrouted" otherwise), so a caller cannot grow the label set.
import { Counter, Histogram, type Registry } from 'prom-client';

export class GatewayMetrics {
  readonly requests: Counter<'function' | 'code'>;
  readonly duration: Histogram<'function'>;
  readonly retries: Counter<'function'>;
  readonly attemptFailures: Counter<'function' | 'host' | 'reason'>;

  /** Label objects per function and status, made once: no objects or strings built per call. */
  private readonly labels = new Map<string, { fn: { function: string }; byCode: Map<number, { function: string; code: string }> }>();

  /** One finished call: its status and the latency the caller saw. */
  callDone(fn: string, status: number, seconds: number): void {
    let l = this.labels.get(fn);
    if (!l) {
      // Bounded: fn is a routed function name or "_unrouted" (see the header).
      l = { fn: { function: fn }, byCode: new Map() };
      this.labels.set(fn, l);
    }
    let c = l.byCode.get(status);
    if (!c) {
      c = { function: fn, code: String(status) };
      l.byCode.set(status, c);
    }
    this.requests.inc(c);
    this.duration.observe(l.fn, seconds);
  }

  constructor(register: Registry) {
    const registers = [register];
    this.requests = new Counter({
      name: 'isawatt_gateway_requests_total',
      help: 'Gateway calls by function and the HTTP status returned to the caller',
      labelNames: ['function', 'code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'isawatt_gateway_request_duration_seconds',
      help: 'Gateway call latency as the caller sees it (retries included), by function',
      labelNames: ['function'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.retries = new Counter({
      name: 'isawatt_gateway_retries_total',
      help: 'Calls sent again to another host after a host was down or refused',
      labelNames: ['function'],
      registers,
    });
    this.attemptFailures = new Counter({
      name: 'isawatt_gateway_attempt_failures_total',
      help: 'Attempts that failed on a host: unreachable (down), refused (503 or 404 from the agent), timeout',
      labelNames: ['function', 'host', 'reason'],
      registers,
    });
  }
}
