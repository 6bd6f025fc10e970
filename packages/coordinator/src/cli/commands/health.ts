// `isawatt health`: is the coordinator serving, how many hosts are up, the MQTT bridge state.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { json } from '../format.js';
import { msToS } from '@isawatt/common';

export function registerHealth(program: Command, ctx: CliContext): void {
  addConnectionOptions(
    program.command('health').description('check the coordinator (exit 0 serving, 3 unreachable)').option('--json', 'print the Control API response as JSON'),
  ).action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const h = await client.health();
      ctx.io.stdout(
        flags.json
          ? json(h)
          : `${h.status}: cluster ${h.cluster}, version ${h.version}, up ${Math.round(msToS(Number(h.uptime_ms)))} s, hosts ${h.hosts_up} up / ${h.hosts_down} down, mqtt ${h.mqtt}\n`,
      );
    } finally {
      client.close();
    }
  });
}
