#!/usr/bin/env bash
# The evaluate stage on scores files shaped as train writes them: a hand-computed
# six-row case, the sklearn 1.2 fixture of tests/oracle/evaluate.py (metrics,
# both threshold rules, curves, calibration, gains), the kv keys the report
# cites, byte-identical reruns, one-line errors, and the Make rule.
source "$(dirname "$0")/lib.sh"
E=$BIN/evaluate
FX=tests/oracle/fixtures

help=$("$E" --help)
for o in params scores train-kv out figures kv help; do
  if grep -q -- "--$o " <<<"$help"; then ok "--help lists --$o"; else bad "--help lacks --$o"; fi
done

# params.yaml with the evaluate knobs overridden: params_with RULE BINS GROUPS > file
params_with() {
  local f=$TMP/params_with.yaml
  cp "$STUDY_PARAMS" "$f" && param set "$f" evaluate.threshold_rule "$1" && param set "$f" evaluate.calibration_bins "$2" &&
    param set "$f" evaluate.gains_groups "$3" && cat "$f"
}
# run DIR PARAMS SCORES [TRAINKV]: evaluate into DIR.
run() {
  mkdir -p "$1/fig"
  "$E" --params "$2" --scores "$3" ${4:+--train-kv "$4"} --out "$1" --figures "$1/fig" --kv "$1/metrics.kv"
}
# get FILE MODEL COLUMN: one cell of a long table whose first column is the model.
get() {
  awk -F'\t' -v m="$2" -v c="$3" 'NR==1{for(j=1;j<=NF;j++) if($j==c) k=j; next} $1==m{print $k; exit}' "$1"
}
# near NAME GOT WANT: equal to 1e-12 (relative above 1).
near() {
  if awk -v a="$2" -v b="$3" 'BEGIN{d=a-b; if(d<0)d=-d; m=b<0?-b:b; exit !(a!="" && d<=1e-12*(m>1?m:1))}'; then
    ok "$1 = $2"
  else
    bad "$1: got '$2', want $3"
  fi
}

# ---- a case small enough to compute by hand ------------------------------
# Ranked by best: .8+ .7+ .6- .45+ .4+ .3- .2+ .1- (5 positives, 3 negatives).
H=$TMP/hand
mkdir -p "$H"
printf 'id\ty\tbest\tknn\n' >"$H/scores.tsv"
paste <(seq 8) <(printf '%s\n' 1 1 0 1 1 0 1 0) <(printf '%s\n' .8 .7 .6 .45 .4 .3 .2 .1) \
  <(printf '%s\n' .2 .3 .4 .55 .6 .7 .8 .9) >>"$H/scores.tsv"
params_with youden 2 2 >"$H/youden.yaml"
params_with max_f1 2 2 >"$H/maxf1.yaml"
printf 'best_family\tknn\nn_test\t8\n' >"$H/train.kv"
if run "$H/y" "$H/youden.yaml" "$H/scores.tsv" "$H/train.kv"; then ok "hand case runs"; else bad "hand case fails"; fi
M=$H/y/metrics.tsv
# Pairs ordered right: 3 + 3 + 2 + 2 + 1 of 15; knn is the reverse order.
near "hand roc_auc 11/15" "$(get "$M" best roc_auc)" 0.73333333333333328
near "hand reversed roc_auc 4/15" "$(get "$M" knn roc_auc)" 0.26666666666666666
# Precision at each positive: 1, 1, 3/4, 4/5, 5/7.
near "hand average precision" "$(get "$M" best average_precision)" 0.85285714285714287
# Squared errors .04 .09 .36 .3025 .36 .09 .64 .01.
near "hand brier 1.8925/8" "$(get "$M" best brier)" 0.2365625
near "hand log-loss" "$(get "$M" best log_loss)" \
  "$(awk 'BEGIN{printf "%.17g", -(log(.8)+log(.7)+log(.4)+log(.45)+log(.4)+log(.7)+log(.2)+log(.9))/8}')"
