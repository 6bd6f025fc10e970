#!/usr/bin/env bash
# Compiles the function's classes into build/classes (skipped when they are newer than the sources).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/build/classes/.stamp"
if [[ -f "$stamp" ]] && [[ -z "$(find "$here/src" -newer "$stamp" -name '*.java' -print -quit)" ]]; then exit 0; fi
rm -rf "$here/build/classes" && mkdir -p "$here/build/classes"
javac --release 17 -Xlint:all -Werror -cp /usr/share/java/gson.jar -d "$here/build/classes" "$here"/src/*.java
touch "$stamp"
echo "built $here/build/classes"
