// `isawatt watch`: live telemetry. On a terminal it redraws a table of per-host power, CPU
// utilisation and per-function energy (accumulated since the watch started) every interval; when
// stdout is not a terminal it appends one line per report; with --json it prints one JSON event per
// line. Every figure shows its quality (measured / modelled / estimated / emulated). Runs until
// Ctrl-C, --count events, or --duration-ms; a lost stream (coordinator restarting) is reopened.
import Table from 'cli-table3';
import type { Command } from 'commander';
import { Backoff, EXIT, ExitError, type wire, msToS, ujToJ } from '@isawatt/common';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { archLabel, percent, qualityLabel, stateLabel, watts } from '../format.js';

interface FunctionAcc {
  energyJ: number;
  last: wire.FunctionEnergy__Output;
}

interface HostAcc {
  hostId: string;
  state: string;
  arch: string;
  emulated: string;
  last: wire.TelemetryReport__Output | undefined;
  energyJ: number;
  reports: number;
  functions: Map<string, FunctionAcc>;
  /** Latest PDU (wall) reading from ListHosts/GetHost, refreshed while watching. */
  pdu: { powerW: number; timestampMs: number } | undefined;
}

/** PDU wall power and the agent's difference to it in % of the PDU figure ("-" when unknown). */
export function pduCells(agentW: number | undefined, pdu: { powerW: number } | undefined): [string, string] {
  if (!pdu) return ['-', '-'];
  if (agentW === undefined || pdu.powerW <= 0) return [watts(pdu.powerW), '-'];
  const diff = ((agentW - pdu.powerW) / pdu.powerW) * 100;
  return [watts(pdu.powerW), `${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%`];
}

/** Accumulates events; pure, so the rendering can be tested without a coordinator. */
export class WatchModel {
  readonly hosts = new Map<string, HostAcc>();
  events = 0;

  addHost(h: wire.Host__Output): void {
    const acc = this.host(h.host_id);
    acc.state = h.state;
    acc.arch = archLabel(h.hello?.arch ?? '');
    acc.emulated = h.hello?.emulated ? h.hello.emulated_profile || 'emulated' : '';
    acc.pdu = h.has_pdu_power ? { powerW: h.pdu_power_w, timestampMs: Number(h.pdu_timestamp_ms) } : undefined;
  }

  pduOf(hostId: string): { powerW: number; timestampMs: number } | undefined {
    return this.hosts.get(hostId)?.pdu;
  }

  add(ev: wire.TelemetryEvent__Output): void {
    this.events++;
    const acc = this.host(ev.host_id);
    acc.state = ev.state;
    const r = ev.report;
    if (!r) return;
    acc.reports++;
    acc.last = r;
    acc.energyJ += ujToJ(Number(r.host_energy_uj));
    for (const f of r.functions) {
      const fa = acc.functions.get(f.function);
      const j = ujToJ(Number(f.total_energy_uj));
      if (fa) {
        fa.energyJ += j;
        fa.last = f;
      } else acc.functions.set(f.function, { energyJ: j, last: f });
    }
  }

  private host(id: string): HostAcc {
    let acc = this.hosts.get(id);
    if (!acc) {
      acc = { hostId: id, state: 'HOST_STATE_UP', arch: '?', emulated: '', last: undefined, energyJ: 0, reports: 0, functions: new Map(), pdu: undefined };
      this.hosts.set(id, acc);
    }
    return acc;
  }

  render(title: string, topFunctions: number): string {
    const hosts = new Table({
      head: ['HOST', 'STATE', 'ARCH', 'POWER W', 'QUALITY', 'SOURCE', 'PDU W', 'PDU DIFF', 'CPU UTIL', 'FUNCTIONS', 'ENERGY J (watch)', 'REPORTS'],
      style: { head: [], border: [] },
    });
    const fns: { host: string; name: string; f: FunctionAcc }[] = [];
    for (const h of [...this.hosts.values()].sort((a, b) => a.hostId.localeCompare(b.hostId))) {
      const r = h.last;
      hosts.push([
        h.hostId,
        stateLabel(h.state),
        h.arch,
        r ? watts(r.host_power_w) : '-',
        r ? qualityLabel(r.host_quality) + (h.emulated ? ` [${h.emulated}]` : '') : '-',
        r?.energy_source ?? '-',
        ...pduCells(r?.host_power_w, h.pdu),
        r ? percent(r.cpu_utilization) : '-',
        String(r?.functions.length ?? 0),
        h.energyJ.toFixed(1),
        String(h.reports),
      ]);
      for (const [name, f] of h.functions) fns.push({ host: h.hostId, name, f });
    }
    fns.sort((a, b) => b.f.last.power_w - a.f.last.power_w);
    const shown = fns.slice(0, topFunctions);
    const functions = new Table({ head: ['HOST', 'FUNCTION', 'CORES', 'POWER W', 'ENERGY J (watch)', 'RPS', 'QUALITY'], style: { head: [], border: [] } });
    for (const { host, name, f } of shown) {
      functions.push([
        host,
        name,
        String(f.last.cores),
        watts(f.last.power_w),
        f.energyJ.toFixed(2),
        (f.last.invocations?.achieved_rps ?? 0).toFixed(1),
        qualityLabel(f.last.quality),
      ]);
    }
    const legend =
      'quality: measured = hardware sensor; modelled = fitted to a measured figure; estimated = CPU utilisation x power profile (no sensor); emulated = emulated host profile, not real hardware';
    const more = fns.length > shown.length ? `\n(${fns.length - shown.length} more functions; --top N to show more)` : '';
    return `${title}\n${hosts.toString()}\n${shown.length > 0 ? functions.toString() + more + '\n' : 'no function figures yet\n'}${legend}\n`;
  }
}

