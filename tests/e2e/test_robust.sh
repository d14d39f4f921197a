#!/usr/bin/env bash
# Failure modes of the stages and of the DAG:
# - a full disk under the output (a tiny tmpfs, and `ulimit -f`): the stage
#   exits 2 with one line naming the file, and leaves no temporary file and no
#   half-written output (whatever it left is byte-identical to a good run);
# - a read-only output directory (a read-only bind mount; chmod when not root;
#   chattr +i as a last resort): the same, and outputs already there stay intact;
# - `make report` interrupted with SIGINT (what Ctrl-C sends to the whole
#   process group) at several points, then rerun: no temporary file at any
#   point, and the final outputs are byte-identical to an uninterrupted run;
# - inputs truncated between runs (mid-line, mid-character, to zero bytes): a
#   clear error naming file and line; in the DAG, the stage that reads the
#   replaced file stops, and removing it lets make rebuild the same bytes.
# Stages covered: every stage but report (add new ones to STAGES and
# run_stage); report is covered by the interrupted runs. Mounts need root with CAP_SYS_ADMIN; without them
# the checks fall back or are skipped with a note.
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
P=$TMP/params.yaml
cp "$STUDY_PARAMS" "$P"
# What is tested here is how runs fail and resume, not the model: a small
# search and a cheap explanation keep the full DAG quick.
fast_params "$P" || exit 1
param set "$P" explain.kernel_budget 64 && param set "$P" explain.n_repeats 2
MOUNTS=()
cleanup() {
  local m
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
  [ -n "${IMMUTABLE:-}" ] && chattr -i "$IMMUTABLE" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
# ROBUST_KEEP=1 keeps the temporary directory for a look after a failure.
[ -n "${ROBUST_KEEP:-}" ] && trap - EXIT

# GOAL=data stops at the data stages (customers.tsv and the quality log);
# ROBUST_GOAL=data does so for the whole test, for when a later stage is
# being worked on. The default is the whole study.
make_args() { # make_args INTERIM OUT [make args...]: the command line, in MAKE_ARGS
  local i=$1 o=$2 goal=report; shift 2
  [ "${GOAL:-${ROBUST_GOAL:-report}}" = data ] && goal="$i/customers.tsv $i/quality.tsv"
  # shellcheck disable=SC2206
  MAKE_ARGS=(make -s --no-print-directory $goal SAN="$SAN" DATA="$REAL" INTERIM="$i" SYNTH_DIR="$TMP/synth"
    OUT="$o" PARAMS="$P" "$@")
}
make_report() { # make_report INTERIM OUT [make args...]
  make_args "$@"
  "${MAKE_ARGS[@]}"
}

echo "test_robust: reference run (make report on the real data)"
REF=$TMP/ref REF_OUT=$TMP/ref_out
if ! make_report "$REF" "$REF_OUT" >"$TMP/log.ref" 2>&1; then
  tail -20 "$TMP/log.ref"
  bad "uninterrupted make report"
  finish
  exit 1
fi
ok "uninterrupted make report"

STAGES="params synth load clean merge eda corr train evaluate explain segment"
# train with a tiny search here: only how it fails matters.
cp "$P" "$TMP/tiny.yaml" && param set "$TMP/tiny.yaml" train.n_iter 4 && param set "$TMP/tiny.yaml" train.folds 2
run_stage() { # run_stage NAME OUTDIR: the stage writes all its outputs into OUTDIR
  local out=$2
  case $1 in
  eda) "$BIN/eda" --params "$P" --clean "$REF/clean" --customers "$REF/customers.tsv" --out "$out" \
    --figures "$out" --kv "$out/eda.kv" ;;
  corr) "$BIN/corr" --params "$P" --in "$REF/customers.tsv" --out "$out" --figures "$out" --kv "$out/corr.kv" ;;
  train) "$BIN/train" --params "$TMP/tiny.yaml" --in "$REF/customers.tsv" --out "$out" --kv "$out/train.kv" \
    --models "$out" ;;
  evaluate) "$BIN/evaluate" --params "$P" --scores "$REF/train/scores_test.tsv" --train-kv "$REF/train.kv" \
    --out "$out" --figures "$out" --kv "$out/metrics.kv" ;;
  explain) "$BIN/explain" --params "$P" --in "$REF/customers.tsv" --model "$REF/models/tree.pipeline" \
    --split "$REF/train/split.tsv" --out "$out" --figures "$out" --kv "$out/explain.kv" ;;
  segment) "$BIN/segment" --params "$P" --in "$REF/customers.tsv" --split "$REF/train/split.tsv" \
    --model "$REF/models/tree.pipeline" --profit "$REF/clean/profit.tsv" --shap "$REF/explain/shap.tsv" \
    --drivers "$REF/explain/drivers.tsv" --out "$out" --figures "$out" --kv "$out/segment.kv" ;;
  params) "$BIN/params" --params "$P" --out "$out" ;;
  synth) "$BIN/synth" --params "$P" --n 300 --out "$out" ;;
  load) "$BIN/load" --params "$P" --in "$REAL" --out "$out" --kv "$out/load.kv" ;;
  clean) "$BIN/clean" --params "$P" --in "$REF/load" --out "$out" --quality "$out/quality.tsv" --kv "$out/clean.kv" ;;
  merge) "$BIN/merge" --params "$P" --in "$REF/clean" --out "$out/customers.tsv" --kv "$out/merge.kv" ;;
  esac
}
# What each stage writes when nothing goes wrong: the yardstick for "complete".
for s in $STAGES; do
  mkdir -p "$TMP/good/$s"
  run_stage "$s" "$TMP/good/$s" >/dev/null 2>"$TMP/err" || bad "$s into a good directory: $(cat "$TMP/err")"
