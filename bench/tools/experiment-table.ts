// Prints the per-cell table of run records saved as JSON files (e.g. copied from a coordinator's
// <stateDir>/runs/), as `isawatt experiment` prints it, plus the checks of issue 12: energy-aware vs
// round-robin saving per mix (measured and predicted) and energy-aware-whole vs energy-aware.
//
//   node --conditions=source --import tsx bench/tools/experiment-table.ts RUN.json...
import { readFileSync } from 'node:fs';
import { renderCells } from '../../packages/coordinator/src/cli/commands/experiment.js';
import { summariseCells } from '../../packages/coordinator/src/report/experiment-summary.js';
import { parseRunRecord } from '../../packages/coordinator/src/results/run-record-schema.js';
import { badInput, parseBenchCommandLine } from '../lib/options.js';

const { positionals: files } = parseBenchCommandLine(
  import.meta.url,
  {},
  { name: 'RUN.json...', description: "run records (a coordinator's <stateDir>/runs/*.json)" },
);
if (files.length === 0) badInput(import.meta.url, 'expected one or more run record files (RUN.json...)');
const records = files.map((f) => parseRunRecord(JSON.parse(readFileSync(f, 'utf8')), f));
const cells = summariseCells(records);
process.stdout.write(`${records.length} runs, ${records.filter((r) => r.metRates).length} met their rates\n${renderCells(cells)}\n`);
const pct = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(1)} %`);
for (const m of [...new Set(cells.map((c) => c.mix))]) {
  const ea = cells.find((c) => c.mix === m && c.policy === 'energy-aware');
  const eaw = cells.find((c) => c.mix === m && c.policy === 'energy-aware-whole');
  if (ea?.savingVsRrPct !== undefined && ea.predictedSavingVsRrPct !== undefined) {
    const d = ea.savingVsRrPct - ea.predictedSavingVsRrPct;
    process.stdout.write(
      `${m}: energy-aware saves ${pct(ea.savingVsRrPct)} vs rr, predicted ${pct(ea.predictedSavingVsRrPct)} (${d >= 0 ? '+' : ''}${d.toFixed(1)} points)\n`,
    );
  }
  if (ea && eaw)
    process.stdout.write(
      `${m}: energy-aware-whole ${eaw.energyMeanJ.toFixed(0)} J vs energy-aware ${ea.energyMeanJ.toFixed(0)} J (${eaw.energyMeanJ <= ea.energyMeanJ ? '<=' : '>'})\n`,
    );
}
for (const r of records.filter((x) => !x.metRates)) {
  process.stdout.write(
    `${r.mix} x ${r.policy}: missed: ${r.functions
      .filter((f) => !f.metRate)
      .map((f) => `${f.name} ${f.achievedRps.toFixed(2)}/${f.requestedRps.toFixed(2)} req/s (${f.reason ?? ''})`)
      .join('; ')}\n`,
  );
}
