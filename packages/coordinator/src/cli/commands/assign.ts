// `isawatt assign HOST FUNCTION=CORES[@RATE] ...`: replaces one host's assignment (SetAssignment)
// and waits for the agent's ack. Exit 0 when applied, 1 when the agent refused or did not answer,
// 2 for malformed arguments or a request the coordinator rejects, 4 for an unknown host.
import type { Command } from 'commander';
import { EXIT, ExitError, type wire } from '@isawatt/common';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { json } from '../format.js';

const SPEC = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(\d+)(?:@(\d+(?:\.\d+)?))?$/;

/** Parses "fn=4@120.5" specs; throws ExitError(2) listing every malformed one. */
export function parseAssignSpecs(specs: readonly string[], arrival: string): wire.FunctionAssignment[] {
  const out: wire.FunctionAssignment[] = [];
  const bad: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    const m = SPEC.exec(s);
    if (!m) {
      bad.push(`"${s}": expected FUNCTION=CORES or FUNCTION=CORES@RATE (e.g. jwt-node=4@200)`);
      continue;
    }
    const [, fn, cores, rate] = m as unknown as [string, string, string, string | undefined];
    if (seen.has(fn)) bad.push(`"${s}": function ${fn} given twice`);
    seen.add(fn);
    const coresN = Number(cores);
    if (coresN > 4096) bad.push(`"${s}": ${coresN} cores is not plausible`);
    out.push({ function: fn, cores: coresN, rate_rps: rate === undefined ? 0 : Number(rate), arrival });
  }
  if (bad.length > 0) throw new ExitError(EXIT.BAD_INPUT, `assign: ${bad.join('; ')}`);
  return out;
}

export function registerAssign(program: Command, ctx: CliContext): void {
  addConnectionOptions(
    program
      .command('assign')
      .description("replace a host's assignment: FUNCTION=CORES[@RATE] per function (RATE in requests/s; 0 cores removes a function)")
      .argument('<host>', 'host id')
      .argument('[specs...]', 'FUNCTION=CORES[@RATE] ...')
      .option('--clear', 'remove every function from the host')
      .option('--arrival <kind>', 'inter-arrival times of the generated load: constant or poisson', 'constant')
      .option('--ack-timeout-ms <ms>', 'how long to wait for the agent to apply it', '10000')
      .option('--json', 'print the Control API response as JSON'),
  ).action(async (hostId: string, specs: string[], flags: ConnectionFlags & { json?: boolean; clear?: boolean; arrival: string; ackTimeoutMs: string }) => {
    if (flags.arrival !== 'constant' && flags.arrival !== 'poisson')
      throw new ExitError(EXIT.BAD_INPUT, `--arrival: expected constant or poisson, got "${flags.arrival}"`);
    const ackTimeoutMs = Number(flags.ackTimeoutMs);
    if (!Number.isInteger(ackTimeoutMs) || ackTimeoutMs <= 0)
      throw new ExitError(EXIT.BAD_INPUT, `--ack-timeout-ms: expected a positive whole number, got "${flags.ackTimeoutMs}"`);
    if (specs.length === 0 && !flags.clear) throw new ExitError(EXIT.BAD_INPUT, 'assign: give at least one FUNCTION=CORES[@RATE], or --clear');
    if (specs.length > 0 && flags.clear) throw new ExitError(EXIT.BAD_INPUT, 'assign: --clear takes no FUNCTION=CORES arguments');
    const functions = parseAssignSpecs(specs, flags.arrival);
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const res = await client.setAssignment({ host_id: hostId, functions, ack_timeout_ms: ackTimeoutMs });
      const ack = res.ack;
      if (flags.json) ctx.io.stdout(json(res));
      if (!ack) throw new ExitError(EXIT.FAILURE, 'assign: the coordinator returned no ack');
      if (!ack.ok) throw new ExitError(EXIT.FAILURE, `host ${hostId} did not apply assignment version ${ack.version}: ${ack.error} (${ack.error_code})`);
      if (!flags.json) {
        ctx.io.stdout(`host ${hostId}: assignment version ${ack.version} applied\n`);
        for (const p of ack.placements) ctx.io.stdout(`  ${p.function}: CPUs ${p.cpus.join(',')} (workers ${p.worker_pids.join(',')})\n`);
      }
    } finally {
      client.close();
    }
  });
}
