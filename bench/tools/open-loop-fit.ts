// The planner's open-loop energy model per (host type, function) of a models file: the saturated
// energy per execution W_sat, every open-loop point measured (W_open / W_sat at its utilisation),
// the share k fitted through all points and through the highest alone (the fit before several
// points were measured), and the price W(u) / W_sat at the utilisations asked for (default 0.72,
// where the full matrix's runs load functions). Reads the file only; measures nothing.
//
//   node --conditions=source --import tsx bench/tools/open-loop-fit.ts MODELS.yaml [--at 0.72,0.6]
// bench/experiment.ts --profile-only prints the same table for the models it just measured.
import { loadModelsFile } from '../../packages/coordinator/src/workload/parse.js';
import { badInput, numberListOption, parseBenchCommandLine } from '../lib/options.js';
import { openLoopFitTable } from '../lib/open-loop-fit-table.js';

const url = import.meta.url;
const { values, positionals } = parseBenchCommandLine(
  url,
  { at: { type: 'string', default: '0.72', description: 'utilisations to price at, each in (0, 1]' } },
  { name: 'MODELS.yaml', description: 'a models file from isawatt profile' },
);
if (positionals.length !== 1) badInput(url, `expected one models file, got ${positionals.length}`);
const at = numberListOption(url, 'at', values.at, { above: 0, max: 1 });
process.stdout.write(`${openLoopFitTable(loadModelsFile(positionals[0]!), at)}\n`);
