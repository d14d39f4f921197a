#!/usr/bin/env bash
# mkparams.sh BASE OVERLAY [SECTION.KEY=VALUE ...] > OUT
# A params file for a benchmark run: BASE (params.yaml) with every
# second-level key of OVERLAY (tests/bench/bench.yaml) put in place of the
# same key of BASE, block and all; OVERLAY's sections that BASE lacks are
# appended. SECTION.KEY=VALUE pairs come last and win (synth.n=100000).
# Both files must be block-style YAML with two-space indentation, as
# params.yaml is; comments inside a replaced block go with it.
set -euo pipefail
base=$1 overlay=$2
shift 2
extra=""
for kv in "$@"; do
  key=${kv%%=*} val=${kv#*=}
  extra+="${key%%.*}:"$'\n'"  ${key#*.}: $val"$'\n'
done
awk -v extra="$extra" '
function indent(s) { match(s, /^ */); return RLENGTH }
function blank(s) { return s ~ /^[ \t]*(#.*)?$/ }
function topname(s) { sub(/:.*/, "", s); return s }
function keyname(s) { sub(/^  /, "", s); sub(/:.*/, "", s); return s }
# The overlay: blocks by (section, key), in order of first appearance.
function ovl_line(s) {
  if (s ~ /^[A-Za-z_]/) { osec = topname(s); if (!(osec in secseen)) { secseen[osec] = 1; secs[++nsecs] = osec }; okey = ""; return }
  if (osec == "") return
  if (indent(s) == 2 && !blank(s)) {
    okey = keyname(s)
    if (!((osec, okey) in block)) { nkeys[osec]++; keys[osec, nkeys[osec]] = okey }
    block[osec, okey] = s "\n"; return
  }
  if (okey != "" && !(blank(s) && indent(s) < 4 && s !~ /^ *#/)) block[osec, okey] = block[osec, okey] s "\n"
}
# The keys of a section not yet written, at its end.
function flush(sec,   i, k) {
  if (!(sec in secseen)) return
  for (i = 1; i <= nkeys[sec]; i++) { k = keys[sec, i]; if (!((sec, k) in done)) { printf "%s", block[sec, k]; done[sec, k] = 1 } }
  flushed[sec] = 1
}
FNR == NR { ovl_line($0); next }
FNR == 1 { n = split(extra, xl, "\n"); for (i = 1; i <= n; i++) ovl_line(xl[i]); sec = ""; skipping = 0 }
{
  if ($0 ~ /^[A-Za-z_]/) { flush(sec); sec = topname($0); skipping = 0; print; next }
  if (skipping) { if (!blank($0) && indent($0) <= 2) skipping = 0; else if (!($0 ~ /^ *#/ && indent($0) <= 2)) next }
  if (skipping && $0 ~ /^ *#/ && indent($0) <= 2) skipping = 0
  if (sec != "" && indent($0) == 2 && !blank($0) && ((sec, keyname($0)) in block)) {
    printf "%s", block[sec, keyname($0)]; done[sec, keyname($0)] = 1; skipping = 1; next
  }
  print
}
END {
  flush(sec)
  for (i = 1; i <= nsecs; i++) if (!(secs[i] in flushed)) { printf "\n%s:\n", secs[i]; flush(secs[i]) }
}
' "$overlay" "$base"