done

no_tmp() { [ -z "$(find "$@" \( -name '*.tmp.*' -o -name '*.tmp' \) 2>/dev/null)" ]; }
# failed_cleanly WHAT STAGE DIR RC REASON: exit 2, last stderr line
# "STAGE: DIR/...: ...REASON", no temporary file, every file left in DIR
# identical to the good run's.
failed_cleanly() {
  local what=$1 s=$2 dir=$3 rc=$4 reason=$5 msg f
  msg=$(tail -1 "$TMP/err")
  if [ "$rc" != 2 ]; then bad "$what: $s exits $rc, expected 2 ($msg)"; return; fi
  case $msg in
  "$s: $dir/"*": $reason") ;;
  *) bad "$what: $s: expected \"$s: $dir/...: $reason\", found: $msg"; return ;;
  esac
  if ! no_tmp "$dir"; then bad "$what: $s left a temporary file: $(find "$dir" -name '*.tmp.*' | head -3)"; return; fi
  for f in $(cd "$dir" && find . -type f); do
    if ! cmp -s "$dir/$f" "$TMP/good/$s/$f"; then bad "$what: $s left a half-written $f"; return; fi
  done
  ok "$what: $s: $msg"
}

# ---------------------------------------------------------------- full disk
echo "test_robust: a full disk under the output"
FULL=$TMP/full
mkdir -p "$FULL"
if mount -t tmpfs -o size=8k tmpfs "$FULL" 2>/dev/null; then
  MOUNTS+=("$FULL")
  umount "$FULL"
  for s in $STAGES; do
    # 8 KiB: two pages of tmpfs; every stage writes more than that.
    mount -t tmpfs -o size=8k tmpfs "$FULL"
    run_stage "$s" "$FULL" >/dev/null 2>"$TMP/err"
    failed_cleanly "disk full (8 KiB tmpfs)" "$s" "$FULL" $? "No space left on device"
    umount "$FULL"
  done
else
  echo "  note: cannot mount a tmpfs here (not root?): the full disk is simulated with ulimit -f only"
fi
# ulimit -f: writes past the limit fail with EFBIG (outfile ignores SIGXFSZ).
for s in $STAGES; do
  d=$TMP/fsize/$s
  mkdir -p "$d"
  (ulimit -f 8 && run_stage "$s" "$d") >/dev/null 2>"$TMP/err"
  rc=$?
  if [ "$rc" = 0 ]; then
    # Every file of this stage fits in 8 KiB: it must simply have succeeded.
    if diff -r -q "$d" "$TMP/good/$s" >/dev/null; then ok "ulimit -f 8: $s writes less than 8 KiB per file and succeeds"
    else bad "ulimit -f 8: $s succeeded with different outputs"; fi
  else
    failed_cleanly "ulimit -f 8" "$s" "$d" "$rc" "File too large"
  fi
done

# ---------------------------------------------------------------- read-only
echo "test_robust: a read-only output directory"
RO=$TMP/ro RO_SRC=$TMP/ro_src
mkdir -p "$RO" "$RO_SRC/empty" "$RO_SRC/full"
for s in $STAGES; do mkdir -p "$RO_SRC/empty/$s" && cp -r "$TMP/good/$s" "$RO_SRC/full/$s"; done
ro_how=
if [ "$(id -u)" != 0 ]; then
  chmod -R a-w "$RO_SRC" && RO=$RO_SRC && ro_how="chmod a-w" ro_reason="Permission denied"
elif mount --bind -o ro "$RO_SRC" "$RO" 2>/dev/null && ! touch "$RO/probe" 2>/dev/null; then
  MOUNTS+=("$RO")
  ro_how="read-only bind mount" ro_reason="Read-only file system"
