#!/usr/bin/env bash
# Builds the wasm test function (a WASI reactor) from the native test function's C source, which
# isawatt_harness.h turns into the wasm ABI under clang --target=wasm32-wasi. Skipped when up to date.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/../test-native/test_function.c"
hdr="$here/../_harness/native/isawatt_harness.h"
out="$here/build/test-wasm.wasm"
if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$hdr" ]]; then exit 0; fi
mkdir -p "$here/build"
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -o "$out" "$src"
echo "built $out"
