// `isawatt models show FILE [--json]`: the paper's figure as a table. Per function, the x86 host
// type's performance (executions/s per core) and energy per execution normalised to the ARM host
// type's, with the spread across bags, sorted by category; then "N of M functions better on ARM in
// performance or energy". Reads the file only (no coordinator). Exit 2 for a bad file.
import Table from 'cli-table3';
import type { Command } from 'commander';
import { EXIT, ExitError } from '@isawatt/common';
import { ComparisonError, compareIsa, type IsaComparison, type RatioFigure } from '../../profiling/isa-comparison.js';
import { loadModelsFile } from '../../workload/parse.js';
import type { CliContext } from '../context.js';
import { registerModelsRefined } from './models-refined.js';

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};

function ratioText(r: RatioFigure): string {
  const range = r.min !== null && r.max !== null ? ` (${r.min.toFixed(2)}-${r.max.toFixed(2)})` : '';
  return `${r.ratio.toFixed(2)}${range}`;
}

const cvText = (r: RatioFigure): string => (r.cv === null ? '-' : `${(r.cv * 100).toFixed(0)} %`);

export function renderComparison(c: IsaComparison): string {
  const lines = [
    `x86 (${c.x86Type}) normalised to ARM (${c.armType}); performance = executions/s per core, energy = joules per execution.`,
    "perf < 1: the ARM core is faster; energy > 1: the ARM host spends less energy per execution. Ranges: over the bags' min and max.",
  ];
  if (c.source) lines.push(`models: ${c.source}`);
  const t = new Table({
    head: ['category', 'function', 'perf x86/ARM', 'CV', 'energy x86/ARM', 'CV', 'better on ARM', 'quality'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
    ...plain,
  });
  for (const f of c.functions) {
    const better = [f.betterOnArm.performance ? 'perf' : '', f.betterOnArm.energy ? 'energy' : ''].filter(Boolean).join(' + ') || '- (x86 in both)';
    t.push([f.category, f.function, ratioText(f.performance), cvText(f.performance), ratioText(f.energy), cvText(f.energy), better, f.quality.toUpperCase()]);
  }
  lines.push(t.toString());
  lines.push(
    `${c.betterOnArmInPerformanceOrEnergy} of ${c.total} functions better on ARM in performance or energy` +
      (c.betterOnX86InBoth.length > 0 ? `; better on x86 in both: ${c.betterOnX86InBoth.join(', ')}` : ''),
  );
  if (c.onlyX86.length > 0) lines.push(`only on ${c.x86Type}: ${c.onlyX86.join(', ')}`);
  if (c.onlyArm.length > 0) lines.push(`only on ${c.armType}: ${c.onlyArm.join(', ')}`);
  return lines.join('\n');
}

export function registerModels(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('inspect models files');
  models
    .command('show')
    .description("per function, x86 performance and energy normalised to ARM (the paper's figure as a table)")
    .argument('<file>', 'models file (YAML or JSON, docs/file-formats.md)')
    .option('--x86 <type>', 'x86_64 host type to compare (default: the first in the file)')
    .option('--arm <type>', 'aarch64 host type to compare (default: the first in the file)')
    .option('--json', 'print the comparison as JSON')
    .action((file: string, flags: { x86?: string; arm?: string; json?: boolean }) => {
      const m = loadModelsFile(file);
      let c: IsaComparison;
      try {
        c = compareIsa(m, { x86Type: flags.x86, armType: flags.arm });
      } catch (err) {
        if (err instanceof ComparisonError) throw new ExitError(EXIT.BAD_INPUT, `${file}: ${err.message}`);
        throw err;
      }
      ctx.io.stdout(flags.json === true ? JSON.stringify(c, null, 2) + '\n' : renderComparison(c) + '\n');
    });
  registerModelsRefined(models, ctx);
}