elif chattr +i "$RO_SRC/empty/params" 2>/dev/null; then
  chattr -i "$RO_SRC/empty/params"
  RO=$RO_SRC ro_how="chattr +i" ro_reason="Operation not permitted"
fi
if [ -z "$ro_how" ]; then
  echo "  note: no way to make a directory read-only for root here (no mount, no chattr): skipped"
else
  for s in $STAGES; do
    for kind in empty full; do
      d=$RO/$kind/$s
      [ "$ro_how" = "chattr +i" ] && { IMMUTABLE=$d; chattr +i "$d"; }
      run_stage "$s" "$d" >/dev/null 2>"$TMP/err"
      rc=$?
      [ "$ro_how" = "chattr +i" ] && { chattr -i "$d"; IMMUTABLE=; }
      if [ "$rc" = 0 ] && [ "$kind" = full ] && diff -r -q "$d" "$TMP/good/$s" >/dev/null; then
        ok "read-only ($ro_how, $kind): $s has nothing to change and writes nothing"
      else
        failed_cleanly "read-only ($ro_how, $kind)" "$s" "$d" "$rc" "$ro_reason"
      fi
    done
    # The outputs of an earlier run are still all there, intact.
    diff -r -q "$RO/full/$s" "$TMP/good/$s" >/dev/null || bad "read-only: $s: earlier outputs changed"
  done
fi
[ "$ro_how" = "chmod a-w" ] && chmod -R u+w "$RO_SRC"

# ---------------------------------------------------------------- interrupted
echo "test_robust: make report interrupted by SIGINT, then rerun"
INT=$TMP/int INT_OUT=$TMP/int_out
# interrupt WHEN: start make report in its own process group (as a shell with
# job control does), and send SIGINT to the whole group, as Ctrl-C does, when
# the file WHEN exists (or after WHEN seconds if it is a number).
interrupt() {
  local when=$1 pid t=0
  set -m
  # make itself is the job (exec): no shell of the test's is left in the group
  # to take the SIGINT and run the test's EXIT trap (cleanup).
  make_args "$INT" "$INT_OUT"
  touch "$TMP/start"
  (trap - EXIT; exec "${MAKE_ARGS[@]}") >"$TMP/log.int" 2>&1 &
  pid=$!
  set +m
  # Signal make, not the shell forked to start it (which would run the
  # test's EXIT trap): wait until the job has become make.
  while kill -0 "$pid" 2>/dev/null && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^make '; do
    sleep 0.01
  done
  # A marker file counts when this run wrote it (an earlier run may have left it).
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $when =~ ^[0-9]+$ ]]; then [ "$t" -ge $((when * 10)) ] && break
    elif [ "$when" -nt "$TMP/start" ]; then break; fi
    sleep 0.1
    t=$((t + 1))
  done
  kill -INT -- "-$pid" 2>/dev/null
  wait "$pid"
  local rc=$?
  if [ "$rc" = 0 ]; then echo "  note: make report finished before the interrupt at $when"; fi
  if no_tmp "$INT" "$INT_OUT"; then ok "SIGINT at ${when#"$TMP"/}: no temporary file left"
  else bad "SIGINT at ${when#"$TMP"/}: temporary files left: $(find "$INT" "$INT_OUT" \( -name '*.tmp.*' -o -name '*.tmp' \) | head -3)"; fi
}
# same_tree NAME A B: the two trees hold the same files with the same bytes.
same_tree() {
  if diff -r -q -x .split -x sections.id -x fit_times.tsv "$2" "$3" >"$TMP/diff" 2>&1; then ok "$1"
  else bad "$1: $(head -5 "$TMP/diff" | tr '\n' ';')"; fi
}
# Each rerun resumes where the last one stopped, so the markers move on.
interrupt "$INT/params/schema.yaml"  # during params or load
interrupt "$INT/customers.tsv"       # during eda, corr or train
interrupt "$INT/train.kv"            # during evaluate, explain or the figures
interrupt "$INT/explain.kv"          # during segment or the report
if make_report "$INT" "$INT_OUT" >"$TMP/log.int" 2>&1; then ok "make report after the interruptions"
else bad "make report after the interruptions: $(tail -3 "$TMP/log.int")"; fi
same_tree "interim files byte-identical to the uninterrupted run" "$REF" "$INT"
[ -d "$REF_OUT" ] && same_tree "report outputs byte-identical to the uninterrupted run" "$REF_OUT" "$INT_OUT"

