// `isawatt host ID`: one host in detail: hardware, energy sources, catalogue, last report (host
// and per-function figures with their quality), assignment and placements.
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { wire } from '@isawatt/common';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { ago, archLabel, hostPower, json, pduColumns, percent, qualityLabel, stateLabel, watts } from '../format.js';
import { ujToJ } from '@isawatt/common';

export function hostDetails(h: wire.Host__Output, nowMs: number): string {
  const hello = h.hello;
  const lines: string[] = [];
  const kv = (k: string, v: string): void => void lines.push(`${(k + ':').padEnd(22)}${v}`);
  kv('host', h.host_id);
  kv('state', `${stateLabel(h.state)} since ${ago(Number(h.state_since_ms), nowMs)}`);
  kv('last seen', ago(Number(h.last_seen_ms), nowMs));
  if (h.peer) kv('peer', h.peer + (h.peer_cert_cn ? ` (client cert CN ${h.peer_cert_cn})` : ''));
  if (hello) {
    kv('arch', archLabel(hello.arch));
    kv('cpu', hello.cpu_model);
    kv('host type', hello.host_type);
    kv('sockets / cores', `${hello.sockets} sockets, ${hello.physical_cores} cores, ${hello.logical_cpus} logical CPUs`);
    kv('function CPUs', `${hello.function_cpus.length} (${compactList(hello.function_cpus)})`);
    kv('memory', `${(Number(hello.memory_bytes) / 2 ** 30).toFixed(1)} GiB`);
    kv('counters / pinning', `${hello.counter_source || '-'} / ${hello.pinning || '-'}`);
    kv('agent', `${hello.agent_version} session ${hello.session_id}`);
    if (hello.emulated) kv('EMULATED', `yes: profile "${hello.emulated_profile}" (figures are not from real hardware)`);
    for (const s of hello.energy_sources) {
      kv(`energy source`, `${s.kind}${s.primary ? ' (primary)' : ''} ${qualityLabel(s.quality)} ${s.domains.join(',')} ${s.detail}`.trim());
    }
    kv('catalogue', `${hello.catalogue.length} functions (${hello.catalogue.filter((f) => !f.runnable).length} not runnable)`);
  }
  const [pdu, diff] = pduColumns(h);
  kv('power', hostPower(h));
  kv('PDU power', diff === '-' ? pdu : `${pdu} (agent figure ${diff} vs PDU)`);
  kv('reports', `${h.reports_received} stored, ${h.reports_duplicate} duplicates dropped (since coordinator start)`);
  const a = h.assignment;
  kv('assignment', a ? `version ${a.version}, acked ${h.acked_assignment_version}, ${a.functions.length} functions` : 'none');
  const r = h.last_report;
  if (h.has_last_report && r) {
    kv('last report', `seq ${r.seq}, ${r.interval_ms} ms, CPU ${percent(r.cpu_utilization)}, attribution ${r.attribution}`);
    for (const d of r.domains)
      kv(`  domain ${d.domain}`, `${watts(d.power_w)} W (${qualityLabel(d.quality)}, ${d.source})${d.in_host_total ? '' : ' not in total'}`);
    if (r.functions.length > 0) {
      const t = new Table({ head: ['FUNCTION', 'CORES', 'POWER W', 'ENERGY J (tick)', 'RPS', 'P95 MS', 'QUALITY'], style: { head: [], border: [] } });
      for (const f of r.functions) {
        t.push([
          f.function,
          String(f.cores),
          watts(f.power_w),
          ujToJ(Number(f.total_energy_uj)).toFixed(3),
          (f.invocations?.achieved_rps ?? 0).toFixed(1),
          (f.invocations?.latency_p95_ms ?? 0).toFixed(1),
          qualityLabel(f.quality),
        ]);
      }
      lines.push(t.toString());
    }
  }
  if (h.placements.length > 0) {
    for (const p of h.placements) kv(`  placed ${p.function}`, `CPUs ${compactList(p.cpus)}`);
  }
  return lines.join('\n') + '\n';
}

/** [0,1,2,3,8] -> "0-3,8" */
function compactList(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',') || '-';
}

export function registerHost(program: Command, ctx: CliContext): void {
  addConnectionOptions(
    program
      .command('host')
      .description('show one host in detail (exit 4 when the id is unknown)')
      .argument('<id>', 'host id')
      .option('--json', 'print the Control API response as JSON'),
  ).action(async (id: string, flags: ConnectionFlags & { json?: boolean }) => {
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const h = await client.getHost(id);
      ctx.io.stdout(flags.json ? json(h) : hostDetails(h, Date.now()));
    } finally {
      client.close();
    }
  });
}
