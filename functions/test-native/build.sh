#!/usr/bin/env bash
# Builds the native test function into build/test-native (skipped when up to date).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build/test-native"
hdr="$here/../_harness/native/isawatt_harness.h"
if [[ -x "$out" && "$out" -nt "$here/test_function.c" && "$out" -nt "$hdr" ]]; then exit 0; fi
mkdir -p "$here/build"
cc -O2 -Wall -Wextra -o "$out" "$here/test_function.c"
echo "built $out"
