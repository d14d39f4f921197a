#!/usr/bin/env bash
# train and predict on the real data: the contract evaluate reads, the quality
# of the chosen model, the same result with 1 or 2 threads, and predict on the
# CSVs giving back the training-time probabilities to the last bit.
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
cp "$STUDY_PARAMS" "$TMP/params.yaml"
A=$TMP/a
echo "test_train: make the train outputs on the real data"
if ! make -s --no-print-directory "$A/train.kv" SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" \
  PARAMS="$TMP/params.yaml" >"$TMP/log" 2>&1; then
  cat "$TMP/log"; bad "make train.kv"; finish; exit 1
fi
ok "make train.kv"
for f in train/candidates.tsv train/leaderboard.tsv train/scores_test.tsv train/split.tsv models/best.pipeline; do
  check "$f written" test -s "$A/$f"
done
kv() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$A/train.kv"; }

check "scores_test.tsv: the contract's columns" \
  test "$(head -1 "$A/train/scores_test.tsv")" = "$(printf 'id\ty\tbest\tknn\ttree\tlogreg\tsvc\txgb')"
# 11 twin groups (22 customers identical in every feature) are units of the
# split: 1285 units, ceil(0.25 * 1285) = 322 of them in test, 323 rows.
[ "$(kv twin_groups)" = 11 ] && [ "$(kv twin_rows)" = 22 ] && [ "$(kv twins)" = groups ] \
  && ok "train.kv: 11 twin groups, 22 customers, kept as groups" || bad "twins: $(kv twin_groups) $(kv twin_rows) $(kv twins)"
[ "$(kv n_train)" = 973 ] && [ "$(kv n_test)" = 323 ] && ok "973 train / 323 test rows" \
  || bad "n_train $(kv n_train), n_test $(kv n_test)"
check "scores_test.tsv has the 323 test rows" test "$(($(wc -l <"$A/train/scores_test.tsv") - 1))" = 323
check "split.tsv: 1296 customers, 323 in test" \
  test "$(awk -F'\t' 'NR > 1 {n++; t += $2 == "test"} END {print n, t}' "$A/train/split.tsv")" = "1296 323"
# The twins, found independently: customers.tsv rows equal but for the id and the target.
awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "id") ic = i; else if ($i == "Покупательская активность") tc = i; next}
  {k = ""; for (i = 1; i <= NF; i++) if (i != ic && i != tc) k = k "\t" $i; print $ic "\t" k}' "$A/customers.tsv" |
  awk -F'\t' '{id = $1; sub(/^[^\t]*\t/, ""); g[$0] = g[$0] " " id; n[$0]++} END {for (k in g) if (n[k] > 1) print substr(g[k], 2)}' \
  >"$TMP/twins.txt"
[ "$(wc -l <"$TMP/twins.txt")" = 11 ] && ok "11 twin groups in customers.tsv" || bad "$(wc -l <"$TMP/twins.txt") twin groups"
straddles() { # straddles FILE: the twin groups whose customers FILE (id, value) puts in more than one value
  awk -F'\t' 'NR == FNR {if (FNR > 1) v[$1] = $2; next} {s = ""; for (i = 1; i <= NF; i++) if ($i in v) s = s v[$i] " ";
    split(s, a, " "); for (i in a) if (a[i] != a[1]) {print; break}}' "$1" FS=' ' "$TMP/twins.txt"
}
[ -z "$(straddles "$A/train/split.tsv")" ] && ok "no twin group straddles train and test" \
  || bad "twins split across train/test: $(straddles "$A/train/split.tsv" | head -3)"
check "folds.tsv: every training customer, 5 folds" \
  test "$(awk -F'\t' 'NR > 1 {n++; f[$2]} END {print n, length(f)}' "$A/train/folds.tsv")" = "973 5"
[ -z "$(straddles "$A/train/folds.tsv")" ] && ok "no twin group straddles two folds" \
  || bad "twins split across folds: $(straddles "$A/train/folds.tsv" | head -3)"
