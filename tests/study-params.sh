#!/usr/bin/env bash
# study-params.sh DEST: write the params the tests run on to DEST.
# That is the committed params.yaml (git HEAD), so that an analyst's edits to
# params.yaml never turn the suite red; ONECLICK_PARAMS=FILE names another
# (ONECLICK_PARAMS=params.yaml tests your uncommitted edits). Outside a git
# checkout, params.yaml as it is.
set -eu
dest=$1
if [ -n "${ONECLICK_PARAMS:-}" ]; then
  cp "$ONECLICK_PARAMS" "$dest"
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1 && git show HEAD:params.yaml >"$dest.tmp" 2>/dev/null; then
  mv "$dest.tmp" "$dest"
  cmp -s "$dest" params.yaml ||
    echo "note: params.yaml has edits; the tests run on the committed one (ONECLICK_PARAMS=params.yaml to test yours)" >&2
else
  rm -f "$dest.tmp"
  cp params.yaml "$dest"
fi
