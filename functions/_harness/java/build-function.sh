#!/usr/bin/env bash
# Compiles a Java function: <function-dir>/src/*.java into <function-dir>/build/classes (Java 17,
# all lint warnings as errors), against the jars given (the function.yaml `classpath:` entries).
# Skipped when no source is newer than the last build. Each functions/<name>-java/build.sh calls
#   bash functions/_harness/java/build-function.sh <function-dir> [jar...]
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: build-function.sh <function-dir> [jar...]" >&2
  exit 2
fi
dir="$(cd "$1" && pwd)"
shift
classes="$dir/build/classes"
stamp="$classes/.stamp"
if [[ -f "$stamp" ]] && [[ -z "$(find "$dir/src" -newer "$stamp" -name '*.java' -print -quit)" ]]; then exit 0; fi
rm -rf "$classes" && mkdir -p "$classes"
cp=()
if [[ $# -gt 0 ]]; then cp=(-cp "$(IFS=:; echo "$*")"); fi
javac --release 17 -Xlint:all -Werror ${cp[@]+"${cp[@]}"} -d "$classes" "$dir"/src/*.java
touch "$stamp"
echo "built $classes"
