#!/usr/bin/env bash
# The explain stage on the real data and train's real pipelines: the output
# contract segment reads, additivity of every row (exact explainers to 1e-9,
# against train's own test probabilities), the importance table and the
# drivers, byte-identical reruns, the figures rendered, located errors, and
# the Make rule. KernelSHAP runs with a small budget here (the study's budget
# takes minutes).
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
X=$BIN/explain

help=$("$X" --help)
for o in params in model split out figures kv; do
  if grep -q -- "--$o " <<<"$help"; then ok "--help lists --$o"; else bad "--help lacks --$o"; fi
done

# params.yaml with a smaller search (fewer fits) and a cheap KernelSHAP.
# with EXPLAINER: the explain.explainer override.
params_with() {
  sed -e "/^train:/,/^[^ #]/{s/^  n_iter: .*/  n_iter: 40/}" \
      -e "/^explain:/,/^[^ #]/{s/^  explainer: .*/  explainer: $1/;s/^  kernel_budget: .*/  kernel_budget: 40/;s/^  background_k: .*/  background_k: 3/}" "$STUDY_PARAMS"
}
params_with auto >"$TMP/params.yaml"
A=$TMP/a
echo "test_explain: make the train outputs on the real data (40 candidates)"
if ! make -s --no-print-directory "$A/train.kv" SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" \
  PARAMS="$TMP/params.yaml" >"$TMP/log" 2>&1; then
  cat "$TMP/log"; bad "make train.kv"; finish; exit 1
fi
ok "make train.kv"

# run DIR PARAMS MODEL: explain into DIR.
run() {
  mkdir -p "$1/out" "$1/fig"
  "$X" --params "$2" --in "$A/customers.tsv" --model "$3" --split "$A/train/split.tsv" --out "$1/out" \
    --figures "$1/fig" --kv "$1/explain.kv" 2>"$1/err"
}
# additivity DIR TOL: |base + sum(phi) - output| <= TOL on every row of shap.tsv.
additivity() {
  awk -F'\t' -v tol="$2" 'NR==1{nb=NF-1; next} {s=$(NF-1); for(j=2;j<nb;j++) s+=$j; d=s-$NF; if(d<0)d=-d;
    if(d>m)m=d; n++} END{exit !(n==1296 && m<=tol)}' "$1/out/shap.tsv"
}
# output_vs_scores DIR COLUMN LOGIT: shap.tsv's output on the test rows against
# train's scores_test.tsv probability (through the logistic when LOGIT=1).
output_vs_scores() {
  awk -F'\t' -v col="$2" -v logit="$3" 'FNR==1{if(NR==1){for(j=1;j<=NF;j++)c[$j]=j}; next}
    NR==FNR{p[$1]=$c[col]; next}
    ($1 in p){o=$NF; if(logit) o=1/(1+exp(-o)); d=o-p[$1]; if(d<0)d=-d; if(d>m)m=d; n++}
    END{exit !(n==323 && m<=1e-12)}' "$A/train/scores_test.tsv" "$1/out/shap.tsv"
}
want_header=$(head -1 "$A/customers.tsv" | tr '\t' '\n' | grep -v -x -e id -e 'Покупательская активность' | paste -sd '\t')

# auto_picks FAMILY DIR EXPLAINER SPACE: FAMILY's pipeline explained into DIR
# with explainer auto, which picks EXPLAINER, working in SPACE.
auto_picks() {
  if run "$2" "$TMP/params.yaml" "$A/models/$1.pipeline"; then ok "$1 explained"; else cat "$2/err"; bad "$1"; fi
  [ "$(kvget "$2/explain.kv" explainer)" = "$3" ] && ok "auto picks $3 for $1" || bad "explainer $(kvget "$2/explain.kv" explainer)"
  [ "$(kvget "$2/explain.kv" space)" = "$4" ] && ok "$3 works in $4" || bad "space $(kvget "$2/explain.kv" space)"
}

echo "test_explain: logreg, linear SHAP in log-odds"
L=$TMP/logreg
auto_picks logreg "$L" linear log-odds
check "logreg: base + sum(phi) = output on all 1296 rows to 1e-9" additivity "$L" 1e-9
check "logreg: logistic(output) = train's test probability to 1e-12" output_vs_scores "$L" logreg 1
gap=$(kvget "$L/explain.kv" max_additivity_gap)
awk -v g="$gap" 'BEGIN{exit !(g < 1e-9)}' && ok "logreg max_additivity_gap $gap" || bad "logreg gap $gap"