check "split.tsv and scores_test.tsv agree on the test ids" bash -c \
  "diff <(awk -F'\t' 'NR > 1 && \$2 == \"test\" {print \$1}' '$A/train/split.tsv' | sort) \
        <(awk -F'\t' 'NR > 1 {print \$1}' '$A/train/scores_test.tsv' | sort)"
for k in best_family best_scaler best_params best_cv_roc_auc n_candidates n_train n_test test_size folds; do
  [ -n "$(kv $k)" ] && ok "train.kv has $k" || bad "train.kv lacks $k"
done
[ "$(kv n_candidates)" -ge 100 ] && ok "at least 100 candidates ($(kv n_candidates))" \
  || bad "only $(kv n_candidates) candidates"
auc=$(kv best_test_roc_auc)
awk -v a="$auc" 'BEGIN {exit !(a >= 0.90)}' && ok "test ROC-AUC of the chosen model >= 0.90 ($auc)" \
  || bad "test ROC-AUC of the chosen model $auc < 0.90"
fams=$(awk -F'\t' 'NR > 1 {print $2}' "$A/train/leaderboard.tsv" | sort | tr '\n' ' ')
[ "$fams" = "knn logreg svc tree xgb " ] && ok "the leaderboard shows the five families" \
  || bad "the leaderboard shows: $fams"
check "candidates.tsv: one row per candidate" \
  test "$(($(wc -l <"$A/train/candidates.tsv") - 1))" = "$(kv n_candidates)"

echo "test_train: calibration"
# The chosen pipeline carries its sigmoid calibration (fitted out of fold);
# the family's own pipeline does not, and its test column is the "before".
check "best.pipeline ends with its calibration" grep -qP '^calibration\tsigmoid\t-?[0-9.e-]+\t-?[0-9.e-]+$' "$A/models/best.pipeline"
check "the family's pipeline has none" bash -c "! grep -q '^calibration' '$A/models/$(kv best_family).pipeline'"
[ "$(kv calibrated)" = 1 ] && [ "$(kv calibration)" = sigmoid ] && ok "train.kv: calibrated (sigmoid)" || bad "train.kv calibration $(kv calibration) $(kv calibrated)"
check "the calibrated best column differs from the family's raw one" \
  awk -F'\t' -v b="$(kv best_family)" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next} $3 != $c[b] {d++} END {exit !(d > 0)}' \
  "$A/train/scores_test.tsv"
check "calibration keeps the ranking (a sigmoid is monotone): the same order of the test rows" bash -c \
  "diff <(awk -F'\t' 'NR > 1 {print \$1, \$3}' '$A/train/scores_test.tsv' | sort -k2,2g -k1,1 | cut -d' ' -f1) \
        <(awk -F'\t' -v b=$(kv best_family) 'NR == 1 {for (i = 1; i <= NF; i++) c[\$i] = i; next} {print \$1, \$c[b]}' '$A/train/scores_test.tsv' | sort -k2,2g -k1,1 | cut -d' ' -f1)"

echo "test_train: twins: keep_one"
K1=$TMP/k1
mkdir -p "$K1/train" "$K1/models"
cp "$TMP/params.yaml" "$TMP/params_k1.yaml" && param set "$TMP/params_k1.yaml" train.twins keep_one
if $BIN/train --params "$TMP/params_k1.yaml" --in "$A/customers.tsv" --out "$K1/train" --kv "$K1/train.kv" \
  --models "$K1/models" 2>"$TMP/err_k1"; then ok "train with twins: keep_one"; else cat "$TMP/err_k1"; bad "keep_one"; fi
k1() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$K1/train.kv"; }
[ "$(k1 twins_dropped)" = 11 ] && [ "$(($(k1 n_train) + $(k1 n_test)))" = 1285 ] \
  && ok "keep_one: one customer per twin group fitted and scored (11 dropped)" \
  || bad "keep_one: dropped $(k1 twins_dropped), n_train $(k1 n_train), n_test $(k1 n_test)"
cmp -s "$A/train/split.tsv" "$K1/train/split.tsv" && ok "keep_one: the same sides as groups (split.tsv)" \
  || bad "keep_one changed the split"

