#!/usr/bin/env bash
# Builds the WebAssembly El Passo worker (a WASI reactor, build/el-passo.wasm) from the same C++
# source as the native one (../el-passo-native/src), with clang for wasm32-wasi and Debian's
# wasi-libc and libc++. blst comes from the npm package @chainsafe/blst (see functions/README.md)
# and is compiled with its portable C code (-D__BLST_NO_ASM__): WebAssembly has no assembly path.
# Skipped when up to date.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
blst="$root/node_modules/@chainsafe/blst/blst"
src="$root/functions/el-passo-native/src"
hdr="$root/functions/_harness/native/isawatt_harness.h"
if [[ ! -f "$blst/src/server.c" ]]; then
  echo "el-passo-wasm: blst sources not found at $blst (run npm install first)" >&2
  exit 1
fi
out="$here/build/el-passo.wasm"
if [[ -f "$out" && -z "$(find "$src" "$hdr" "$here/build.sh" "$blst/../package.json" -newer "$out" -print -quit)" ]]; then exit 0; fi
mkdir -p "$here/build/obj"
target=(--target=wasm32-wasi)
obj="$here/build/obj/blst-wasm.o"
if [[ ! -f "$obj" || "$blst/../package.json" -nt "$obj" ]]; then  # rebuilt when the package changes
  clang "${target[@]}" -O2 -D__BLST_NO_ASM__ -fno-builtin -Wall -c "$blst/src/server.c" -o "$obj"
fi
clang++ "${target[@]}" -mexec-model=reactor -std=c++17 -O2 -Wall -Wextra -fno-exceptions -fno-rtti \
  -isystem "$blst/bindings" -isystem "$root/functions/_harness/native" \
  -o "$out" "$src/main.cpp" "$src/elpasso.cpp" "$obj"
echo "built $out"
