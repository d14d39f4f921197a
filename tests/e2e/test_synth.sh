#!/usr/bin/env bash
# The synth stage: --help lists every option, params.yaml with command-line
# overrides, byte-identical reruns, one-line errors with exit 1 (usage) or 2
# (I/O), and data that the load and clean stages accept with the real quirks.
source "$(dirname "$0")/lib.sh"
S=$BIN/synth

help=$("$S" --help)
for o in params n seed noise out help; do
  if grep -q -- "--$o " <<<"$help"; then ok "--help lists --$o"; else bad "--help lacks --$o"; fi
done

expect "n = 0" 1 '^synth: --n: expected an integer' "$S" --n 0 --out "$TMP/x"
expect "n not a number" 1 '^synth: --n: expected an integer' "$S" --n 12x --out "$TMP/x"
expect "unknown option" 1 '^synth: unknown option' "$S" --size 3
expect "seed too large" 1 '^synth: --seed:' "$S" --seed 4294967296 --n 3 --out "$TMP/x"
printf 'seed: 1\nsynth:\n  n: 10\n  rows: 3\n' >"$TMP/bad.yaml"
expect "unknown params key" 1 'bad.yaml:4:3: .*synth.rows' "$S" --params "$TMP/bad.yaml" --out "$TMP/x"
touch "$TMP/file"
expect "out is a file" 2 '^synth: .*file' "$S" --n 3 --out "$TMP/file/sub"

# params.yaml gives n and seed; the command line overrides them.
want_n=$(awk '/^synth:/{s=1;next} s&&/^ +n:/{print $2; exit}' "$STUDY_PARAMS")
"$S" --params "$STUDY_PARAMS" --out "$TMP/p" >/dev/null
got=$(($(wc -l <"$TMP/p/market_file.csv") - 1))
if [ "$got" = "$want_n" ]; then ok "synth.n from params.yaml: $got rows"; else bad "rows $got, synth.n $want_n"; fi
"$S" --params "$STUDY_PARAMS" --n 50 --out "$TMP/p50" >/dev/null
got=$(($(wc -l <"$TMP/p50/market_file.csv") - 1))
if [ "$got" = 50 ]; then ok "--n overrides synth.n"; else bad "--n 50 gave $got rows"; fi
"$S" --params "$STUDY_PARAMS" --seed 42 --out "$TMP/a" >/dev/null
"$S" --n "$want_n" --seed 42 --out "$TMP/b" >/dev/null
check "byte-identical rerun" diff -r "$TMP/a" "$TMP/b"
"$S" --n "$want_n" --seed 43 --out "$TMP/c" >/dev/null
if ! cmp -s "$TMP/a/market_file.csv" "$TMP/c/market_file.csv"; then ok "another seed, other data"; else bad "seed ignored"; fi
if [ -z "$(find "$TMP" -name '*.tmp.*')" ]; then ok "no temporary files left"; else bad "temporary files left"; fi

# The generated export goes through load and clean like the real one.
if [ -x "$BIN/load" ] && [ -x "$BIN/clean" ]; then
  O=$TMP/out; mkdir -p "$O"
  check "load accepts synthetic data" "$BIN/load" --params "$STUDY_PARAMS" --in "$TMP/a" --out "$O" --kv "$O/load.kv"
  check "clean accepts synthetic data" "$BIN/clean" --params "$STUDY_PARAMS" --in "$O" --out "$O" \
    --quality "$O/quality.tsv" --kv "$O/clean.kv"
  if grep -qP '^outlier_customers\t1$' "$O/clean.kv" 2>/dev/null; then ok "clean finds the one outlier"; else bad "outlier count"; fi
  if grep -qP '^inactive_customers\t[1-9]' "$O/clean.kv" 2>/dev/null; then ok "clean finds inactive customers"; else bad "inactive count"; fi
fi
finish