echo "test_train: the one-standard-error rule"
# Computed here from the first run's scores: the best CV ROC-AUC less its
# standard error over the 5 folds; the first family, simplest first, whose
# best reaches it.
C=$TMP/c
mkdir -p "$C/train" "$C/models"
cp "$TMP/params.yaml" "$TMP/params_1se.yaml" && param set "$TMP/params_1se.yaml" train.choose one_se
if $BIN/train --params "$TMP/params_1se.yaml" --in "$A/customers.tsv" --out "$C/train" --kv "$C/train.kv" \
  --models "$C/models" 2>"$TMP/err_1se"; then ok "train with choose: one_se"; else cat "$TMP/err_1se"; bad "one_se"; fi
read -r bound want <<<"$(awk -F'\t' '{v[$1] = $2} END {
  b = v["best_cv_roc_auc"] - v["best_cv_roc_auc_std"] / sqrt(5); split("logreg tree knn svc", f, " ")
  for (i = 1; i <= 4; i++) if (("cv_roc_auc_" f[i]) in v && v["cv_roc_auc_" f[i]] >= b) {printf "%.17g %s\n", b, f[i]; exit}}' "$A/train.kv")"
ckv() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$C/train.kv"; }
awk -v a="$(ckv one_se_bound)" -v b="$bound" 'BEGIN {d = a - b; exit !(d < 1e-12 && d > -1e-12)}' \
  && ok "one-SE bound $bound" || bad "one_se_bound $(ckv one_se_bound), computed $bound"
[ "$(ckv best_family)" = "$want" ] && [ "$(ckv top_cv_family)" = "$(kv best_family)" ] \
  && ok "one_se hands over $want (top CV: $(ckv top_cv_family))" || bad "one_se chose $(ckv best_family), expected $want"
[ "$(ckv one_se_changed)" = "$([ "$want" = "$(kv best_family)" ] && echo 0 || echo 1)" ] \
  && ok "one_se_changed says whether the rule changed the choice" || bad "one_se_changed $(ckv one_se_changed)"
cmp -s <(grep -v '^calibration' "$C/models/best.pipeline") "$C/models/$want.pipeline" \
  && ok "best.pipeline is the $want pipeline (and its calibration)" || bad "best.pipeline is not $want's"

echo "test_train: the same result with 1 thread"
B=$TMP/b
mkdir -p "$B/train" "$B/models"
cp "$TMP/params.yaml" "$TMP/params1.yaml" && param set "$TMP/params1.yaml" train.threads 1
if $BIN/train --params "$TMP/params1.yaml" --in "$A/customers.tsv" --out "$B/train" --kv "$B/train.kv" \
  --models "$B/models" 2>"$TMP/err1"; then
  ok "train with threads: 1"
else
  cat "$TMP/err1"; bad "train with threads: 1"
fi
for f in train.kv train/leaderboard.tsv train/scores_test.tsv train/split.tsv models/best.pipeline; do
  check "$f identical with 1 and 2 threads" cmp "$A/$f" "$B/$f"
done
# Fit times are measurements, kept apart; every other output is byte-identical.
if cmp -s "$A/train/candidates.tsv" "$B/train/candidates.tsv"; then ok "candidates.tsv identical"
else bad "candidates.tsv differs: $(diff "$A/train/candidates.tsv" "$B/train/candidates.tsv" | head -4 | cut -c1-300)"; fi
check "fit_times.tsv: one time per candidate" test "$(($(wc -l <"$A/models/fit_times.tsv") - 1))" = 200
check "fit_times.tsv with the models, not among the interim files" test ! -e "$A/train/fit_times.tsv"

# reproduces PARAMS DIR FAMILY WHAT: predict with DIR's saved FAMILY pipeline
# gives its column of DIR's scores_test.tsv to the last bit.
reproduces() {
  $BIN/predict --params "$1" --model "$2/models/$3.pipeline" --table "$A/customers.tsv" --out "$TMP/pred_$3.tsv" \
    2>/dev/null
  check "the saved $4 pipeline reproduces its test column" bash -c \
    "awk -F'\t' -v f=$3 'NR == FNR {p[\$1] = \$2; next} FNR == 1 {for (i = 1; i <= NF; i++) c[\$i] = i; next}
     {n++; if (p[\$1] != \$c[f]) bad++} END {exit !(n == 323 && bad == 0)}' '$TMP/pred_$3.tsv' '$2/train/scores_test.tsv'"
}

