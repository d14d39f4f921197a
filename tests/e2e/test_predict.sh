#!/usr/bin/env bash
# predict says what it did not score and why, on the real data with a small
# search: customers the cleaning dropped (count, ids, reasons), categories the
# model never saw (ids and values; an unknown level of an ordered category is
# an error naming the CSV file, line and customer), customers of the model's
# training set (in-sample). test_train checks the probabilities themselves.
source "$(dirname "$0")/lib.sh"
need_real
P=$TMP/params.yaml
fast_study_params "$P" || exit 1
A=$TMP/a
if ! make -s --no-print-directory "$A/train.kv" SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" \
  OUT="$TMP/out" PARAMS="$P" >"$TMP/log" 2>&1; then
  tail -5 "$TMP/log"; bad "train a model"; finish; exit 1
fi
M=$A/models/best.pipeline
pred() { # pred OUT ARGS...: predict with the model; stderr in $TMP/err
  local out=$1; shift
  "$BIN/predict" --params "$P" --model "$M" --out "$out" "$@" 2>"$TMP/err"
}

echo "test_predict: the study's own export"
pred "$TMP/p1.tsv" --in "$REAL" --split "$A/train/split.tsv" && ok "predict --in data/raw" || bad "predict: $(cat "$TMP/err")"
check "1296 customers scored" test "$(($(wc -l <"$TMP/p1.tsv") - 1))" = 1296
grep -q "^predict: 4 of 1300 customers not scored, dropped by cleaning as in training: 215348 (not active for three months), 215357 (not active for three months), 215359 (not active for three months), 215380 (anomalous revenue, an entry error)$" "$TMP/err" \
  && ok "the 4 dropped customers, with their reasons" || bad "dropped: $(grep -v note "$TMP/err")"
grep -q "^predict: note: 973 of 1296 customers were in the training set of this model ($A/train/split.tsv): their probabilities are in-sample" "$TMP/err" \
  && ok "973 training customers said to be in-sample" || bad "in-sample: $(cat "$TMP/err")"
check "no warning about categories" bash -c "! grep -q 'never saw' '$TMP/err'"
pred "$TMP/p1b.tsv" --table "$A/customers.tsv"
grep -q "^predict: note: 973 of 1296 customers were in the training set of this model ($A/models/../train/split.tsv)" "$TMP/err" \
  && ok "without --split: the split train wrote beside the model" || bad "default split: $(cat "$TMP/err")"

echo "test_predict: new customers only"
# Customers not in the training split: no in-sample note.
mkdir -p "$TMP/new"
cp "$REAL"/*.csv "$TMP/new/"
test_ids=$(awk -F'\t' '$2 == "test" {print $1}' "$A/train/split.tsv" | head -50 | tr '\n' '|')
for f in market_file market_money market_time money; do
  awk -F'[,;]' -v ids="|$test_ids" 'NR == 1 || index(ids, "|" $1 "|")' "$REAL/$f.csv" >"$TMP/new/$f.csv"
done
pred "$TMP/p2.tsv" --in "$TMP/new" --split "$A/train/split.tsv" && ok "predict 50 test customers" || bad "predict: $(cat "$TMP/err")"
check "50 scored" test "$(($(wc -l <"$TMP/p2.tsv") - 1))" = 50
[ ! -s "$TMP/err" ] && ok "nothing to say" || bad "said: $(cat "$TMP/err")"

echo "test_predict: a category the model never saw"
mkdir -p "$TMP/cat"
cp "$REAL"/*.csv "$TMP/cat/"
sed -i '3s/Товары для детей/Игрушки/; 7s/,Домашний текстиль,/,Игрушки,/' "$TMP/cat/market_file.csv"
pred "$TMP/p3.tsv" --in "$TMP/cat" && ok "scored anyway" || bad "predict: $(cat "$TMP/err")"
grep -q '^predict: warning: 2 customers with a "Популярная_категория" the model never saw, scored with none of its 6 known categories.*: 215349 "Игрушки", 215353 "Игрушки"$' "$TMP/err" \
  && ok "ids and values named: $(grep never "$TMP/err" | cut -c1-90)…" || bad "unseen category: $(cat "$TMP/err")"
check "1296 customers scored" test "$(($(wc -l <"$TMP/p3.tsv") - 1))" = 1296

echo "test_predict: an unknown level of an ordered category"
mkdir -p "$TMP/ord"
cp "$REAL"/*.csv "$TMP/ord/"
sed -i '14s/,премиум,/,вип,/' "$TMP/ord/market_file.csv"
id5=$(sed -n 14p "$TMP/ord/market_file.csv" | cut -d, -f1)
pred "$TMP/p4.tsv" --in "$TMP/ord"
st=$?
[ "$st" = 2 ] && ok "exit 2" || bad "exit $st"
grep -q "^predict: $TMP/ord/market_file.csv:14: customer $id5: column \"Тип сервиса\": expected one of \"стандарт\", \"премиум\" (the levels the model was trained on), found \"вип\"$" "$TMP/err" \
  && ok "names file, line, customer, column, value" || bad "said: $(cat "$TMP/err")"
check "no output written" test ! -e "$TMP/p4.tsv"

echo "test_predict: bad data names the CSV line"
mkdir -p "$TMP/bad"
cp "$REAL"/*.csv "$TMP/bad/"
sed -i '9s/,[0-9]*\r$/,пять\r/' "$TMP/bad/market_file.csv" # (CRLF line ends)
pred "$TMP/p5.tsv" --in "$TMP/bad"
st=$?
[ "$st" = 2 ] && grep -q "market_file.csv:9:[0-9]*: expected a number" "$TMP/err" && ok "exit 2: $(head -1 "$TMP/err")" \
  || bad "exit $st: $(cat "$TMP/err")"
check "no output written" test ! -e "$TMP/p5.tsv"

echo "test_predict: --split"
pred "$TMP/p6.tsv" --table "$A/customers.tsv" --split "$TMP/nope.tsv"
[ $? = 2 ] && grep -q "nope.tsv: cannot open" "$TMP/err" && ok "a --split that does not exist is an error" \
  || bad "missing --split: $(cat "$TMP/err")"
finish
