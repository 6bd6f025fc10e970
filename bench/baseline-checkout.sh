#!/bin/sh
# A checkout of another commit that can run beside this one, for benches that compare against a
# baseline in the same run (bench/ingest-fleet.ts --baseline DIR):
#   bench/baseline-checkout.sh main /tmp/isawatt-baseline
# It adds a detached git worktree of REF at DIR and gives it a node_modules of links: every
# dependency links to this checkout's node_modules (nothing is installed or downloaded), while
# @isawatt/* link to DIR's own packages, so the baseline runs its own code. Remove it with
#   git worktree remove --force DIR
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 REF DIR (e.g. $0 main /tmp/isawatt-baseline)" >&2
  exit 2
fi
ref=$1
dir=$2
root=$(git rev-parse --show-toplevel)
if [ -e "$dir" ]; then
  echo "$dir exists; remove it first (git worktree remove --force $dir)" >&2
  exit 2
fi
git -C "$root" worktree add --detach "$dir" "$ref" >/dev/null
mkdir "$dir/node_modules" "$dir/node_modules/@isawatt"
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = "@isawatt" ] || ln -s "$entry" "$dir/node_modules/$name"
done
# The workspace links are relative (../../packages/x): the same links resolve inside DIR.
for link in "$root"/node_modules/@isawatt/*; do
  ln -s "$(readlink "$link")" "$dir/node_modules/@isawatt/$(basename "$link")"
done
echo "baseline $ref ($(git -C "$dir" rev-parse --short HEAD)) at $dir"