echo "test_explain: xgb, XGBoost's own TreeSHAP in log-odds"
XG=$TMP/xgb
auto_picks xgb "$XG" tree_xgb log-odds
# XGBoost sums its contributions in float: additive to float precision.
check "xgb: base + sum(phi) = output on all 1296 rows to 1e-5" additivity "$XG" 1e-5

echo "test_explain: tree, path-dependent and interventional TreeSHAP"
T=$TMP/tree
if run "$T" "$TMP/params.yaml" "$A/models/tree.pipeline"; then ok "tree explained"; else cat "$T/err"; bad "tree"; fi
[ "$(kvget "$T/explain.kv" explainer)" = tree_path ] && ok "auto picks tree_path for a tree" || bad "explainer $(kvget "$T/explain.kv" explainer)"
check "tree_path: additivity to 1e-9" additivity "$T" 1e-9
check "tree_path: output = train's test probability" output_vs_scores "$T" tree 0
params_with tree_interventional >"$TMP/ti.yaml"
TI=$TMP/ti
if run "$TI" "$TMP/ti.yaml" "$A/models/tree.pipeline"; then ok "tree_interventional runs"; else cat "$TI/err"; bad "tree_interventional"; fi
check "tree_interventional: additivity to 1e-9" additivity "$TI" 1e-9
[ "$(kvget "$TI/explain.kv" n_background)" = 973 ] && ok "interventional background: the 973 training rows" \
  || bad "background $(kvget "$TI/explain.kv" n_background)"

echo "test_explain: knn, KernelSHAP over the original features"
K=$TMP/knn
auto_picks knn "$K" kernel probability
check "kernel: additivity to 1e-9 (the constraint holds)" additivity "$K" 1e-9
check "kernel: output = train's test probability" output_vs_scores "$K" knn 0
check "shap.tsv: id, the 16 features in customers.tsv order, base, output" \
  test "$(head -1 "$K/out/shap.tsv")" = "$(printf 'id\t%s\tbase\toutput' "$want_header")"
[ "$(kvget "$K/explain.kv" n_explained)" = 1296 ] && ok "1296 customers explained" || bad "n_explained"
for k in explainer space max_additivity_gap top1 top2 top3 top4 top5 n_explained; do
  [ -n "$(kvget "$K/explain.kv" $k)" ] && ok "explain.kv has $k" || bad "explain.kv lacks $k"
done
I=$K/out/importance.tsv
check "importance.tsv: header" test "$(head -1 "$I")" = "$(printf 'feature\tmean_abs_phi\tdirection\tperm_drop_mean\tperm_drop_std\trank')"
check "importance.tsv: 16 features ranked 1..16 by mean |phi|, directions in {-1,0,1}" awk -F'\t' \
  'NR>1{n++; if($6!=n) exit 1; if(NR>2 && $2>prev) exit 1; prev=$2; if($3!=1&&$3!=-1&&$3!=0) exit 1} END{exit n!=16}' "$I"
check "importance.tsv: the unordered category has direction 0" \
  awk -F'\t' '$1=="Популярная_категория"{f=1; exit $3!=0} END{exit !f}' "$I"
check "explain.kv top1 is importance rank 1" test "$(kvget "$K/explain.kv" top1)" = "$(awk -F'\t' 'NR==2{print $1}' "$I")"
D=$K/out/drivers.tsv
check "drivers.tsv: header" test "$(head -1 "$D")" = "$(printf 'id\trank\tfeature\tvalue\tphi')"
check "drivers.tsv: ranks 1..3 in order, phi > 0 and decreasing" awk -F'\t' \
  'NR>1{if($1!=id){id=$1; r=0; prev=1e300} r++; if($2!=r || r>3 || !($5>0) || $5>prev) exit 1; prev=$5}' "$D"
