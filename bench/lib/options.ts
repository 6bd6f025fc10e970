// Command-line options of a benchmark: node's parseArgs plus what a person running a bench needs.
// `--help` prints the bench's own header comment (its description and usage line) and every option
// with its default; an unknown option, a missing value or a value of the wrong form ends the bench
// with one line naming the option and what was expected (exit 2), never a stack trace. Benches take
// every option as a string and convert it with the readers below, so a bad number is refused before
// any server starts or any figure is measured.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One option: a string (or boolean) flag, its default and a short description for --help. */
export interface BenchOption {
  readonly type: 'string' | 'boolean';
  readonly default?: string | boolean;
  readonly short?: string;
  readonly description?: string;
}

export type BenchOptions = Readonly<Record<string, BenchOption>>;

type Values<O extends BenchOptions> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : O[K]['default'] extends string ? string : string | undefined;
};

/** Exit code of a bench given bad input (the CLI's EXIT.USAGE). */
export const BAD_INPUT_EXIT = 2;

/** The bench's name as printed in messages: `bench/NAME.ts`. */
function benchName(scriptUrl: string): string {
  const path = fileURLToPath(scriptUrl);
  return `bench/${basename(dirname(path)) === 'tools' ? 'tools/' : ''}${basename(path)}`;
}

/** Ends the bench on bad input: one line on stderr naming the bench, exit 2. */
export function badInput(scriptUrl: string, message: string): never {
  process.stderr.write(`${benchName(scriptUrl)}: ${message} (--help lists the options)\n`);
  process.exit(BAD_INPUT_EXIT);
}

/** The leading `//` comment block of the bench's source: its description and usage. */
function headerComment(scriptUrl: string): string {
  const lines: string[] = [];
  for (const line of readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n');
}

function helpText(scriptUrl: string, options: BenchOptions, positionals: BenchPositionals | undefined): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    const dflt = o.default === undefined || o.default === false ? '' : ` (default ${JSON.stringify(o.default)})`;
    return `  ${flag.padEnd(30)} ${o.description ?? ''}${dflt}`.trimEnd();
  });
  const args = positionals ? `\nArguments:\n  ${positionals.name.padEnd(30)} ${positionals.description}\n` : '';
  return `${headerComment(scriptUrl)}\n${args}\nOptions:\n${rows.join('\n')}\n  ${'-h, --help'.padEnd(30)} this text\n`;
}

/** What a bench takes besides options, for --help: e.g. `{ name: 'RUNTIME...', description: ... }`. */
export interface BenchPositionals {
  readonly name: string;
  readonly description: string;
}

/**
 * Parses the command line of the bench at `scriptUrl` (its import.meta.url): options, and
 * positional arguments when `positionals` describes them (refused otherwise). Prints help and exits
 * 0 on --help; exits 2 with a one-line message on an unknown option, a missing value or an
 * unexpected positional argument.
 */
export function parseBenchCommandLine<O extends BenchOptions>(
  scriptUrl: string,
  options: O,
  positionals?: BenchPositionals,
  argv: string[] = process.argv.slice(2),
): { values: Values<O>; positionals: string[] } {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}), ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...config, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: positionals !== undefined,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS_')) badInput(scriptUrl, (e.message ?? String(err)).split('\n')[0]!);
    throw err;
  }
  if (parsed.values.help === true) {
    process.stdout.write(helpText(scriptUrl, options, positionals));
    process.exit(0);
  }
  delete parsed.values.help;
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/** parseBenchCommandLine for a bench that takes options only. */
export function parseBenchArgs<O extends BenchOptions>(scriptUrl: string, options: O, argv: string[] = process.argv.slice(2)): Values<O> {
  return parseBenchCommandLine(scriptUrl, options, undefined, argv).values;
}

/** Bounds of a number read from an option. */
export interface NumberBounds {
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Values must be greater than this (exclusive). */
  readonly above?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

function describeBounds(b: NumberBounds, plural = false): string {
  const noun = b.integer ? (plural ? 'integers' : 'an integer') : plural ? 'numbers' : 'a number';
  const low = b.above !== undefined ? `(${b.above}` : b.min !== undefined ? `[${b.min}` : undefined;
  if (low !== undefined && b.max !== undefined) return `${noun} in ${low}, ${b.max}]`;
  if (b.above !== undefined) return `${noun} > ${b.above}`;
  if (b.min !== undefined) return `${noun} >= ${b.min}`;
  if (b.max !== undefined) return `${noun} <= ${b.max}`;
  return noun;
}

function checkNumber(text: string, b: NumberBounds): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  if (b.integer && !Number.isInteger(n)) return undefined;
  if (b.above !== undefined && !(n > b.above)) return undefined;
  if (b.min !== undefined && n < b.min) return undefined;
  if (b.max !== undefined && n > b.max) return undefined;
  return n;
}

/** The number an option holds, within bounds; exits 2 naming the option otherwise. */
export function numberOption(scriptUrl: string, name: string, text: string, bounds: NumberBounds = {}): number {
  const n = checkNumber(text, bounds);
  if (n === undefined) badInput(scriptUrl, `--${name}: expected ${describeBounds(bounds)}, got ${JSON.stringify(text)}`);
  return n;
}

/** A comma-separated list of numbers within bounds (at least one); exits 2 naming the option otherwise. */
export function numberListOption(scriptUrl: string, name: string, text: string, bounds: NumberBounds = {}): number[] {
  const items = text.split(',');
  const out = items.map((s) => checkNumber(s, bounds));
  const bad = out.findIndex((n) => n === undefined);
  if (bad >= 0)
    badInput(
      scriptUrl,
      `--${name}: expected a comma-separated list of ${describeBounds(bounds, true)}, got ${JSON.stringify(items[bad])} in ${JSON.stringify(text)}`,
    );
  return out as number[];
}

/** A comma-separated list of non-empty names; exits 2 naming the option when one is empty. */
export function listOption(scriptUrl: string, name: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) badInput(scriptUrl, `--${name}: expected a comma-separated list of names, got ${JSON.stringify(text)}`);
  return items;
}

/** One of the allowed words; exits 2 naming the option and the words otherwise. */
export function choiceOption<T extends string>(scriptUrl: string, name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) badInput(scriptUrl, `--${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** Instance sizes `NxM[,NxM...]` (functions × hosts, positive integers). */
export function sizesOption(scriptUrl: string, name: string, text: string): Array<[number, number]> {
  return text.split(',').map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
      badInput(scriptUrl, `--${name}: expected sizes FUNCTIONSxHOSTS (e.g. 22x2,1000x100), got ${JSON.stringify(s)}`);
    return [Number(m[1]), Number(m[2])];
  });
}
