// The schema of functions/<name>/function.yaml (docs/design/worker-protocol.md) and its parser.
// Every problem in a file is reported at once, as `<file>: <path>: <message>` lines, so an operator
// fixes a broken manifest in one go.
import { ValidationError } from '@isawatt/common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const RUNTIMES = ['node', 'python', 'java', 'native', 'wasm'] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];

export const CATEGORIES = ['crypto', 'media', 'scientific', 'web', 'test'] as const;
export type Category = (typeof CATEGORIES)[number];

export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

const FUNCTION_NAME = /^[a-z0-9][a-z0-9-]*$/;

const functionYamlSchema = z.strictObject({
  name: z.string().max(63, 'at most 63 characters').regex(FUNCTION_NAME, 'use lowercase letters, digits and "-", starting with a letter or digit'),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'expected a semantic version such as 1.0.0'),
  category: z.enum(CATEGORIES, { error: `expected one of ${CATEGORIES.join(', ')}` }),
  runtime: z.enum(RUNTIMES, { error: `expected one of ${RUNTIMES.join(', ')}` }),
  entry: z
    .string()
    .min(1, 'must not be empty')
    .refine((e) => !e.startsWith('/') && !e.split('/').includes('..'), 'must be a path inside the function folder (no "/" prefix, no "..")')
    .refine((e) => !/[\t\n]/.test(e), 'must not contain TAB or newline'),
  description: z.string().default(''),
  input: z.strictObject({ seed: z.number().int('expected an integer seed').min(0).max(Number.MAX_SAFE_INTEGER) }).default({ seed: 1 }),
  timeoutMs: z.number().int('expected whole milliseconds').min(1, 'must be at least 1 ms').max(3_600_000, 'must be at most 3600000 ms'),
  memoryLimitMb: z.number().int('expected whole MiB').min(8, 'must be at least 8 MiB').max(1_048_576),
  maxInputBytes: z
    .number()
    .int()
    .min(2, 'must be at least 2 bytes')
    .max(256 * 1024 * 1024)
    .default(DEFAULT_MAX_INPUT_BYTES),
  maxOutputBytes: z
    .number()
    .int()
    .min(2, 'must be at least 2 bytes')
    .max(256 * 1024 * 1024)
    .default(DEFAULT_MAX_OUTPUT_BYTES),
  /** Java only: extra jars for the classpath (absolute, or relative to the function folder). */
  classpath: z.array(z.string().min(1)).default([]),
  /** Built and started by the demo (functions/build.sh --demo). */
  demo: z.boolean().default(false),
});

/** A validated function.yaml. */
export type FunctionSpec = z.output<typeof functionYamlSchema>;

/** Flattens zod issues to `path: message` lines. */
function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`);
}

/**
 * Parses and validates the text of a function.yaml. `file` names it in errors; `folderName` must
 * equal `name`. Throws a ValidationError listing every problem as `<file>: <path>: <message>`.
 */
export function parseFunctionSpec(text: string, file: string, folderName: string): FunctionSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'parse error';
    throw new ValidationError(file, `not valid YAML: ${first}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ValidationError(file, 'expected a mapping at the top level (name, version, category, runtime, entry, ...)');
  }
  const parsed = functionYamlSchema.safeParse(doc);
  const problems = parsed.success ? [] : issueLines(parsed.error);
  if (parsed.success && parsed.data.name !== folderName) {
    problems.push(`name: "${parsed.data.name}" must equal the folder name "${folderName}"`);
  }
  if (parsed.success && parsed.data.runtime === 'java' && !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(parsed.data.entry)) {
    problems.push(`entry: "${parsed.data.entry}" must be a Java class name for runtime java`);
  }
  if (!parsed.success || problems.length > 0) {
    throw new ValidationError(
      file,
      `invalid function manifest (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      problems.map((p) => `${file}: ${p}`),
    );
  }
  return parsed.data;
}