echo "test_train: successive halving and caps"
# 973 training rows, 5 folds of about 778: with above 100, first_rows 60 and
# factor 3, 200 candidates would need 5 rounds; the round before the last may
# fit at most 778 / 3 rows: 3 rounds, 200, 67 and 23 candidates on 60 rows,
# 180 and all.
H=$TMP/h
mkdir -p "$H/train" "$H/models"
cp "$TMP/params.yaml" "$TMP/params_h.yaml"
param set "$TMP/params_h.yaml" train.halving "{above: 100, first_rows: 60, factor: 3}" &&
  param set "$TMP/params_h.yaml" train.caps "{knn: 400, tree: 0, logreg: 0, svc: 300, xgb: 0}"
if $BIN/train --params "$TMP/params_h.yaml" --in "$A/customers.tsv" --out "$H/train" --kv "$H/train.kv" \
  --models "$H/models" 2>"$TMP/err_h"; then ok "train with halving and caps"; else cat "$TMP/err_h"; bad "halving"; fi
hk() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$H/train.kv"; }
[ "$(hk halved)" = 1 ] && [ "$(hk search_rounds)" = 3 ] && [ "$(hk halving_first_rows)" = 60 ] &&
  [ "$(hk final_round_candidates)" = 23 ] && ok "3 rounds from 60 rows per fold, 23 candidates in the last" \
  || bad "halving: rounds $(hk search_rounds), first rows $(hk halving_first_rows), last $(hk final_round_candidates)"
[ "$(kv halved)" = 0 ] && [ "$(kv search_rounds)" = 1 ] && [ "$(kv cap_knn)" = 0 ] && [ "$(kv cap_svc)" = 0 ] &&
  ok "the defaults on 973 rows: one round, no cap binds" || bad "defaults: $(kv search_rounds) rounds, caps $(kv cap_knn) $(kv cap_svc)"
[ "$(hk cap_knn)" = 400 ] && [ "$(hk cap_svc)" = 300 ] && [ "$(hk cap_tree)" = 0 ] && ok "train.kv: the caps that bind" \
  || bad "caps $(hk cap_knn) $(hk cap_svc) $(hk cap_tree)"
check "candidates.tsv: per round 200 - 67, 67 - 23 and 23 candidates" test \
  "$(awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next} {n[$c["round"]]++} END {print n[1], n[2], n[3]}' \
    "$H/train/candidates.tsv")" = "133 44 23"
check "a capped family fits at most its cap, says so in its params, and the others every row" awk -F'\t' '
  NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
  $2 == "knn" && ($c["rows"] > 400 || $4 !~ / max_rows=400$/) {bad++}
  $2 == "svc" && ($c["rows"] > 300 || $4 !~ / max_rows=300$/) {bad++}
  ($2 == "tree" || $2 == "logreg") && ($4 ~ /max_rows/ || ($c["round"] == 3 && $c["rows"] < 770)) {bad++}
  END {exit bad > 0}' "$H/train/candidates.tsv"
check "the best comes from the last round" test \
  "$(awk -F'\t' -v b="$(hk best_candidate)" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next} $1 == b {print $c["round"], $c["rank"]}' \
    "$H/train/candidates.tsv")" = "3 1"
for f in knn svc; do reproduces "$TMP/params_h.yaml" "$H" $f "capped $f"; done
cp "$TMP/params.yaml" "$TMP/bad_h.yaml" && param set "$TMP/bad_h.yaml" train.halving "{above: 100, first_rows: 60, factor: 1}"
expect "halving factor 1" 1 'bad_h.yaml:[0-9]+:[0-9]+: .*train.halving.factor' \
  $BIN/train --params "$TMP/bad_h.yaml" --in "$A/customers.tsv" --out "$B/train" --kv "$B/x.kv" --models "$B/models"