# ---------------------------------------------------------------- truncated
echo "test_robust: inputs truncated between runs"
D=$TMP/trunc O=$TMP/trunc_out
fresh() { rm -rf "$D" "$O"; mkdir -p "$D" "$O"; cp "$REAL"/*.csv "$D/"; }
# expect_fail NAME REGEX CMD...: exit 2, one stderr line matching REGEX, nothing written to $O.
expect_fail() {
  local name=$1 re=$2; shift 2
  "$@" >/dev/null 2>"$TMP/err"
  local rc=$?
  if [ "$rc" != 2 ]; then bad "$name: exit $rc, expected 2 ($(head -c 300 "$TMP/err"))"; return; fi
  if [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -qP -- "$re" "$TMP/err"; then
    bad "$name: message '$(cat "$TMP/err")' does not match /$re/"; return
  fi
  if [ -n "$(find "$O" -type f)" ]; then bad "$name: output left in $O: $(find "$O" -type f | head -3)"; return; fi
  ok "$name: $(cat "$TMP/err")"
}
load_t() { "$BIN/load" --params "$P" --in "$D" --out "$O" --kv "$O/load.kv"; }
# cut_to FILE N: keep the first N bytes.
cut_to() { head -c "$2" "$1" >"$1.cut" && mv "$1.cut" "$1"; }
# cut_row FILE LINE SEP: keep everything up to the first SEP of line LINE, so
# the file ends in a row that is short of fields.
cut_row() {
  local at
  at=$(($(head -n $(($2 - 1)) "$1" | wc -c) + $(sed -n "${2}p" "$1" | cut -d "$3" -f1 | wc -c)))
  cut_to "$1" "$at"
}

fresh; cut_row "$D/market_money.csv" 1000 ,
expect_fail "market_money.csv cut mid-row" '^load: .*market_money\.csv:1000:\d+: expected 3 fields as in the header, found 2$' load_t
fresh; off=$(grep -bo 'Снизилась' "$D/market_file.csv" | sed -n 100p | cut -d: -f1)
cut_to "$D/market_file.csv" $((off + 1))
expect_fail "market_file.csv cut inside a UTF-8 character" '^load: .*market_file\.csv:\d+:2: expected UTF-8 text, found byte 0xD0' load_t
fresh; : >"$D/money.csv"
expect_fail "money.csv truncated to zero bytes" '^load: .*money\.csv:1:1: expected a header row, found an empty file' load_t

# Interim TSV files: clean and merge read what the stage before wrote.
cp -r "$REF/load" "$TMP/load_cut"
cut_row "$TMP/load_cut/customers.tsv" 700 $'\t'
expect_fail "load/customers.tsv cut mid-line, clean" \
  '^clean: .*load_cut/customers\.tsv:700:1: expected 14 tab-separated fields as in the header, found 2$' \
  "$BIN/clean" --params "$P" --in "$TMP/load_cut" --out "$O" --quality "$O/quality.tsv" --kv "$O/clean.kv"
cp -r "$REF/clean" "$TMP/clean_cut"
cut_row "$TMP/clean_cut/revenue.tsv" 1500 $'\t'
expect_fail "clean/revenue.tsv cut mid-line, merge" \
  '^merge: .*clean_cut/revenue\.tsv:1500:1: expected 4 tab-separated fields as in the header, found 2$' \
  "$BIN/merge" --params "$P" --in "$TMP/clean_cut" --out "$O/customers.tsv" --kv "$O/merge.kv"

# In the DAG: a file replaced by a shorter one after a complete run.
cp "$INT/customers.tsv" "$TMP/customers.before"
cut_row "$INT/clean/revenue.tsv" 1500 $'\t'
# Only the data stages: merge is the one that reads the file.
GOAL=data make_report "$INT" "$INT_OUT" >"$TMP/log.trunc" 2>&1
rc=$?
[ "$rc" != 0 ] && ok "make with a truncated clean/revenue.tsv fails" || bad "make with a truncated clean/revenue.tsv succeeded"
if grep -qP "^merge: .*clean/revenue\.tsv:1500:1: expected 4 tab-separated fields" "$TMP/log.trunc"; then
  ok "merge names the truncated file and line"
else bad "merge names the truncated file and line: $(grep -v '^gnuplot' "$TMP/log.trunc" | tail -3)"; fi
# Make (.DELETE_ON_ERROR, grouped targets) may delete the old outputs of the
# failed rule, so the next run redoes it; what must not happen is a mix.
if [ ! -e "$INT/customers.tsv" ] || cmp -s "$INT/customers.tsv" "$TMP/customers.before"; then
  ok "customers.tsv is the one from before or gone, never a partial one"
else bad "customers.tsv changed after a failed merge"; fi
check "no temporary file left" no_tmp "$INT" "$INT_OUT"
rm "$INT/clean/revenue.tsv"
GOAL=data make_report "$INT" "$INT_OUT" >"$TMP/log.trunc" 2>&1 && ok "make rebuilds after the bad file is removed" \
  || bad "make report after removing the bad file: $(tail -3 "$TMP/log.trunc")"
same_tree "interim files byte-identical to the uninterrupted run again" "$REF" "$INT"
finish
