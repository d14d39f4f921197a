#!/usr/bin/env bash
# The DAG's stages on the real data under valgrind: any memory error, and any
# definite or indirect leak, fails the run. Cheap enough for CI (well under
# two minutes). Later stages: add a `vg NAME ARGS...` line below, reading
# what the earlier ones wrote under $W.
#   tests/valgrind.sh              (BUILD=build/release by default)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
BIN=$BUILD/bin
REAL=${ONECLICK_REAL:-../shared/data/one-click}
if [ ! -f "$REAL/market_file.csv" ]; then
  echo "valgrind.sh: the real data is not at $REAL (set ONECLICK_REAL)" >&2
  exit 1
fi
if ! command -v valgrind >/dev/null; then
  echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 1
fi
case $BUILD in *san*)
  echo "valgrind.sh: $BUILD is a sanitizer build; valgrind needs a plain one (BUILD=build/release)" >&2
  exit 1 ;;
esac
make -s --no-print-directory all BUILD="$BUILD" >/dev/null || exit 1
W=$(mktemp -d "${TMPDIR:-/tmp}/oneclick-valgrind.XXXXXX")
trap 'rm -rf "$W"' EXIT
P=$W/params.yaml
cp params.yaml "$P"
FAIL=0
PASS=0
vg() { # vg NAME ARGS...: run stage NAME under valgrind; its log goes to $W/NAME.vg
  local name=$1 t0=$SECONDS
  shift
  if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --log-file="$W/$name.vg" "$BIN/$name" "$@" >"$W/$name.out" 2>&1; then
    PASS=$((PASS + 1))
    echo "  ok   $name ($((SECONDS - t0)) s)"
  else
    local rc=$?
    FAIL=$((FAIL + 1))
    if [ "$rc" = 99 ]; then echo "  FAIL $name: valgrind found errors:"; head -40 "$W/$name.vg"
    else echo "  FAIL $name: exit $rc"; tail -5 "$W/$name.out"; fi
  fi
}
mkdir -p "$W/params" "$W/synth" "$W/load" "$W/clean"
echo "valgrind: the stages on $REAL"
vg params --params "$P" --out "$W/params"
vg synth --params "$P" --n 500 --out "$W/synth"
vg load --params "$P" --in "$REAL" --out "$W/load" --kv "$W/load.kv"
vg clean --params "$P" --in "$W/load" --out "$W/clean" --quality "$W/quality.tsv" --kv "$W/clean.kv"
vg merge --params "$P" --in "$W/clean" --out "$W/customers.tsv" --kv "$W/merge.kv"
# A stage that fails must not leak either: load on a directory without the CSVs.
mkdir -p "$W/empty"
if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --log-file="$W/load-fail.vg" "$BIN/load" --params "$P" --in "$W/empty" --out "$W/load2" --kv "$W/load2.kv" \
  >/dev/null 2>&1; [ $? = 2 ]; then
  PASS=$((PASS + 1))
  echo "  ok   load on a missing file (exit 2, no leak)"
else
  FAIL=$((FAIL + 1))
  echo "  FAIL load on a missing file:"; head -40 "$W/load-fail.vg"
fi
echo "valgrind: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
