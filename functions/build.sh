#!/usr/bin/env bash
# Builds the function artefacts: first the harnesses (functions/_harness/*/build.sh), then every
# function folder that has a build.sh. Each build.sh skips what is up to date itself, so a second
# run costs little. Usage:
#   functions/build.sh            same as --all
#   functions/build.sh --all      every function
#   functions/build.sh --demo     only the functions the demo needs (function.yaml `demo: true`,
#                                 and the test functions)
#   functions/build.sh NAME...    only these functions (plus the harnesses)
# Exits non-zero when any build fails, after trying all of them, and names the failures.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=all
names=()
for arg in "$@"; do
  case "$arg" in
    --all) mode=all ;;
    --demo) mode=demo ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "build.sh: unknown option $arg (expected --all, --demo or function names)" >&2; exit 2 ;;
    *) names+=("$arg"); mode=named ;;
  esac
done

failed=()
run_build() {
  local dir="$1" label="$2"
  if ! bash "$dir/build.sh"; then failed+=("$label"); fi
}

for h in "$here"/_harness/*/; do
  [[ -f "$h/build.sh" ]] && run_build "$h" "_harness/$(basename "$h")"
done

wanted() {
  local dir="$1" name
  name="$(basename "$dir")"
  case "$mode" in
    all) return 0 ;;
    named) for n in "${names[@]}"; do [[ "$n" == "$name" ]] && return 0; done; return 1 ;;
    demo)
      [[ "$name" == test-* ]] && return 0
      grep -Eq '^demo:[[:space:]]*true[[:space:]]*$' "$dir/function.yaml" 2>/dev/null ;;
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
