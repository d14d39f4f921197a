#!/usr/bin/env bash
# The corr stage on the real data: phi_K and its Z for every pair against the
# independent reference (tests/oracle/corr_stage.py), Pearson, Spearman and VIF
# against numpy/scipy, the flags, the heatmaps, and that editing corr.* reruns
# corr and nothing before it.
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
FIX=tests/oracle/fixtures
cp "$STUDY_PARAMS" "$TMP/params.yaml"
A=$TMP/a OUT=$TMP/out
PNGS="$OUT/figures/heatmap_pearson.png $OUT/figures/heatmap_spearman.png $OUT/figures/heatmap_phik.png"
run() { # run [make args...]: the corr outputs and figures, and what they need
  make -s --no-print-directory SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" OUT="$OUT" \
    PARAMS="$TMP/params.yaml" "$A/corr.kv" $PNGS "$@"
}
echo "test_corr: the corr stage and its figures on the real data"
run >"$TMP/log" 2>&1 && ok "make corr and its heatmaps" || { cat "$TMP/log"; bad "make corr"; finish; exit 1; }
for f in pearson spearman phik phik_z vif flags; do
  [ -s "$A/corr/$f.tsv" ] && ok "corr/$f.tsv written" || bad "corr/$f.tsv missing"
done

# cmp MATRIX FIXTURE COLUMN TOL: every pair (x, y) of the fixture, both (x, y)
# and (y, x) of the matrix, within TOL; prints "pairs bad maxdiff".
cmp_matrix() {
  awk -F'\t' -v col="$3" -v tol="$4" '
    NR == 1 { for (j = 2; j <= NF; j++) name[j] = $j; next }
    NR == FNR { for (j = 2; j <= NF; j++) M[$1 SUBSEP name[j]] = $j; next }
    FNR == 1 { next }
    { ref = $col; n++
      for (k = 0; k < 2; k++) {
        v = k ? M[$2 SUBSEP $1] : M[$1 SUBSEP $2]
        if (ref == "nan") { if (v != "") bad++; continue }
        if (v == "") { bad++; continue }
        d = v - ref; if (d < 0) d = -d; if (d > max) max = d; if (d > tol) bad++
      } }
    END { printf "%d %d %.2g\n", n, bad, max }' "$1" "$2"
}
agree() { # agree NAME MATRIX FIXTURE COLUMN TOL PAIRS
  local r; r=$(cmp_matrix "$2" "$3" "$4" "$5"); set -- "$1" "$5" "$6" $r
  [ "$4" = "$3" ] && [ "$5" = 0 ] && ok "$1: $4 pairs within $2 (max |diff| $6)" \
    || bad "$1: $4 pairs (expected $3), $5 beyond $2 (max |diff| $6)"
}
agree "phi_K vs the phik reference" "$A/corr/phik.tsv" $FIX/corr_stage_phik.tsv 3 0.01 136
agree "phi_K vs the phik reference, tight" "$A/corr/phik.tsv" $FIX/corr_stage_phik.tsv 3 1e-9 136
agree "phi_K significance Z vs the reference" "$A/corr/phik_z.tsv" $FIX/corr_stage_phik.tsv 4 1e-9 136
agree "Pearson vs numpy" "$A/corr/pearson.tsv" $FIX/corr_stage_linear.tsv 3 1e-12 78
agree "Spearman vs scipy" "$A/corr/spearman.tsv" $FIX/corr_stage_linear.tsv 4 1e-12 78
vif=$(awk -F'\t' 'NR == FNR { ref[$1] = $2; next } FNR > 1 { n++; d = $2 - ref[$1]; if (d < 0) d = -d;
  if (!($1 in ref) || d > 1e-9 * ref[$1]) bad++ } END { print n + 0, bad + 0 }' $FIX/corr_stage_vif.tsv "$A/corr/vif.tsv")
[ "$vif" = "13 0" ] && ok "VIF of 13 features vs numpy least squares (rel 1e-9)" || bad "VIF: $vif (features, bad)"
check "phi_K diagonal is 1" awk -F'\t' 'NR > 1 && $(NR) != 1 { exit 1 }' "$A/corr/phik.tsv"
check "phi_K Z diagonal is empty" awk -F'\t' 'NR > 1 && $(NR) != "" { exit 1 }' "$A/corr/phik_z.tsv"
check "phi_K matrix is 17 x 17 with the target" bash -c "[ \$(wc -l <'$A/corr/phik.tsv') = 18 ] && head -1 '$A/corr/phik.tsv' | grep -q 'Покупательская активность'"

echo "test_corr: flags and findings"
kvv() { grep -P "^$1\t" "$A/corr.kv" | cut -f2; }
[ "$(kvv flags_total)" = 0 ] && [ "$(wc -l <"$A/corr/flags.tsv")" = 1 ] && ok "no flags at the default thresholds" \
  || bad "flags at the default thresholds: $(kvv flags_total)"
[ "$(kvv phik_target_1_name)" = Страниц_за_визит ] && ok "strongest phi_K with the target: Страниц_за_визит ($(kvv phik_target_1))" \
  || bad "strongest phi_K with the target: $(kvv phik_target_1_name)"
