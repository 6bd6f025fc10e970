// Loads a CommonJS dependency on first use instead of at import time. The package's entry point
// exports everything (AGENTS.md), so without this every `isawatt` command, even `--help`, would
// load gRPC, protobufjs, pino and the YAML parser (~0.2 s of a CLI cold start) whether it uses
// them or not. Types still come from a static `import type`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that requires `id` once, on its first call. */
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}
