// `isawatt runs`: the run records in the coordinator's state directory (one line each, or --json);
// `isawatt runs show ID`: one record's tables (or the whole record with --json).
import Table from 'cli-table3';
import type { Command } from 'commander';
import { parseRunRecord } from '../../results/run-record-schema.js';
import { renderRun } from '../../run/render-run.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';

export function registerRuns(program: Command, ctx: CliContext): void {
  const runs = program.command('runs').description('list the stored run records, or show one (runs show ID)');
  addConnectionOptions(runs.option('--experiment <id>', 'only the runs of this experiment').option('--json', 'print JSON')).action(
    async (flags: ConnectionFlags & { json?: boolean; experiment?: string }) => {
      const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
      try {
        const res = await client.listRuns(flags.experiment ?? '');
        if (flags.json) {
          ctx.io.stdout(JSON.stringify(res.runs, null, 2) + '\n');
          return;
        }
        const t = new Table({
          head: ['run', 'kind', 'experiment', 'started', 'mix', 'policy', 'rep', 'met rates', 'energy J', 'quality', 'predicted J'],
          colAligns: ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'left', 'right', 'left', 'right'],
          style: { head: [], border: [] },
          chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
        });
        for (const r of res.runs) {
          t.push([
            r.run_id,
            r.kind,
            r.experiment_id || '-',
            r.started_at,
            r.mix || '-',
            r.policy,
            r.experiment_id ? String(r.repeat + 1) : '-',
            r.met_rates ? 'yes' : 'NO',
            r.energy_j.toFixed(1),
            r.energy_quality.toUpperCase(),
            r.predicted_energy_j.toFixed(1),
          ]);
        }
        ctx.io.stdout(res.runs.length ? t.toString() + '\n' : 'no runs stored yet\n');
      } finally {
        client.close();
      }
    },
  );
  addConnectionOptions(
    runs
      .command('show')
      .description('one run record: rates, latency, energy per host and function')
      .argument('<id>', 'run id')
      .option('--json', 'print the whole record as JSON'),
  ).action(async (id: string, flags: ConnectionFlags & { json?: boolean }) => {
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const record = parseRunRecord(JSON.parse((await client.getRun(id)).record_json), `run ${id}`);
      ctx.io.stdout(flags.json ? JSON.stringify(record, null, 2) + '\n' : renderRun(record) + '\n');
    } finally {
      client.close();
    }
  });
}
