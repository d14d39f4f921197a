#!/usr/bin/env bash
# Every stage of the DAG on the real data under valgrind (and predict): any
# memory error, and any definite or indirect leak, fails the run. Cheap
# enough for CI (about a minute). A new stage: add a `vg NAME ARGS...` line
# below, reading what the plain run wrote under $D.
#   tests/valgrind.sh              (BUILD=build/release by default)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
BIN=$BUILD/bin
REAL=${ONECLICK_REAL:-data/raw}
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
bash tests/study-params.sh "$P"
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
# The later stages read what a plain (unchecked) run of the DAG wrote, with a
# small search (8 candidates; predict reads the xgb one, boosted 15 rounds at
# most) and a cheap explanation; each then runs under valgrind into a
# directory of its own. explain and segment run on the tree pipeline (explain
# also on the xgb one), whose explainers are exact: KernelSHAP on KNN or SVC takes minutes under valgrind
# (its code runs under ASan in `make test SAN=1`).
D=$W/dag
cp "$P" "$W/fast.yaml"
sed -i -e 's/^  n_iter: [0-9]*.*$/  n_iter: 8/' -e 's/^  folds: [0-9]*$/  folds: 3/' -e 's/^  n_repeats: [0-9]*$/  n_repeats: 2/' \
  -e 's/^  background_k: [0-9]*$/  background_k: 4/' -e 's/^  kernel_budget: [0-9]*$/  kernel_budget: 64/' -e 's/n_estimators: [0-9]*,/n_estimators: 15,/' "$W/fast.yaml"
if make -s --no-print-directory report BUILD="$BUILD" DATA="$REAL" INTERIM="$D/i" OUT="$D/out" SYNTH_DIR="$D/s" \
  PARAMS="$W/fast.yaml" >"$W/dag.log" 2>&1; then
  I=$D/i V=$W/v
  mkdir -p "$V/eda" "$V/corr" "$V/fig" "$V/train" "$V/models" "$V/evaluate" "$V/explain" "$V/segment" "$V/out"
  cp -r "$D/out/figures" "$V/out/"
  F=$W/fast.yaml
  vg eda --params "$F" --clean "$I/clean" --customers "$I/customers.tsv" --out "$V/eda" --figures "$V/fig" --kv "$V/eda.kv"
  vg corr --params "$F" --in "$I/customers.tsv" --out "$V/corr" --figures "$V/fig" --kv "$V/corr.kv"
  vg train --params "$F" --in "$I/customers.tsv" --out "$V/train" --kv "$V/train.kv" --models "$V/models"
  vg evaluate --params "$F" --scores "$I/train/scores_test.tsv" --train-kv "$I/train.kv" --out "$V/evaluate" \
    --figures "$V/fig" --kv "$V/metrics.kv"
  vg explain --params "$F" --in "$I/customers.tsv" --model "$I/models/tree.pipeline" --split "$I/train/split.tsv" \
    --out "$V/explain" --figures "$V/fig" --kv "$V/explain.kv"
  mkdir -p "$V/explain_xgb"
  vg explain --params "$F" --in "$I/customers.tsv" --model "$I/models/xgb.pipeline" --split "$I/train/split.tsv" \
    --out "$V/explain_xgb" --figures "$V/fig" --kv "$V/explain_xgb.kv"
  vg segment --params "$F" --in "$I/customers.tsv" --split "$I/train/split.tsv" --model "$I/models/tree.pipeline" \
    --profit "$I/clean/profit.tsv" --shap "$V/explain/shap.tsv" --drivers "$V/explain/drivers.tsv" \
    --out "$V/segment" --figures "$V/fig" --kv "$V/segment.kv"
  vg predict --params "$F" --model "$I/models/xgb.pipeline" --table "$I/customers.tsv" --out "$V/predict.tsv"
  vg report --params "$F" --interim "$I" --out "$V/out" --template report/report.md \
    --parts 'data eda corr train evaluate explain segment' --data-dir "$REAL" --synthetic 0 --version test --commit test
else
  FAIL=$((FAIL + 1))
  echo "  FAIL make report (the plain run the later stages read):"; tail -5 "$W/dag.log"
fi
echo "valgrind: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