# At 0.5: .8 .7 .6 predicted positive: tp 2, fp 1, fn 3, tn 2.
near "hand accuracy at 0.5" "$(get "$M" best accuracy_05)" 0.5
near "hand precision at 0.5" "$(get "$M" best precision_05)" 0.66666666666666663
near "hand F1 at 0.5" "$(get "$M" best f1_05)" 0.5
# Youden: J = 4/5 - 1/3 at 0.4 is the largest (0.4 at 0.7, 1/3 at 0.2).
near "hand Youden threshold" "$(get "$M" best threshold)" 0.4
near "hand Youden J 7/15" "$(get "$M" best threshold_score)" 0.46666666666666667
near "hand accuracy at 0.4" "$(get "$M" best accuracy)" 0.75
near "hand precision at 0.4" "$(get "$M" best precision)" 0.8
near "hand F1 at 0.4" "$(get "$M" best f1)" 0.8
if grep -qP '^best\t1\t0\.40000000000000002\t0\t0\t2$' "$H/y/confusion.tsv" &&
   grep -qP '^best\t1\t0\.40000000000000002\t1\t1\t4$' "$H/y/confusion.tsv" &&
   grep -qP '^best\t0\t0\.5\t1\t0\t3$' "$H/y/confusion.tsv" &&
   [ "$(wc -l <"$H/y/confusion.tsv")" = 17 ]; then
  ok "hand confusion cells (tn 2, tp 4 at 0.4; fn 3 at 0.5)"
else
  bad "hand confusion cells: $(tr '\n' ' ' <"$H/y/confusion.tsv")"
fi
# Two bins: (0, .5] holds .45 .4 .3 .2 .1 (three positives), (.5, 1] .8 .7 .6.
C=$H/y/calibration.tsv
if [ "$(awk -F'\t' '$1=="best"' "$C" | wc -l)" = 2 ]; then ok "hand calibration: 2 bins"; else bad "hand calibration bins"; fi
near "hand calibration bin 1 mean" "$(get "$C" best mean_pred)" 0.29
near "hand calibration bin 1 positives" "$(get "$C" best frac_pos)" 0.6
# Two groups: the top half .8 .7 .6 .45 holds 3 of the 5 positives.
near "hand top-half gain 3/5" "$(get "$H/y/gains.tsv" best cum_gain)" 0.6
near "hand top-half lift (3/4)/(5/8)" "$(get "$H/y/gains.tsv" best lift)" 1.2
K=$H/y/metrics.kv
near "kv test_roc_auc" "$(kvget "$K" test_roc_auc)" 0.73333333333333328
near "kv threshold" "$(kvget "$K" threshold)" 0.4
near "kv knn_roc_auc" "$(kvget "$K" knn_roc_auc)" 0.26666666666666666
for k in test_roc_auc_ci_low test_roc_auc_ci_high test_average_precision test_log_loss test_brier test_f1 \
         test_f1_05 knn_roc_auc_ci_low knn_average_precision knn_threshold n_test n_test_pos; do
  if [ -n "$(kvget "$K" $k)" ]; then ok "kv has $k"; else bad "kv lacks $k"; fi
done
if [ "$(kvget "$K" threshold_rule)" = youden ]; then ok "kv threshold_rule youden"; else bad "kv threshold_rule"; fi
if [ "$(kvget "$K" best_family)" = knn ]; then ok "kv best_family from train.kv"; else bad "kv best_family"; fi
if [ "$(kvget "$K" test_tp)/$(kvget "$K" test_fp)/$(kvget "$K" test_fn)/$(kvget "$K" test_tn)" = 4/1/1/2 ]; then
  ok "kv confusion at the threshold 4/1/1/2"
else
  bad "kv confusion at the threshold"
