#!/usr/bin/env bash
# Compiles the Java harness into functions/_harness/java/build (skipped when up to date).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build/IsawattHarness.class"
if [[ -f "$out" && "$out" -nt "$here/IsawattHarness.java" ]]; then exit 0; fi
mkdir -p "$here/build"
javac --release 17 -d "$here/build" "$here/IsawattHarness.java"
echo "built $out"
