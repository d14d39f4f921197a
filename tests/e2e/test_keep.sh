#!/usr/bin/env bash
# Never lose the last good result: a stage that fails (a bad param, bad data, a
# full disk, an interrupt) leaves every output of the last successful run byte
# for byte and date for date as it was, and no temporary file; the next good
# run replaces them. On the real data with a small search.
source "$(dirname "$0")/lib.sh"
need_real
P=$TMP/params.yaml
fast_study_params "$P" || exit 1
A=$TMP/a
mk() { # mk PARAMS [DATA]: the study up to train and explain, in $A
  make -s --no-print-directory SAN="$SAN" DATA="${2:-$REAL}" INTERIM="$A" OUT="$TMP/out" SYNTH_DIR="$TMP/synth" \
    PARAMS="$1" "$A/train.kv" "$A/explain.kv"
}
# Every output with its checksum and mtime, and any temporary file.
snap() { (cd "$A" && find . -type f ! -path './params/*' -printf '%p %T@ ' -exec md5sum {} \; | awk '{print $1, $2, $3}' | sort); }
temps() { find "$A" -name '*.tmp*'; }

echo "test_keep: a good run"
mk "$P" >"$TMP/log0" 2>&1 && ok "make train and explain" || { tail -5 "$TMP/log0"; bad "good run"; finish; exit 1; }
snap >"$TMP/good"
[ -f "$A/models/best.pipeline" ] && ok "best.pipeline written" || bad "no best.pipeline"

kept() { # kept WHAT: compare with the good run
  snap >"$TMP/now"
  if cmp -s "$TMP/good" "$TMP/now"; then ok "$1: every output as it was"
  else bad "$1: outputs changed: $(diff "$TMP/good" "$TMP/now" | grep '^[<>]' | head -4 | tr '\n' ' ')"; fi
  [ -z "$(temps)" ] && ok "$1: no temporary file" || bad "$1: left $(temps | tr '\n' ' ')"
}

echo "test_keep: a typo in a train param"
cp "$P" "$TMP/typo_train.yaml" && param rename "$TMP/typo_train.yaml" train.n_iter n_itr
grep -q '^  n_itr: ' "$TMP/typo_train.yaml" || bad "could not make the typo"
mk "$TMP/typo_train.yaml" >"$TMP/log1" 2>&1 && bad "train accepted n_itr" || ok "train fails: $(grep -m1 'train:' "$TMP/log1")"
kept "train, bad param"

echo "test_keep: a bad value in a clean param"
cp "$P" "$TMP/typo_clean.yaml" && param set "$TMP/typo_clean.yaml" clean.missing maybe
mk "$TMP/typo_clean.yaml" >"$TMP/log2" 2>&1 && bad "clean accepted missing: maybe" || ok "clean fails: $(grep -m1 'clean:' "$TMP/log2")"
kept "clean, bad param"

echo "test_keep: bad data"
mkdir -p "$TMP/bad"
cp "$REAL"/*.csv "$TMP/bad/"
sed -i '5s/,[0-9][0-9]*,/,много,/' "$TMP/bad/market_file.csv"
mk "$P" "$TMP/bad" >"$TMP/log3" 2>&1 && bad "load accepted a word for a number" || ok "load fails: $(grep -m1 'load:' "$TMP/log3")"
kept "bad data"

echo "test_keep: a full disk (ulimit -f) under each stage that writes much"
# A file-size limit makes the first large write fail with EFBIG, as a full
# disk does with ENOSPC; the stages run directly, on the good run's inputs.
full() { # full NAME ARGS...
  local name=$1; shift
  (ulimit -f 8; "$BIN/$name" "$@") >"$TMP/full.out" 2>"$TMP/full.err"
  local st=$?
  [ "$st" = 2 ] && ok "$name on a full disk: exit 2, $(head -1 "$TMP/full.err")" \
    || bad "$name on a full disk: exit $st, $(head -1 "$TMP/full.err")"
  kept "$name, full disk"
}
full clean --params "$P" --in "$A/load" --out "$A/clean" --quality "$A/quality.tsv" --kv "$A/clean.kv"
full train --params "$P" --in "$A/customers.tsv" --out "$A/train" --kv "$A/train.kv" --models "$A/models" \
  --times "$A/models/fit_times.tsv"
full explain --params "$P" --in "$A/customers.tsv" --model "$A/models/best.pipeline" --split "$A/train/split.tsv" \
  --out "$A/explain" --figures "$A/figures" --kv "$A/explain.kv"

echo "test_keep: an interrupt"
# SIGTERM: a job started with & in a script has SIGINT ignored, and keeps it so
# (test_outfile_signals sends SIGINT to children that reset it).
"$BIN/train" --params "$STUDY_PARAMS" --in "$A/customers.tsv" --out "$A/train" --kv "$A/train.kv" --models "$A/models" \
  --times "$A/models/fit_times.tsv" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
st=$?
[ "$st" = 143 ] && ok "train stopped by SIGTERM (exit 143)" || bad "train after SIGTERM: exit $st"
kept "train, interrupted"

echo "test_keep: the next good run replaces them"
cp "$P" "$TMP/p2.yaml" && param set "$TMP/p2.yaml" train.n_iter 12
mk "$TMP/p2.yaml" >"$TMP/log4" 2>&1 && ok "a good run with another search" || { tail -3 "$TMP/log4"; bad "good run"; }
snap >"$TMP/now"
for f in ./models/best.pipeline ./train/candidates.tsv ./train.kv ./explain/shap.tsv; do
  [ "$(grep "^$f " "$TMP/good")" != "$(grep "^$f " "$TMP/now")" ] && ok "$f replaced" || bad "$f not replaced"
done
[ "$(($(wc -l <"$A/train/candidates.tsv") - 1))" -lt 16 ] && ok "candidates.tsv is the new search's" \
  || bad "candidates.tsv still has the old search"
[ -z "$(temps)" ] && ok "no temporary file" || bad "left $(temps | tr '\n' ' ')"
finish