fi
run "$H/f" "$H/maxf1.yaml" "$H/scores.tsv" >/dev/null
# Max F1: at 0.2, P = 5/7 and R = 1 give F1 = 5/6 (0.8 at 0.4).
near "hand max-F1 threshold" "$(get "$H/f/metrics.tsv" best threshold)" 0.2
near "hand max F1 5/6" "$(get "$H/f/metrics.tsv" best f1)" 0.83333333333333337
near "hand recall at 0.2" "$(get "$H/f/metrics.tsv" best recall)" 1
if [ "$(kvget "$H/f/metrics.kv" threshold_rule)" = max_f1 ]; then ok "kv threshold_rule max_f1"; else bad "kv rule"; fi
if [ -z "$(kvget "$H/f/metrics.kv" best_family)" ]; then ok "no train.kv, no best_family"; else bad "best_family"; fi

# The figures' variables: legends with AUC, the chosen threshold's ROC point.
G=$(worded "$H/y/fig/roc_test")
if grep -qx 'families = "knn"' "$G" &&
   grep -qx 'label_best = "Выбранная модель (k ближайших соседей): AUC 0,733 \[0,[0-9]*; [01],[0-9]*\]"' "$G" &&
   grep -qx 'thr_x = "0.33333333333333331"' "$G" && grep -qx 'thr_y = "0.80000000000000004"' "$G" &&
   grep -qx 'thr_label = "Порог 0,400 по индексу Юдена"' "$G"; then
  ok "roc_test.gpv: families, legend, threshold point (1/3, 0.8)"
else
  bad "roc_test.gpv: $(cat "$G")"
fi
G=$(worded "$H/f/fig/confusion_test")
if grep -qx 'title1 = "Порог 0,200 по максимуму F1"' "$G" && grep -qx 'class1 = "Активность снизилась"' "$G"; then
  ok "confusion_test.gpv: rule and class names"
else
  bad "confusion_test.gpv: $(cat "$G")"
fi
if [ "$(awk -F'\t' '$1=="best" && $3==0' "$H/y/fig/gains_test.tsv" | cut -f9,10)" = "$(printf '0\t0')" ]; then
  ok "gains_test.tsv starts at the origin"
else
  bad "gains_test.tsv origin"
fi
# A family train did not search has an empty column: left out, not an error.
awk -F'\t' -v OFS='\t' '{print $0, (NR == 1 ? "svc" : "")}' "$H/scores.tsv" >"$H/nosvc.tsv"
if run "$H/n" "$H/youden.yaml" "$H/nosvc.tsv" && ! grep -q '^svc' "$H/n/metrics.tsv" &&
   ! grep -q '^svc_roc_auc' "$H/n/metrics.kv" && grep -qx 'families = "knn"' "$H/n/fig/pr_test.gpv"; then
  ok "an empty family column is left out"
else
  bad "empty family column"
fi

