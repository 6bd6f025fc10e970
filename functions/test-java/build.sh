#!/usr/bin/env bash
# Compiles the test function into build/classes (skipped when up to date).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build/classes/TestFunction.class"
if [[ -f "$out" && "$out" -nt "$here/src/TestFunction.java" ]]; then exit 0; fi
mkdir -p "$here/build/classes"
javac --release 17 -d "$here/build/classes" "$here/src/TestFunction.java"
echo "built $out"