/** One line per report, for logs and pipes. */
export function reportLine(ev: wire.TelemetryEvent__Output, pdu?: { powerW: number }): string {
  const r = ev.report;
  if (!r) return `${new Date().toISOString()} ${ev.host_id} ${stateLabel(ev.state)}\n`;
  const top = [...r.functions].sort((a, b) => b.power_w - a.power_w).slice(0, 3);
  const fn = top.map((f) => `${f.function}=${watts(f.power_w)}W(${qualityLabel(f.quality)})`).join(' ');
  return `${new Date(Number(r.timestamp_ms)).toISOString()} ${ev.host_id} seq=${r.seq} power=${watts(r.host_power_w)}W(${qualityLabel(r.host_quality)},${r.energy_source}) ${pdu ? ` pdu=${pduCells(r.host_power_w, pdu).join('W(')})` : ''} cpu=${percent(r.cpu_utilization)} functions=${r.functions.length}${fn ? ' ' + fn : ''}\n`;
}

interface WatchFlags extends ConnectionFlags {
  host?: string;
  json?: boolean;
  intervalMs: string;
  top: string;
  count?: string;
  durationMs?: string;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected a positive whole number, got "${value}"`);
  return n;
}

export function registerWatch(program: Command, ctx: CliContext): void {
  addConnectionOptions(
    program
      .command('watch')
      .description('live telemetry: per-host power, CPU utilisation and per-function energy (refreshing table on a terminal)')
      .option('--host <id>', 'only this host')
      .option('--json', 'one JSON TelemetryEvent per line')
      .option('--interval-ms <ms>', 'table redraw interval on a terminal', '1000')
      .option('--top <n>', 'functions shown in the table (highest power first)', '15')
      .option('--count <n>', 'stop after this many events')
      .option('--duration-ms <ms>', 'stop after this long'),
  ).action(async (flags: WatchFlags) => {
    const intervalMs = positiveInt(flags.intervalMs, '--interval-ms') ?? 1000;
    const top = positiveInt(flags.top, '--top') ?? 15;
    const count = positiveInt(flags.count, '--count');
    const durationMs = positiveInt(flags.durationMs, '--duration-ms');
    const conn = connectionFromFlags(flags, ctx.io.env);
    const client = new ControlClient(conn);
    const model = new WatchModel();
    const tty = ctx.io.stdoutIsTty && !flags.json;
    try {
      // Known hosts first (checks the address and the host id before streaming).
      if (flags.host) model.addHost(await client.getHost(flags.host));
      else for (const h of (await client.listHosts()).hosts) model.addHost(h);
      const title = (): string => `isawatt watch - coordinator ${conn.address} - ${new Date().toISOString()} - ${model.events} events (Ctrl-C to stop)`;
      const draw = (): void => {
        ctx.io.control?.('\x1b[H\x1b[2J');
        ctx.io.stdout(model.render(title(), top));
      };
      if (tty) draw();
      const redraw = tty ? setInterval(draw, intervalMs) : undefined;
      // PDU readings are not in the telemetry stream: refresh them from the host list.
      const refreshHosts = async (): Promise<void> => {
        if (flags.host) model.addHost(await client.getHost(flags.host));
        else for (const h of (await client.listHosts()).hosts) model.addHost(h);
      };
      const pduTimer = flags.json ? undefined : setInterval(() => void refreshHosts().catch(() => undefined), Math.max(intervalMs, 2000));
      let stoppedByUs = false;
      let current: ReturnType<ControlClient['watchTelemetry']> | undefined;
      let wakeUp: (() => void) | undefined;
      const stop = (): void => {
        stoppedByUs = true;
        current?.cancel();
        wakeUp?.();
      };
      const timer = durationMs ? setTimeout(stop, durationMs) : undefined;
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // A watch outlives coordinator restarts: when the stream is lost (coordinator down or
      // restarting) it says so on stderr and reopens it with backoff. Other errors end the watch.
      const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
      const streamOnce = (): Promise<'stopped' | { lost: string }> =>
        new Promise((resolve, reject) => {
          const stream = client.watchTelemetry(flags.host ?? '');
          current = stream;
          stream.on('data', (ev: wire.TelemetryEvent__Output) => {
            backoff.reset();
            model.add(ev);
            if (flags.json) ctx.io.stdout(JSON.stringify(ev) + '\n');
            else if (!tty) ctx.io.stdout(reportLine(ev, model.pduOf(ev.host_id)));
            if (count !== undefined && model.events >= count) stop();
          });
          stream.on('error', (err: Error) => {
            const ending = client.streamEnding(err);
            if (stoppedByUs && ending.kind === 'cancelled') resolve('stopped');
            else if (ending.kind === 'unavailable') resolve({ lost: `coordinator at ${conn.address} unavailable (${ending.details})` });
            else reject(client.toError(err, 'WatchTelemetry'));
          });
          stream.on('end', () => resolve(stoppedByUs ? 'stopped' : { lost: `coordinator at ${conn.address} ended the telemetry stream (restarting?)` }));
        });
      try {
        for (;;) {
          const outcome = await streamOnce();
          if (outcome === 'stopped' || stoppedByUs) break;
          const delayMs = backoff.nextDelayMs();
          ctx.io.stderr(`isawatt watch: ${outcome.lost}; reconnecting in ${msToS(delayMs).toFixed(1)} s\n`);
          // A referenced timer (the watch must not exit while it waits), cut short by Ctrl-C.
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delayMs);
            wakeUp = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wakeUp = undefined;
          if (stoppedByUs) break;
        }
      } finally {
        if (redraw) clearInterval(redraw);
        if (pduTimer) clearInterval(pduTimer);
        if (timer) clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (tty) draw();
    } finally {
      client.close();
    }
  });
}