check "drivers.tsv: phi equals the customer's shap.tsv value" awk -F'\t' \
  'NR==FNR{if(FNR==1){for(j=1;j<=NF;j++)c[$j]=j; next} for(f in c) v[$1,f]=$c[f]; next}
   FNR>1{if(v[$1,$3]!=$5) exit 1}' "$K/out/shap.tsv" "$D"

echo "test_explain: rerun and figures"
K2=$TMP/knn2
run "$K2" "$TMP/params.yaml" "$A/models/knn.pipeline"
for f in out/shap.tsv out/drivers.tsv out/importance.tsv explain.kv fig/shapbee_test.tsv fig/shapwf_top.gpv; do
  check "$f byte-identical on a rerun" cmp "$K/$f" "$K2/$f"
done
for f in shapbee_test shapbar_test shapdep_1 shapdep_2 shapdep_3 shapdep_4 shapwf_top; do
  t=${f%%_*}
  check "figure $f renders" gnuplot -e "base=\"$K/fig/$f\"; out=\"$TMP/$f.png\"" "report/figures/$t.gp"
done

echo "test_explain: errors"
params_with linear >"$TMP/lin.yaml"
run "$TMP/e1" "$TMP/lin.yaml" "$A/models/tree.pipeline"; rc=$?
[ $rc = 1 ] && grep -q "linear cannot explain a tree" "$TMP/e1/err" && ok "linear on a tree: exit 1, says why" \
  || bad "linear on a tree: rc $rc, $(cat "$TMP/e1/err")"
check "a failed run leaves no outputs" test ! -e "$TMP/e1/out/shap.tsv" -a ! -e "$TMP/e1/explain.kv"
mkdir -p "$TMP/e2/out" "$TMP/e2/fig"
"$X" --params "$TMP/params.yaml" --in "$A/customers.tsv" --model "$A/models/tree.pipeline" --split "$TMP/none.tsv" \
  --out "$TMP/e2/out" --figures "$TMP/e2/fig" --kv "$TMP/e2/explain.kv" 2>"$TMP/e2/err"; rc=$?
[ $rc = 2 ] && grep -q "^explain: .*none.tsv" "$TMP/e2/err" && ok "missing split: exit 2 naming the file" \
  || bad "missing split: rc $rc, $(cat "$TMP/e2/err")"
cp "$TMP/params.yaml" "$TMP/bad.yaml" && param set "$TMP/bad.yaml" explain.n_repeats 0
run "$TMP/e3" "$TMP/bad.yaml" "$A/models/tree.pipeline"; rc=$?
[ $rc = 1 ] && grep -q "bad.yaml:[0-9]*:[0-9]*: explain.n_repeats" "$TMP/e3/err" && ok "n_repeats 0: exit 1 at its line" \
  || bad "n_repeats 0: rc $rc, $(cat "$TMP/e3/err")"

echo "test_explain: the Make rule and the PNGs"
if make -s --no-print-directory "$A/explain.kv" "$TMP/out/figures/shapbee_test.png" "$TMP/out/figures/shapwf_top.png" \
  SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" OUT="$TMP/out" PARAMS="$TMP/params.yaml" >"$TMP/log" 2>&1; then
  ok "make explain.kv and two PNGs"
else
  cat "$TMP/log"; bad "make explain.kv"
fi
check "shapbee_test.png is a PNG" bash -c "file '$TMP/out/figures/shapbee_test.png' | grep -q PNG"
mk() { make -s --no-print-directory "$A/explain.kv" SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" \
  PARAMS="$TMP/params.yaml" >"$TMP/log" 2>&1; }
t0=$(stat -c %y "$A/explain.kv"); tt=$(stat -c %y "$A/train.kv")
mk
[ "$(stat -c %y "$A/explain.kv")" = "$t0" ] && ok "a second make leaves explain.kv alone" || bad "explain reran for nothing"
param set "$TMP/params.yaml" explain.top_k 2
mk
[ "$(stat -c %y "$A/explain.kv")" != "$t0" ] && ok "an explain.top_k edit reruns explain" || bad "explain did not rerun"
[ "$(stat -c %y "$A/train.kv")" = "$tt" ] && ok "... and not train" || bad "train reran after an explain edit"
check "top_k 2: at most 2 drivers per customer" awk -F'\t' 'NR>1 && $2>2{exit 1}' "$A/explain/drivers.tsv"
finish
