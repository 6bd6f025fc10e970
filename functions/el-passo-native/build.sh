#!/usr/bin/env bash
# Builds the native El Passo worker into build/el-passo-native (skipped when up to date).
# blst (BLS12-381 pairings) is compiled from the sources that ship in the npm package
# @chainsafe/blst (node_modules, pinned in package-lock.json): Debian 12 packages no pairing library
# (see functions/README.md). Natively blst uses its assembly (x86-64 or aarch64, picked by
# build/assembly.S); the wasm build (../el-passo-wasm) uses the portable C path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
blst="$root/node_modules/@chainsafe/blst/blst"
if [[ ! -f "$blst/src/server.c" ]]; then
  echo "el-passo-native: blst sources not found at $blst (run npm install first)" >&2
  exit 1
fi
out="$here/build/el-passo-native"
hdr="$root/functions/_harness/native/isawatt_harness.h"
if [[ -x "$out" && -z "$(find "$here/src" "$hdr" "$here/build.sh" "$blst/../package.json" -newer "$out" -print -quit)" ]]; then exit 0; fi
mkdir -p "$here/build/obj"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
lib="$here/build/obj/libblst.a"
if [[ ! -f "$lib" || "$blst/../package.json" -nt "$lib" ]]; then  # rebuilt when the package changes
  "$CC" -O2 -fno-builtin -fPIC -Wall -c "$blst/src/server.c" -o "$here/build/obj/server.o"
  "$CC" -c "$blst/build/assembly.S" -o "$here/build/obj/assembly.o"
  ar rcs "$lib" "$here/build/obj/server.o" "$here/build/obj/assembly.o"
fi
"$CXX" -std=c++17 -O2 -Wall -Wextra -fno-exceptions -fno-rtti -isystem "$blst/bindings" -isystem "$root/functions/_harness/native" \
  -o "$out" "$here/src/main.cpp" "$here/src/elpasso.cpp" "$lib"
echo "built $out"