[ "$(kvv pearson_top1_x)/$(kvv pearson_top1_y)" = Выручка_предыдущий_месяц/Выручка_текущий_месяц ] \
  && ok "strongest Pearson pair: revenue previous/current month ($(kvv pearson_top1))" || bad "strongest Pearson pair"
[ "$(kvv vif_max_name)" = Выручка_предыдущий_месяц ] && ok "largest VIF: Выручка_предыдущий_месяц ($(kvv vif_max))" \
  || bad "largest VIF: $(kvv vif_max_name)"
# Lower thresholds flag what is just below the defaults: r = 0.839 and rho =
# 0.879 of the two revenue months, VIF 4.26, phi_K 0.750 of pages per visit.
sed -e 's/^    abs_r: .*/    abs_r: 0.8/' -e 's/^    vif: .*/    vif: 4/' -e 's/^    phik_target: .*/    phik_target: 0.7/' \
  "$TMP/params.yaml" >"$TMP/low.yaml"
mkdir -p "$TMP/low/fig"
"$BIN/corr" --params "$TMP/low.yaml" --in "$A/customers.tsv" --out "$TMP/low" --figures "$TMP/low/fig" \
  --kv "$TMP/low/corr.kv" && ok "corr with lower thresholds" || bad "corr with lower thresholds"
want=$'flag\tstatistic\tfeature\tother\tthreshold
multicollinearity\tpearson\tВыручка_предыдущий_месяц\tВыручка_текущий_месяц\t0.80000000000000004
multicollinearity\tspearman\tВыручка_предыдущий_месяц\tВыручка_текущий_месяц\t0.80000000000000004
multicollinearity\tvif\tВыручка_предыдущий_месяц\t\t4
leakage\tphik\tСтраниц_за_визит\tПокупательская активность\t0.69999999999999996'
[ "$(cut -f1-4,6 "$TMP/low/flags.tsv")" = "$want" ] && ok "lower thresholds: the 4 expected flags" \
  || bad "lower thresholds: flags were $(cat "$TMP/low/flags.tsv")"

echo "test_corr: figures"
for f in $PNGS; do
  file "$f" | grep -q 'PNG image data, 1400 x 1200' && ok "$(basename "$f") is a 1400x1200 PNG" || bad "$(basename "$f"): $(file "$f")"
done
for f in pearson spearman phik; do
  g=$(worded "$A/figures/heatmap_$f")
  [ "$(grep -c '^label_' "$g")" = "$(grep -oP '^n = "\K\d+' "$g")" ] && ok "heatmap_$f: one label per row" || bad "heatmap_$f labels"
done
check "heatmap labels are the short Russian ones" grep -q '^label_0 = "Покуп. активность"$' "$(worded "$A/figures/heatmap_phik")"

echo "test_corr: reproducible, and a corr.* edit reruns corr only"
snap() { find "$A" "$OUT" -type f ! -name '.split' ! -name 'sections.id' -printf '%P %T@\n' | sort; }
cp -r "$A/corr" "$TMP/corr1"
snap >"$TMP/before"
out=$(run 2>&1)
snap >"$TMP/after"
check "a second run rewrites no file" cmp -s "$TMP/before" "$TMP/after"
[ -z "$out" ] && ok "a second run runs no command" || bad "second run printed: $out"
param set "$TMP/params.yaml" corr.thresholds.vif 4
run >/dev/null 2>&1 && ok "make after editing corr.thresholds.vif" || bad "make after editing corr.thresholds.vif"
snap >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | grep '^>' | awk '{print $2}' | grep -v '^corr/\|^corr\.kv$\|^figures/heatmap_\|^params/corr\.yaml$' | tr '\n' ' ')
[ -z "$changed" ] && ok "only corr's outputs and its figures changed" || bad "changed besides corr: $changed"
check "the flag appeared" grep -qP '^multicollinearity\tvif\tВыручка_предыдущий_месяц\t' "$A/corr/flags.tsv"
check "matrices unchanged by a threshold edit" diff -r -x flags.tsv "$TMP/corr1" "$A/corr"

echo "test_corr: bad params"
param set "$TMP/params.yaml" corr.thresholds.abs_r 1.5
line=$(grep -n '^    abs_r: 1.5$' "$TMP/params.yaml" | cut -d: -f1)
mkdir -p "$TMP/bad"
"$BIN/corr" --params "$TMP/params.yaml" --in "$A/customers.tsv" --out "$TMP/bad" --figures "$TMP/bad" \
  --kv "$TMP/bad/corr.kv" 2>"$TMP/err"
st=$?
[ "$st" = 1 ] && grep -q "params.yaml:$line:" "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ] \
  && ok "abs_r 1.5: exit 1, $(cat "$TMP/err")" || bad "abs_r 1.5: exit $st, $(cat "$TMP/err")"
[ -z "$(ls -A "$TMP/bad")" ] && ok "nothing left behind" || bad "left behind: $(ls "$TMP/bad")"
finish
