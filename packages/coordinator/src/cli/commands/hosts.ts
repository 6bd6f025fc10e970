// `isawatt hosts`: every registered host with its state, hardware, power (with quality), PDU
// reading and difference, CPU utilisation and last contact.
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { wire } from '@isawatt/common';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { ago, archLabel, hostPower, json, pduColumns, percent, stateLabel } from '../format.js';

export function hostsTable(hosts: readonly wire.Host__Output[], nowMs: number): string {
  const table = new Table({
    head: ['HOST', 'STATE', 'ARCH', 'CPU', 'SOCKETS', 'CORES', 'FN CPUS', 'POWER', 'PDU', 'PDU DIFF', 'CPU UTIL', 'LAST SEEN'],
    style: { head: [], border: [] },
  });
  for (const h of hosts) {
    const hello = h.hello;
    const [pdu, diff] = pduColumns(h);
    table.push([
      h.host_id,
      stateLabel(h.state),
      archLabel(hello?.arch ?? ''),
      `${hello?.cpu_model ?? ''}${hello?.emulated ? ` [emulated: ${hello.emulated_profile || 'yes'}]` : ''}`,
      String(hello?.sockets ?? 0),
      String(hello?.physical_cores ?? 0),
      String(hello?.function_cpus.length ?? 0),
      hostPower(h),
      pdu,
      diff,
      h.has_last_report && h.last_report ? percent(h.last_report.cpu_utilization) : '-',
      ago(Number(h.last_seen_ms), nowMs),
    ]);
  }
  return table.toString() + '\n';
}

export function registerHosts(program: Command, ctx: CliContext): void {
  addConnectionOptions(
    program
      .command('hosts')
      .description('list registered hosts: state, arch, sockets, cores, power (measured/estimated/emulated), PDU power')
      .option('--json', 'print the Control API response as JSON'),
  ).action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const res = await client.listHosts();
      if (flags.json) ctx.io.stdout(json(res));
      else if (res.hosts.length === 0) ctx.io.stdout('no hosts registered yet\n');
      else ctx.io.stdout(hostsTable(res.hosts, Date.now()));
    } finally {
      client.close();
    }
  });
}
