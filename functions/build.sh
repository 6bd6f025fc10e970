#!/usr/bin/env bash
# Builds the function artefacts: first the harnesses (functions/_harness/*/build.sh), then every
# function folder that has a build.sh. Each build.sh skips what is up to date itself, so a second
# run costs little. Usage:
#   functions/build.sh            same as --all
#   functions/build.sh --all      every function
#   functions/build.sh --demo     only the functions the demo runs (function.yaml `demo: true`: Node.js
#                                 functions that need no compiler, no JDK) and their runtimes' harnesses
#   functions/build.sh NAME...    only these functions (plus the harnesses)
#   --list (with any of the above) prints what would be built, one per line, and builds nothing
# Exits non-zero when any build fails, after trying all of them, and names the failures.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=all
names=()
list=0
for arg in "$@"; do
  case "$arg" in
    --all) mode=all ;;
    --list) list=1 ;;
    --demo) mode=demo ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "build.sh: unknown option $arg (expected --all, --demo, --list or function names)" >&2; exit 2 ;;
    *) names+=("$arg"); mode=named ;;
  esac
done

failed=()
run_build() {
  local dir="$1" label="$2"
  if (( list )); then echo "$label"; return; fi
  if ! bash "$dir/build.sh"; then failed+=("$label"); fi
}

is_demo() {
  grep -Eq '^demo:[[:space:]]*true[[:space:]]*$' "$1/function.yaml" 2>/dev/null
}

# The demo must run on a machine with Node.js and npm only: its harnesses are those of the runtimes
# its functions use (node needs no build), never the Java harness (javac) or a compiled one.
demo_runtimes=" "
if [[ "$mode" == demo ]]; then
  for dir in "$here"/*/; do
    is_demo "$dir" || continue
    demo_runtimes+="$(sed -n 's/^runtime:[[:space:]]*\([a-z]*\).*/\1/p' "$dir/function.yaml") "
  done
fi

for h in "$here"/_harness/*/; do
  [[ -f "$h/build.sh" ]] || continue
  if [[ "$mode" == demo && "$demo_runtimes" != *" $(basename "$h") "* ]]; then continue; fi
  run_build "$h" "_harness/$(basename "$h")"
done

wanted() {
  local dir="$1" name
  name="$(basename "$dir")"
  case "$mode" in
    all) return 0 ;;
    named) for n in "${names[@]}"; do [[ "$n" == "$name" ]] && return 0; done; return 1 ;;
    demo) is_demo "$dir" ;;
  esac
}

if [[ "$mode" == named ]]; then
  for n in "${names[@]}"; do
    [[ -f "$here/$n/function.yaml" ]] || { echo "build.sh: no function \"$n\" (no $here/$n/function.yaml)" >&2; failed+=("$n"); }
  done
fi

for dir in "$here"/*/; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  [[ "$name" == _* ]] && continue
  [[ -f "$dir/build.sh" ]] || continue
  wanted "$dir" || continue
  run_build "$dir" "$name"
done

if (( ${#failed[@]} > 0 )); then
  echo "build.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
