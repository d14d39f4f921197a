#!/usr/bin/env bash
# Stage eda and the figures on the real data: the findings, the statistics
# against awk, one PNG per listed figure, and that Make reruns exactly what a
# change touches (eda params, one template) and nothing on a second run.
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
cp "$STUDY_PARAMS" "$TMP/params.yaml"
A=$TMP/a
O=$TMP/out
mk() { # mk INTERIM [make args...]
  local i=$1; shift
  make -s --no-print-directory SAN="$SAN" DATA="$REAL" INTERIM="$i" SYNTH_DIR="$TMP/synth" OUT="$O" \
    PARAMS="$TMP/params.yaml" "$@"
}
# eda's outputs and its figures (not the other stages': their state is theirs to test).
eda_figs() { cat "$1/eda/figures.txt"; }
run() { # run INTERIM [make args...]
  local i=$1; shift
  mk "$i" "$i/eda.kv" "$@" || return 1
  mk "$i" $(eda_figs "$i" | sed "s|^|$O/figures/|; s|$|.png|") "$@"
}

echo "test_eda: the eda stage and its figures on the real data"
run "$A" >"$TMP/log1" 2>&1 || { cat "$TMP/log1"; bad "make eda and its figures"; finish; exit 1; }
ok "make eda and its figures"
kv() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$A/eda.kv"; }
[ "$(kv customers)/$(kv count_negative)/$(kv count_positive)" = 1296/802/494 ] && ok "class balance 802 / 494 of 1296" \
  || bad "class balance: $(kv customers)/$(kv count_negative)/$(kv count_positive)"
[ "$(kv smd_1_column)" = Страниц_за_визит ] && ok "largest |SMD|: Страниц_за_визит ($(kv smd_1))" \
  || bad "largest |SMD|: $(kv smd_1_column)"
awk -v s="$(kv smd_1)" 'BEGIN { exit !(s > -1.2381 && s < -1.2379) }' && ok "SMD of pages per visit is -1.238" \
  || bad "SMD of pages per visit: $(kv smd_1)"
[ "$(kv cat_gap_level)" = "Мелкая бытовая техника и электроника" ] && ok "largest share gap: $(kv cat_gap_level)" \
  || bad "largest share gap: $(kv cat_gap_level)"

