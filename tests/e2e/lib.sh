# Shared helpers for the end-to-end tests (sourced). Prints one line per check
# and a closing "N passed, N failed" line; the test's exit status is 1 on any failure.
set -u
BUILD=${BUILD:-build/release}
SAN=${SAN:-0}
BIN=$BUILD/bin
REAL=${ONECLICK_REAL:-data/raw}
PASS=0
FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/oneclick-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# The params every test starts from: the committed params.yaml, never the
# user's edits (tests/study-params.sh). `make test` has written it once.
STUDY_PARAMS=$TMP/study-params.yaml
if [ -n "${ONECLICK_PARAMS:-}" ]; then cp "$ONECLICK_PARAMS" "$STUDY_PARAMS"
else bash "$(dirname "${BASH_SOURCE[0]}")/../study-params.sh" "$STUDY_PARAMS"; fi

ok() { PASS=$((PASS + 1)); echo "  ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL $*"; }
check() { # check "name" command...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi
}
# kvget FILE KEY: the value of KEY in a .kv file (key<TAB>value lines).
kvget() { awk -F'\t' -v k="$2" '$1==k{print $2}' "$1"; }
# worded BASE: a figure's data (BASE.gpv, BASE.tsv) with the reader's words
# put in, as gnuplot gets it (bin/text against report/text.ru.yaml); prints
# the path of the worded .gpv (the .tsv beside it).
worded() {
  local out
  out=$TMP/worded/$(basename "$1")
  mkdir -p "$TMP/worded" && "$BIN/text" --text "${TEXT:-report/text.ru.yaml}" --in "$1" --out "$out" && echo "$out.gpv"
}
# worded_file FILE: a stage's TSV or kv file with its references resolved;
# prints the path of the worded copy.
worded_file() {
  local out
  out=$TMP/worded/$(basename "$1")
  mkdir -p "$TMP/worded" && "$BIN/text" --text "${TEXT:-report/text.ru.yaml}" --in "$1" --out "$out" && echo "$out"
}
# expect NAME STATUS REGEX CMD...: fails with STATUS and one stderr line matching REGEX.
expect() {
  local name=$1 want=$2 re=$3; shift 3
  "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  local got=$? lines
  lines=$(wc -l <"$TMP/stderr")
  if [ "$got" != "$want" ]; then bad "$name: exit $got, expected $want ($(head -c 300 "$TMP/stderr"))"; return; fi
  if [ "$lines" != 1 ]; then bad "$name: $lines lines on stderr, expected 1"; return; fi
  if ! grep -qP -- "$re" "$TMP/stderr"; then bad "$name: message '$(cat "$TMP/stderr")' does not match /$re/"; return; fi
  ok "$name: $(cat "$TMP/stderr")"
}
finish() {
  echo "$(basename "$0" .sh): $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
need_real() {
  if [ ! -f "$REAL/market_file.csv" ]; then
    echo "$(basename "$0"): the real data is not at $REAL (set ONECLICK_REAL)" >&2
    exit 1
  fi
}
# param OP FILE PATH [VALUE]: edit one key of the params file FILE in place,
# by its dotted path: set (its value), rename (the key), drop (the line), add
# (the line VALUE after it, same indent); see tests/e2e/params.awk. Fails
# loudly unless exactly one key matches.
param() {
  local op=$1 f=$2 path=$3 value=${4:-}
  if awk -v op="$op" -v path="$path" -v value="$value" -f "$(dirname "${BASH_SOURCE[0]}")/params.awk" "$f" \
    >"$f.edit"; then mv "$f.edit" "$f"
  else rm -f "$f.edit"; echo "param: cannot $op $path in $f" >&2; return 1; fi
}
# fast_study_params FILE: the study's params with fast_params applied.
fast_study_params() { cp "$STUDY_PARAMS" "$1" && fast_params "$1"; }
# fast_params FILE: a smaller search and a cheaper KernelSHAP for tests that
# need a trained, explained model but not the study's model quality
# (test_train checks that with the defaults).
fast_params() {
  param set "$1" train.n_iter 16 && param set "$1" explain.background_k 4 &&
    param set "$1" explain.kernel_budget 64 && param set "$1" explain.n_repeats 2
}