# ---- the sklearn fixture ----------------------------------------------------
# cmp_expected RULE DIR: every value of evaluate_expected.tsv for RULE (and
# "any") against metrics.tsv (wide) and confusion.tsv (cells).
cmp_expected() {
  awk -F'\t' -v rule="$1" '
    function bad(m) { nbad++; if (nbad <= 5) print "  mismatch " m > "/dev/stderr" }
    function near(a, b) { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return a != "" && d <= 1e-12 * (m > 1 ? m : 1) }
    FILENAME == ARGV[1] { if (FNR > 1 && ($1 == "any" || $1 == rule)) want[$2 SUBSEP $3] = $4; next }
    FILENAME == ARGV[2] { if (FNR == 1) { for (j = 2; j <= NF; j++) col[j] = $j; next }
                          for (j = 2; j <= NF; j++) got[$1 SUBSEP col[j]] = $j; next }
    FNR > 1 { cell = ($4 == 0 ? ($5 == 0 ? "tn" : "fp") : ($5 == 0 ? "fn" : "tp"))
              if ($2 == 1) got[$1 SUBSEP cell] = $6 }
    END { for (k in want) { n++; if (!near(got[k], want[k])) { split(k, p, SUBSEP); bad(p[1] " " p[2] ": " got[k] " vs " want[k]) } }
          print n, nbad + 0 }' "$FX/evaluate_expected.tsv" "$2/metrics.tsv" "$2/confusion.tsv"
}
# cmp_curve NAME GOT WANT COLS...: same rows in order, given columns equal to 1e-12.
cmp_curve() {
  local name=$1 got=$2 want=$3; shift 3
  local res
  res=$(awk -F'\t' -v cols="$*" '
    function near(a, b) { if (a == "" || b == "") return a == b; d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return d <= 1e-12 * (m > 1 ? m : 1) }
    BEGIN { nc = split(cols, cn, " ") }
    FNR == 1 { for (j = 1; j <= NF; j++) idx[FILENAME == ARGV[1], $j] = j; next }
    FILENAME == ARGV[1] { ng++; for (c = 1; c <= nc; c++) g[ng, c] = $idx[1, cn[c]]; gm[ng] = $1; next }
    { nw++; for (c = 1; c <= nc; c++) if (!near(g[nw, c], $idx[0, cn[c]]) || gm[nw] != $1) { nbad++; if (nbad < 4) print "  row " nw " " $1 " " cn[c] ": " g[nw, c] " vs " $idx[0, cn[c]] > "/dev/stderr" } }
    END { print nw + 0, ng + 0, nbad + 0 }' "$got" "$want")
  set -- $res
  if [ "$1" -gt 0 ] && [ "$1" = "$2" ] && [ "$3" = 0 ]; then ok "$name: $1 rows as sklearn"; else bad "$name: want $1 rows, got $2, $3 differ"; fi
}

F=$TMP/fx
params_with youden 10 10 >"$TMP/y10.yaml"
params_with max_f1 10 10 >"$TMP/f10.yaml"
if run "$F/y" "$TMP/y10.yaml" "$FX/evaluate_scores.tsv"; then ok "fixture runs (youden)"; else bad "fixture fails"; fi
run "$F/f" "$TMP/f10.yaml" "$FX/evaluate_scores.tsv" || bad "fixture fails (max_f1)"
for rule in youden max_f1; do
  d=$F/y; [ $rule = max_f1 ] && d=$F/f
  set -- $(cmp_expected $rule "$d")
  if [ "${1:-0}" = 115 ] && [ "$2" = 0 ]; then ok "$rule: $1 metrics and confusion cells equal sklearn's"; else bad "$rule: ${2:-?} of ${1:-?} differ"; fi
done
cmp_curve "ROC curves" "$F/y/roc.tsv" "$FX/evaluate_roc.tsv" fpr tpr threshold
cmp_curve "PR curves" "$F/y/pr.tsv" "$FX/evaluate_pr.tsv" recall precision threshold
cmp_curve "calibration curves" "$F/y/calibration.tsv" "$FX/evaluate_calib.tsv" mean_pred frac_pos
cmp_curve "gains" "$F/y/gains.tsv" "$FX/evaluate_gains.tsv" group n n_pos cum_gain cum_lift lift
near "kv test_roc_auc is best's" "$(kvget "$F/y/metrics.kv" test_roc_auc)" "$(get "$F/y/metrics.tsv" best roc_auc)"
near "kv tree_roc_auc" "$(kvget "$F/y/metrics.kv" tree_roc_auc)" "$(get "$F/y/metrics.tsv" tree roc_auc)"
near "kv svc_roc_auc_ci_high" "$(kvget "$F/y/metrics.kv" svc_roc_auc_ci_high)" "$(get "$F/y/metrics.tsv" svc ci_high)"
if [ "$(kvget "$F/y/metrics.kv" top_test_family)" = tree ]; then ok "top_test_family tree"; else bad "top_test_family"; fi
run "$F/y2" "$TMP/y10.yaml" "$FX/evaluate_scores.tsv"
check "byte-identical rerun" diff -r "$F/y" "$F/y2"

# ---- errors: one line, exit 1 for params and 2 for data, no outputs left --
X=$TMP/err
mkdir -p "$X/out"
sed 's/^1\t1\t/1\t2\t/' "$H/scores.tsv" >"$X/y2.tsv"
expect "label 2" 2 '^evaluate: .*y2.tsv:2: expected y 0 or 1, found 2$' run "$X/out" "$STUDY_PARAMS" "$X/y2.tsv"
cut -f1,2,4 "$H/scores.tsv" >"$X/nobest.tsv"
expect "no best column" 2 '^evaluate: .*expected numeric columns "y" and "best"' run "$X/out" "$STUDY_PARAMS" "$X/nobest.tsv"
sed 's/\t\.8\t\.2$/\t1.5\t.2/' "$H/scores.tsv" >"$X/p15.tsv"
expect "probability 1.5" 2 '^evaluate: .*p15.tsv:2: expected a probability in \[0, 1\] in column best, found 1\.5$' \
  run "$X/out" "$H/youden.yaml" "$X/p15.tsv"
awk -F'\t' -v OFS='\t' 'NR==1 || $2==1' "$H/scores.tsv" >"$X/onlypos.tsv"
expect "one class" 2 '^evaluate: .*model best: .*2 rows of each class' run "$X/out" "$H/youden.yaml" "$X/onlypos.tsv"
expect "more groups than rows" 2 'gains_groups = 10 rows, found 8' run "$X/out" "$STUDY_PARAMS" "$H/scores.tsv"
awk -F'\t' -v OFS='\t' '{print $0, (NR == 1 ? "svc" : NR == 3 ? "0.5" : "")}' "$H/scores.tsv" >"$X/partsvc.tsv"
expect "a family column with gaps" 2 '^evaluate: .*partsvc.tsv:2: expected a probability in \[0, 1\] in column svc, found an empty cell$' \
  run "$X/out" "$H/youden.yaml" "$X/partsvc.tsv"
expect "missing scores" 2 '^evaluate: .*nofile.tsv' run "$X/out" "$STUDY_PARAMS" "$X/nofile.tsv"
params_with median 10 10 >"$X/rule.yaml"
expect "bad threshold rule" 1 'rule.yaml:[0-9]+:[0-9]+: .*evaluate.threshold_rule' run "$X/out" "$X/rule.yaml" "$H/scores.tsv"
params_with youden 1 10 >"$X/bins.yaml"
expect "one calibration bin" 1 'bins.yaml:[0-9]+:[0-9]+: .*evaluate.calibration_bins' run "$X/out" "$X/bins.yaml" "$H/scores.tsv"
cp "$STUDY_PARAMS" "$X/key.yaml" && param add "$X/key.yaml" evaluate.ci_level 'level: 1'
expect "unknown key" 1 'key.yaml:[0-9]+:3: .*evaluate.level' run "$X/out" "$X/key.yaml" "$H/scores.tsv"
expect "unknown option" 1 '^evaluate: unknown option' "$E" --rule youden
if [ -z "$(ls -A "$X/out/fig")" ] && [ "$(ls -A "$X/out")" = fig ]; then ok "failed runs leave no outputs"; else bad "left: $(ls -R "$X/out")"; fi
if [ -z "$(find "$TMP" -name '*.tmp.*')" ]; then ok "no temporary files left"; else bad "temporary files left"; fi

# ---- the Make rule: train's outputs taken as they are ----------------------
MI=$TMP/interim
mkdir -p "$MI/train"
cp "$FX/evaluate_scores.tsv" "$MI/train/scores_test.tsv"
printf 'best_family\tlogreg\n' >"$MI/train.kv"
mk() { make --no-print-directory INTERIM="$MI" SAN="${SAN:-0}" -o "$MI/train/scores_test.tsv" -o "$MI/train.kv" "$@"; }
if mk "$MI/metrics.kv" >"$TMP/make.log" 2>&1; then ok "make builds metrics.kv"; else bad "make: $(tail -3 "$TMP/make.log")"; fi
for f in metrics roc pr confusion calibration gains; do
  if [ -s "$MI/evaluate/$f.tsv" ]; then ok "make wrote evaluate/$f.tsv"; else bad "no evaluate/$f.tsv"; fi
done
# The figures through mk/figures.mk's pattern rule.
figs=$(printf "$TMP/out/figures/%s_test.png " roc pr calibration gains confusion)
if mk OUT="$TMP/out" $figs >"$TMP/fig.log" 2>&1; then ok "make renders the five figures"; else bad "figures: $(tail -3 "$TMP/fig.log")"; fi
for f in $figs; do
  if [ "$(head -c 8 "$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok "$(basename "$f") is a PNG"; else bad "$(basename "$f")"; fi
done
if ! grep -qi 'warning' "$TMP/fig.log"; then ok "gnuplot without warnings"; else bad "gnuplot warns: $(grep -i warning "$TMP/fig.log" | head -2)"; fi
if [ "$(kvget "$MI/metrics.kv" best_family)" = logreg ]; then ok "make passes train.kv"; else bad "best_family via make"; fi
# The chosen pipeline (logreg) against the three other families, paired DeLong
# (the arithmetic is unit-tested against tests/oracle/delong.py): a p-value and
# a difference for each, none for logreg itself, and the tallies agree with them.
M=$MI/metrics.kv
if [ -z "$(kvget "$M" logreg_delong_p)" ] && [ "$(kvget "$M" n_compared)" = 3 ] &&
   for f in knn tree svc; do awk -v p="$(kvget "$M" ${f}_delong_p)" 'BEGIN {exit !(p > 0 && p <= 1)}' || exit 1; done; then
  ok "DeLong: the chosen logreg against knn, tree and svc"
else
  bad "DeLong keys: $(grep -E 'delong|compared' "$M" | tr '\n' ' ')"
fi
tied=0; beaten=0
for f in knn tree svc; do
  p=$(kvget "$M" ${f}_delong_p) d=$(kvget "$M" ${f}_delong_diff)
  awk -v p="$p" 'BEGIN {exit !(p >= 0.05)}' && tied=$((tied + 1))
  awk -v p="$p" -v d="$d" 'BEGIN {exit !(p < 0.05 && d > 0)}' && beaten=$((beaten + 1))
done
[ "$(kvget "$M" n_tied)" = $tied ] && [ "$(kvget "$M" n_beaten)" = $beaten ] \
  && [ "$(kvget "$M" tied_with | grep -o '«' | wc -l)" = $tied ] \
  && ok "ties ($tied) and wins ($beaten) counted from the p-values" || bad "tallies: $(grep -E 'tied|beat' "$M" | tr '\n' ' ')"
[ "$(awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} $1 == "logreg" {print "[" $c["delong_p"] "]"}' "$MI/evaluate/metrics.tsv")" = "[]" ] \
  && ok "metrics.tsv: no p-value for the chosen family against itself" || bad "metrics.tsv delong_p of logreg"
before=$(stat -c %Y.%s "$MI/metrics.kv")
mk "$MI/metrics.kv" >"$TMP/make2.log" 2>&1
if ! grep -q 'bin/evaluate' "$TMP/make2.log" && [ "$(stat -c %Y.%s "$MI/metrics.kv")" = "$before" ]; then
  ok "make: nothing to redo on rerun"
else
  bad "make reruns evaluate: $(cat "$TMP/make2.log")"
fi
# Another rule reruns evaluate; a knob of another section does not.
cp "$STUDY_PARAMS" "$TMP/p2.yaml" && param set "$TMP/p2.yaml" evaluate.threshold_rule max_f1
mk PARAMS="$TMP/p2.yaml" "$MI/metrics.kv" >/dev/null 2>&1
if [ "$(kvget "$MI/metrics.kv" threshold_rule)" = max_f1 ]; then ok "make: evaluate.threshold_rule reruns evaluate"; else bad "rule change ignored"; fi
cp "$STUDY_PARAMS" "$TMP/p3.yaml" && param set "$TMP/p3.yaml" evaluate.threshold_rule max_f1 && param set "$TMP/p3.yaml" merge.how left
mk PARAMS="$TMP/p3.yaml" "$MI/metrics.kv" >"$TMP/make3.log" 2>&1
if ! grep -q 'bin/evaluate' "$TMP/make3.log"; then ok "make: merge.how does not rerun evaluate"; else bad "merge.how reruns evaluate"; fi
finish