# numeric.tsv: 8 + 1 + 1 + 13 numeric columns, three rows each; means as awk computes them.
rows=$(($(wc -l <"$A/eda/numeric.tsv") - 1))
[ "$rows" = 69 ] && ok "numeric.tsv has 69 rows" || bad "numeric.tsv has $rows rows, expected 69"
want=$(awk -F'\t' 'NR == 1 { for (j = 1; j <= NF; j++) if ($j == "Длительность") c = j; next }
  { s[$2] += $c; n[$2]++ } END { printf "%.6f %.6f", s["Прежний уровень"] / n["Прежний уровень"], s["Снизилась"] / n["Снизилась"] }' \
  "$A/customers.tsv")
got=$(awk -F'\t' '$1 == "customers" && $2 == "Длительность" && $4 != "${labels.classes.all}" { printf "%s%.6f", sep, $7; sep = " " }' \
  "$A/eda/numeric.tsv")
[ "$got" = "$want" ] && ok "mean Длительность by class = awk's ($got)" || bad "mean Длительность by class: $got, awk: $want"
check "categorical.tsv: 494 customers whose activity declined" \
  grep -qP '^customers\tПокупательская активность\t\$\{labels\.columns\.activity\}\t\$\{labels\.classes\.all\}\tСнизилась\t494\t' \
  "$A/eda/categorical.tsv"

n=$(eda_figs "$A" | wc -l)
[ "$n" = "$(kv figures)" ] && [ "$n" -ge 30 ] && ok "$n figures listed" || bad "$n figures listed, eda.kv says $(kv figures)"
badpng=0
for f in $(eda_figs "$A"); do
  file "$O/figures/$f.png" 2>/dev/null | grep -q 'PNG image data, [0-9]* x [0-9]*' || { badpng=1; echo "  not a PNG: $f"; }
  [ -s "$A/figures/$f.gpv" ] && [ -s "$A/figures/$f.tsv" ] || { badpng=1; echo "  no data: $f"; }
done
[ "$badpng" = 0 ] && ok "every listed figure is a PNG with its data" || bad "some figures are missing"
check "figure names are ASCII" bash -c "! ls '$O/figures' | grep -q '[^a-z0-9_.-]'"
check "Russian labels reach the figures" grep -q 'Дней с регистрации' "$(worded "$A/figures/hist_dlitelnost")"

echo "test_eda: a second run does nothing"
snap() { # version.txt follows the git commit (mk/report.mk), which others move meanwhile
  find "$1" "$O" -type f ! -name '.split' ! -name 'sections.id' ! -name version.id -printf '%p %T@\n' | sort
}
snap "$A" >"$TMP/before"
out=$(run "$A" 2>&1)
snap "$A" >"$TMP/after"
check "second run rewrites no file" cmp -s "$TMP/before" "$TMP/after"
[ -z "$out" ] && ok "second run runs no command" || bad "second run printed: $out"

echo "test_eda: -j2 from scratch gives the same files"
B=$TMP/b
O=$TMP/outb run "$B" -j2 >/dev/null 2>&1 && ok "make -j2" || bad "make -j2"
check "eda outputs and figure data identical (-j1, -j2)" \
  bash -c "diff -r '$A/eda' '$B/eda' && diff -r '$A/figures' '$B/figures' && cmp '$A/eda.kv' '$B/eda.kv'"
check "PNGs identical (-j1, -j2)" diff -r "$O/figures" "$TMP/outb/figures"

echo "test_eda: changing an eda param reruns eda and its figures only"
snap "$A" >"$TMP/before"
param set "$TMP/params.yaml" eda.bins 20
run "$A" >"$TMP/log2" 2>&1 && ok "make after editing eda.bins" || { cat "$TMP/log2"; bad "make after editing eda.bins"; }
snap "$A" >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | grep '^>' | awk '{print $2}' | sed "s|^$A/||; s|^$O/|OUT/|")
others=$(echo "$changed" | grep -v '^eda\|^figures/\|^OUT/figures/\|^params/eda.yaml$\|^params/.split$\|^params/sections.id$' | tr '\n' ' ')
[ -z "$others" ] && ok "nothing but eda's outputs changed" || bad "changed besides eda: $others"
nf=$(echo "$changed" | grep -c '^OUT/figures/')
[ "$nf" = "$n" ] && ok "all $n eda figures rerendered" || bad "$nf figures rerendered, expected $n"

echo "test_eda: editing one template rerenders its figures only"
snap "$A" >"$TMP/before"
touch -r report/figures/cat.gp "$TMP/cat.mtime"
touch report/figures/cat.gp
run "$A" >/dev/null 2>&1
touch -r "$TMP/cat.mtime" report/figures/cat.gp
snap "$A" >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | grep '^>' | awk '{print $2}' | xargs -n1 basename | sort | tr '\n' ' ')
want=$(eda_figs "$A" | grep '^cat_' | sed 's/$/.png/' | sort | tr '\n' ' ')
[ "$changed" = "$want" ] && ok "touching cat.gp rerendered $want" || bad "touching cat.gp changed: $changed"

echo "test_eda: bad params"
cp "$STUDY_PARAMS" "$TMP/bad.yaml"
param add "$TMP/bad.yaml" eda.top_features 'colour: red'
"$BIN/eda" --params "$TMP/bad.yaml" --clean "$A/clean" --customers "$A/customers.tsv" --out "$TMP/x" \
  --figures "$TMP/x" --kv "$TMP/x/eda.kv" 2>"$TMP/err"
st=$?
[ "$st" = 1 ] && grep -qP '^eda: .*bad\.yaml:\d+:\d+: unknown key eda\.colour' "$TMP/err" \
  && ok "unknown eda key: $(cat "$TMP/err")" || bad "unknown eda key: exit $st, $(cat "$TMP/err")"
# A label the text file lacks stops the figure that needs it, naming both.
grep -v '^    tenure: ' report/text.ru.yaml >"$TMP/bad-text.yaml"
TEXT=$TMP/bad-text.yaml worded "$A/figures/hist_dlitelnost" >/dev/null 2>"$TMP/err"
st=$?
[ "$st" = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
  grep -qP '^text: .*/hist_dlitelnost\.gpv:\d+: .*bad-text\.yaml: expected a text at labels\.columns\.tenure, found none$' "$TMP/err" \
  && ok "missing label: $(cat "$TMP/err")" || bad "missing label: exit $st, $(cat "$TMP/err")"
finish
