// `isawatt report ID… --out FILE`: one self-contained HTML report (report/render-report.ts) from
// run records: run ids and experiment ids are fetched from the coordinator; an argument that is
// an existing .json file is read as one record or an array of records (e.g. `isawatt simulate`'s).
// Exit codes: 0 written; 2 bad input (no such file, invalid record); 3 coordinator unreachable;
// 4 unknown run or experiment.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, EXIT, ExitError } from '@isawatt/common';
import type { Command } from 'commander';
import { renderReport } from '../../report/render-report.js';
import type { RunRecord } from '../../results/run-record.js';
import { parseRunRecord } from '../../results/run-record-schema.js';
import { loadModelsFile } from '../../workload/parse.js';
import type { Models } from '../../workload/types.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';

interface ReportFlags extends ConnectionFlags {
  out: string;
  models?: string;
  title?: string;
  json?: boolean;
}

function recordsFromFile(path: string): RunRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ExitError(EXIT.BAD_INPUT, `${path}: not a JSON file of run records (${(err as Error).message})`);
  }
  const list = Array.isArray(doc)
    ? doc
    : doc && typeof doc === 'object' && Array.isArray((doc as { runs?: unknown }).runs)
      ? (doc as { runs: unknown[] }).runs
      : [doc];
  try {
    return list.map((r, i) => parseRunRecord(r, `${path}: record ${i + 1}`));
  } catch (err) {
    throw new ExitError(EXIT.BAD_INPUT, (err as Error).message);
  }
}

export function registerReport(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('report')
    .description('write one self-contained HTML report (charts, tables, CSV) of runs and experiments')
    .argument('<ids...>', 'run ids, experiment ids, or JSON files of run records');
  addConnectionOptions(
    cmd
      .requiredOption('-o, --out <file>', 'HTML file to write')
      .option('-m, --models <file>', 'models file for the x86/ARM figure (default: the models stored with the runs)')
      .option('--title <text>', 'report title')
      .option('--json', 'print what was written as JSON'),
  ).action(async (ids: string[], flags: ReportFlags) => {
    let models: Models | undefined;
    if (flags.models) {
      try {
        models = loadModelsFile(flags.models);
      } catch (err) {
        if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
        throw err;
      }
    }
    const records: RunRecord[] = [];
    let client: ControlClient | undefined;
    try {
      for (const id of ids) {
        if (id.endsWith('.json') || existsSync(id)) {
          if (!existsSync(id)) throw new ExitError(EXIT.BAD_INPUT, `${id}: no such file`);
          records.push(...recordsFromFile(id));
          continue;
        }
        client ??= new ControlClient(connectionFromFlags(flags, ctx.io.env));
        const inExperiment = (await client.listRuns(id)).runs;
        const runIds = inExperiment.length > 0 ? inExperiment.map((r) => r.run_id) : [id];
        for (const r of runIds) records.push(parseRunRecord(JSON.parse((await client.getRun(r)).record_json), `run ${r}`));
      }
    } finally {
      client?.close();
    }
    const seen = new Set<string>();
    const unique = records.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
    const html = renderReport(unique, { models, title: flags.title });
    const out = resolve(flags.out);
    await writeFile(out, html);
    if (flags.json) ctx.io.stdout(JSON.stringify({ out, runs: unique.map((r) => r.id), bytes: Buffer.byteLength(html) }, null, 2) + '\n');
    else ctx.io.stdout(`report of ${unique.length} run${unique.length === 1 ? '' : 's'} written to ${out}\n`);
  });
}