cp "$TMP/params.yaml" "$TMP/bad_h.yaml" && param set "$TMP/bad_h.yaml" train.caps "{knn: 400, forest: 10}"
expect "a cap for an unknown family" 1 'bad_h.yaml:[0-9]+:[0-9]+: .*forest' \
  $BIN/train --params "$TMP/bad_h.yaml" --in "$A/customers.tsv" --out "$B/train" --kv "$B/x.kv" --models "$B/models"

echo "test_train: predict"
P=$TMP/pred.tsv
mkdir -p "$TMP/tmpdir"
if TMPDIR=$TMP/tmpdir $BIN/predict --params "$TMP/params.yaml" --model "$A/models/best.pipeline" --in "$REAL" \
  --out "$P" 2>"$TMP/err2"; then
  ok "predict --in the real CSVs"
else
  cat "$TMP/err2"; bad "predict --in the real CSVs"
fi
check "predictions for the 1296 customers" test "$(($(wc -l <"$P") - 1))" = 1296
check "predict reproduces the test probabilities to the last bit" bash -c \
  "awk -F'\t' 'NR == FNR {p[\$1] = \$2; next} FNR > 1 {n++; if (p[\$1] != \$3) bad++} END {exit !(n == 323 && bad == 0)}' \
   '$P' '$A/train/scores_test.tsv'"
$BIN/predict --params "$TMP/params.yaml" --model "$A/models/best.pipeline" --table "$A/customers.tsv" \
  --out "$TMP/pred2.tsv" 2>/dev/null
check "predict --table customers.tsv gives the same file" cmp "$P" "$TMP/pred2.tsv"
for f in knn tree logreg svc; do [ ! -f "$A/models/$f.pipeline" ] || reproduces "$TMP/params.yaml" "$A" $f $f; done
check "no temporary directory left by predict" test -z "$(ls -A "$TMP/tmpdir")"
# Next month's customers come without the target column.
mkdir -p "$TMP/new" && cp "$REAL"/*.csv "$TMP/new/" && cut -d, -f1,3- "$REAL/market_file.csv" >"$TMP/new/market_file.csv"
TMPDIR=$TMP/tmpdir $BIN/predict --params "$TMP/params.yaml" --model "$A/models/best.pipeline" --in "$TMP/new" \
  --out "$TMP/pred3.tsv" 2>"$TMP/err6" && cmp -s "$P" "$TMP/pred3.tsv" \
  && ok "predict on CSVs without the target gives the same probabilities" || bad "predict without target: $(cat "$TMP/err6")"

echo "test_train: errors"
$BIN/predict --params "$TMP/params.yaml" --model "$A/models/best.pipeline" --out "$TMP/x.tsv" 2>"$TMP/err3"
[ $? = 1 ] && grep -q 'exactly one of --in' "$TMP/err3" && ok "predict without input: exit 1" \
  || bad "predict without input: $(cat "$TMP/err3")"
cp "$TMP/params.yaml" "$TMP/bad.yaml" && param set "$TMP/bad.yaml" train.scoring auc
$BIN/train --params "$TMP/bad.yaml" --in "$A/customers.tsv" --out "$B/train" --kv "$B/x.kv" --models "$B/models" \
  2>"$TMP/err4"
[ $? = 1 ] && grep -q "bad.yaml:[0-9]*:[0-9]*:.*scoring" "$TMP/err4" && ok "bad train.scoring: exit 1 naming the line" \
  || bad "bad train.scoring: $(cat "$TMP/err4")"
sed 's/^      n_neighbors: .*/      n_neighbors: {int: [0, 10]}/' "$TMP/params.yaml" >"$TMP/bad.yaml"
$BIN/train --params "$TMP/bad.yaml" --in "$A/customers.tsv" --out "$B/train" --kv "$B/x.kv" --models "$B/models" \
  2>"$TMP/err5"
[ $? = 1 ] && grep -q "bad.yaml:[0-9]*:[0-9]*: train.spaces\[0\].n_neighbors" "$TMP/err5" \
  && ok "bad space value: exit 1 naming the line" || bad "bad space value: $(cat "$TMP/err5")"
check "a failed train leaves no kv" test ! -e "$B/x.kv"
finish
