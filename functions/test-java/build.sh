#!/usr/bin/env bash
# Compiles the function's classes into build/classes (skipped when up to date): see
# functions/_harness/java/build-function.sh.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../_harness/java/build-function.sh" "$here"
