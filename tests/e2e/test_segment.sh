#!/usr/bin/env bash
# segment on the real data: every customer has a probability, a segment and,
# if at risk, personal offers; the training customers' probabilities are
# out-of-fold (they differ from the in-sample ones predict gives) and the test
# customers' are the final model's to the bit; segments follow the thresholds;
# profit at risk adds up; the consent rule holds; a segment edit reruns
# segment, not train; bad params and missing profit are reported.
# explain's outputs are a stand-in with explain's columns (shap.tsv,
# drivers.tsv) that Make is told not to remake (-o): the real explain takes
# minutes on the real data (SEGMENT_REAL_EXPLAIN=1 runs it through Make).
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
S=$BIN/segment
cp "$STUDY_PARAMS" "$TMP/params.yaml"
A=$TMP/a
MK=(make -s --no-print-directory SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" OUT="$TMP/out"
    PARAMS="$TMP/params.yaml")

help=$("$S" --help)
for o in params in split model profit shap drivers out figures kv; do
  if grep -q -- "--$o " <<<"$help"; then ok "--help lists --$o"; else bad "--help lacks --$o"; fi
done

echo "test_segment: train on the real data"
if ! "${MK[@]}" "$A/train.kv" >"$TMP/log" 2>&1; then
  cat "$TMP/log"; bad "make train.kv"; finish; exit 1
fi

# A stand-in for explain: phi = +-(x - mean) / sd / 10 for numeric features
# (+ where more is riskier), 0 for categories; drivers = the top 3 positive.
fake_explain() {
  mkdir -p "$2"
  awk -F'\t' -v out="$2" '
  NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; nf = NF; next }
  { n++; for (i = 1; i <= nf; i++) { v[n, i] = $i; if ($i ~ /^-?[0-9.]+(e-?[0-9]+)?$/) { s[i] += $i; q[i] += $i * $i } else txt[i] = 1 } }
  END {
    risky["Неоплаченные_продукты_штук_квартал"] = 1; risky["Акционные_покупки"] = 1; risky["Ошибка_сервиса"] = 1
    shap = out "/shap.tsv"; drv = out "/drivers.tsv"
    printf "id" > shap
    for (i = 3; i <= nf; i++) printf "\t%s", h[i] > shap
    print "\tbase\toutput" > shap
    print "id\trank\tfeature\tvalue\tphi" > drv
    for (i = 3; i <= nf; i++) if (!txt[i]) { m[i] = s[i] / n; sd[i] = sqrt(q[i] / n - m[i] * m[i]); if (sd[i] == 0) sd[i] = 1 }
    for (r = 1; r <= n; r++) {
      printf "%s", v[r, 1] > shap; tot = 0
      for (i = 3; i <= nf; i++) {
        p[i] = txt[i] ? 0 : (risky[h[i]] ? 1 : -1) * (v[r, i] - m[i]) / sd[i] / 10
        tot += p[i]; printf "\t%.17g", p[i] > shap
      }
      printf "\t0\t%.17g\n", tot > shap
      for (k = 1; k <= 3; k++) { best = 0; bp = 0
        for (i = 3; i <= nf; i++) if (!used[r, i] && p[i] > bp) { bp = p[i]; best = i }
        if (!best) break
        used[r, best] = 1; printf "%s\t%d\t%s\t%s\t%.17g\n", v[r, 1], k, h[best], v[r, best], bp > drv }
    }
  }' "$1"
}
if [ "${SEGMENT_REAL_EXPLAIN:-0}" = 1 ]; then
  echo "test_segment: explain and segment through Make"
else
  echo "test_segment: a stand-in for explain's outputs"
  fake_explain "$A/customers.tsv" "$A/explain"
  MK+=(-o "$A/explain/shap.tsv" -o "$A/explain/drivers.tsv")
fi
if "${MK[@]}" "$A/segment.kv" >"$TMP/log" 2>&1; then ok "make segment.kv"; else cat "$TMP/log"; bad "make segment.kv"; finish; exit 1; fi

C=$A/segment/customers.tsv
kv() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$A/segment.kv"; }
# col NAME: the column's index in customers.tsv
col() { awk -F'\t' -v c="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == c) print i; exit}' "$C"; }
for f in customers segments profile recommendations whatif; do check "segment/$f.tsv written" test -s "$A/segment/$f.tsv"; done
check "customers.tsv: 1296 customers" test "$(($(wc -l <"$C") - 1))" = 1296
[ "$(kv customers)" = 1296 ] && [ "$(kv scored_oof)" = 973 ] && [ "$(kv scored_test)" = 323 ] \
  && ok "973 out-of-fold, 323 test probabilities" || bad "customers $(kv customers) oof $(kv scored_oof) test $(kv scored_test)"
P=$(col probability) SRC=$(col source) PF=$(col profit) R=$(col risk) PL=$(col profit_level) SG=$(col segment)
OF=$(col offers) CH=$(col channels) CD=$(col consent_denied)
check "every customer: a probability in [0, 1], a source, a profit and a segment" \
  awk -F'\t' -v p=$P -v s=$SRC -v f=$PF -v g=$SG 'NR > 1 && !($p >= 0 && $p <= 1 && ($s == "oof" || $s == "test") && $f != "" && $g != "") {exit 1}' "$C"
check "sources agree with train/split.tsv" bash -c \
  "diff <(awk -F'\t' 'NR > 1 {print \$1, \$2 == \"train\" ? \"oof\" : \"test\"}' '$A/train/split.tsv' | sort) \
        <(awk -F'\t' -v s=$SRC 'NR > 1 {print \$1, \$s}' '$C' | sort)"

echo "test_segment: out-of-fold, not in-sample"
"$BIN/predict" --params "$TMP/params.yaml" --model "$A/models/best.pipeline" --table "$A/customers.tsv" \
  --out "$TMP/pred.tsv" 2>/dev/null
read -r ntr ndiff nte nsame <<<"$(awk -F'\t' -v p=$P -v s=$SRC 'NR == FNR {q[$1] = $2; next} FNR > 1 {
  if ($s == "oof") {ntr++; ndiff += q[$1] != $p} else {nte++; nsame += q[$1] == $p}} END {print ntr, ndiff, nte, nsame}' \
  "$TMP/pred.tsv" "$C")"
[ "$ntr" = 973 ] && [ "$ndiff" -ge 486 ] && ok "training customers: $ndiff of 973 differ from the in-sample probability" \
  || bad "training customers: $ndiff of $ntr differ from in-sample"
[ "$nte" = 323 ] && [ "$nsame" = 323 ] && ok "test customers: the final model's probability to the bit" \
  || bad "test customers: $nsame of $nte equal the final model's"
[ "$(kv oof_differs_from_insample)" = "$ndiff" ] && ok "segment.kv counts the same $ndiff" \
  || bad "segment.kv oof_differs_from_insample $(kv oof_differs_from_insample), predict says $ndiff"

echo "test_segment: segments, profit at risk, offers, consent"
rt=$(kv risk_threshold_1) pt=$(kv profit_threshold_1)
check "risk high iff p >= $rt; profit high iff profit >= the median $pt" \
  awk -F'\t' -v p=$P -v f=$PF -v r=$R -v l=$PL -v rt="$rt" -v pt="$pt" \
  'NR > 1 && ((($p >= rt) != ($r == "high")) || (($f >= pt) != ($l == "high"))) {exit 1}' "$C"
check "profit threshold = the median profit" test "$(kv profit_threshold_1)" = "$(kv profit_median)"
check "segment sizes add up to 1296" test "$(awk -F'\t' 'NR > 1 {s += $5} END {print s}' "$A/segment/segments.tsv")" = 1296
# Money: the expected loss is probability x loss share x profit; a customer
# is targeted when response x expected loss > the offer's cost (recomputed here).
check "expected loss = sum of loss share x profit x probability" \
  awk -F'\t' -v p=$P -v f=$PF -v s="$(kv loss_share)" -v want="$(kv profit_at_risk_total)" \
  'NR > 1 {t += s * $f * $p} END {d = t - want; if (d < 0) d = -d; exit !(d < 1e-9 * want)}' "$C"
TG=$(col targeted) EL=$(col expected_loss)
check "targeted iff response x expected loss > the offer's cost" \
  awk -F'\t' -v t=$TG -v l=$EL -v r="$(kv response)" -v c="$(kv offer_cost)" \
  'NR > 1 && (($t == 1) != (r * $l > c)) {exit 1} NR > 1 {n += $t} END {exit !(n > 0)}' "$C"
check "every targeted customer has offers" awk -F'\t' -v t=$TG -v o=$OF 'NR > 1 && $t == 1 && $o == "" {exit 1}' "$C"
check "nobody else has offers" awk -F'\t' -v t=$TG -v o=$OF 'NR > 1 && $t != 1 && $o != "" {exit 1}' "$C"
[ "$(kv at_risk_with_offers)" = "$(kv target_ev_n)" ] && [ "$(kv target_ev_n)" -gt 0 ] \
  && ok "$(kv target_ev_n) customers targeted, all with offers" || bad "targeted $(kv target_ev_n), with offers $(kv at_risk_with_offers)"
check "sensitivity.tsv: 4 costs x 4 responses; the default cell is the rule's count" \
  awk -F'\t' -v c="$(kv offer_cost)" -v r="$(kv response)" -v n="$(kv target_ev_n)" \
  'NR > 1 {k++; if ($1 == c && $2 == r) hit = $3 == n} END {exit !(k == 16 && hit)}' "$A/segment/sensitivity.tsv"
check "consent «нет»: no mail, no calls" \
  awk -F'\t' -v c=$CH -v d=$CD 'NR > 1 && $d == 1 && $c ~ /email|call/ {exit 1}' "$C"
check "consent flag follows «Разрешить сообщать»" bash -c \
  "awk -F'\t' 'NR == FNR {if (FNR == 1) for (i = 1; i <= NF; i++) {if (\$i == \"Разрешить сообщать\") k = i} else a[\$1] = \$k == \"нет\"; next}
   FNR > 1 && a[\$1] != \$$CD {exit 1}' '$A/customers.tsv' '$C'"
check "some customers without consent got on-site offers" test "$(kv offers_moved_on_site_no_consent)" -gt 0
W=$(worded_file "$C")
check "offers name the favourite category, not {placeholders}" awk -F'\t' -v o=$OF 'NR > 1 && $o ~ /[{}$]/ {exit 1}' "$W"
check "the worded offers name the customer's category" grep -qP '\tПерсональные рекомендации на сайте в любимой категории «(Товары для детей|Домашний текстиль|Косметика и аксессуары|Техника для красоты и здоровья|Мелкая бытовая техника и электроника|Кухонная посуда)»' "$W"
# On the real data: no customer whose drivers include the promo share is
# offered a discount or a promotion (the catalogue's moves are checked at load).
DR=$(col drivers)
check "no discount or promotion for a customer driven by the promo share" \
  awk -F'\t' -v d=$DR -v o=$OF 'NR > 1 && $d ~ /Акционные_покупки/ && tolower($o) ~ /скидк|акци/ {exit 1}' "$W"
# The reasons shown to marketing: the levers apart from the context.
LD=$(col lever_drivers) CX=$(col context_drivers)
check "lever_drivers holds only levers, context_drivers none, together the drivers" \
  awk -F'\t' -v d=$DR -v l=$LD -v x=$CX 'BEGIN {split("Неоплаченные_продукты_штук_квартал Акционные_покупки Страниц_за_визит Средний_просмотр_категорий_за_визит Маркет_актив_6_мес", a, " "); for (i in a) lev[a[i]] = 1}
    NR > 1 {n = split($l, p, "; "); for (i = 1; i <= n; i++) if (p[i] != "" && !(p[i] in lev)) exit 1
            m = split($x, q, "; "); for (i = 1; i <= m; i++) if (q[i] in lev) exit 1
            c = split($d, r, "; "); if ((n * ($l != "")) + (m * ($x != "")) != c * ($d != "")) exit 1}' "$C"
check "focus segment is hr_hp" test "$(kv focus)" = hr_hp
check "recommendations: 5 levers in each of 4 segments" test "$(($(wc -l <"$A/segment/recommendations.tsv") - 1))" = 20
check "what-if: one row per lever, labelled an estimate" \
  awk -F'\t' 'NR > 1 {n++; if ($NF !~ /оценка/) exit 1} END {exit n != 5}' "$(worded_file "$A/segment/whatif.tsv")"
check "profile: Holm-adjusted p-values" awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "p_holm") k = i} NR > 1 && $2 != "level" && $k == "" {exit 1}' "$A/segment/profile.tsv"

echo "test_segment: figures, reruns"
figs="segmentscatter_all segmentsizes_all segmentprofile_focus segmentwhatif_focus"
if "${MK[@]}" $(for f in $figs; do echo "$TMP/out/figures/$f.png"; done) >"$TMP/log" 2>&1; then
  for f in $figs; do check "$f.png" test -s "$TMP/out/figures/$f.png"; done
else
  cat "$TMP/log"; bad "make the segment figures"
fi
cp -r "$A/segment" "$TMP/first"
mkdir -p "$TMP/again"
"$S" --params "$TMP/params.yaml" --in "$A/customers.tsv" --split "$A/train/split.tsv" --model "$A/models/best.pipeline" \
  --profit "$A/clean/profit.tsv" --shap "$A/explain/shap.tsv" --drivers "$A/explain/drivers.tsv" --out "$TMP/again" \
  --figures "$TMP/again" --kv "$TMP/again/segment.kv"
for f in customers segments profile recommendations whatif; do check "$f.tsv identical on a rerun" cmp "$A/segment/$f.tsv" "$TMP/again/$f.tsv"; done
check "segment.kv identical on a rerun" cmp "$A/segment.kv" "$TMP/again/segment.kv"

# A new risk threshold: segment reruns, train does not.
param set "$TMP/params.yaml" segment.risk.thresholds '[0.6]'
stamp() { stat -c '%Y.%y' "$A/train.kv" "$A/train/split.tsv" "$A/models/best.pipeline" "$A/customers.tsv"; }
before=$(stamp)
sleep 1
"${MK[@]}" "$A/segment.kv" >"$TMP/log" 2>&1 || { cat "$TMP/log"; bad "make after the threshold edit"; }
check "threshold edit: train's outputs and customers.tsv not rewritten" test "$(stamp)" = "$before"
check "threshold edit: segment reran with 0.6" test "$(kv risk_threshold_1)" = 0.59999999999999998
check "threshold edit: more customers at risk" test "$(kv at_risk)" -gt "$(awk -F'\t' '$1 == "at_risk" {print $2}' "$TMP/again/segment.kv")"

echo "test_segment: errors"
mkdir -p "$TMP/err"
run_s() { # run_s PARAMS PROFIT -> stderr in $TMP/err/msg, status echoed
  "$S" --params "$1" --in "$A/customers.tsv" --split "$A/train/split.tsv" --model "$A/models/best.pipeline" \
    --profit "$2" --shap "$A/explain/shap.tsv" --drivers "$A/explain/drivers.tsv" --out "$TMP/err" \
    --figures "$TMP/err" --kv "$TMP/err/segment.kv" 2>"$TMP/err/msg"
  echo $?
}
cp "$STUDY_PARAMS" "$TMP/bad1.yaml" && param set "$TMP/bad1.yaml" segment.risk.thresholds '[0.7, 0.5]'
st=$(run_s "$TMP/bad1.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "bad1.yaml:[0-9]*:[0-9]*: segment.risk.thresholds: expected ascending" "$TMP/err/msg" \
  && ok "descending thresholds: exit 1, located" || bad "descending thresholds: status $st, $(cat "$TMP/err/msg")"
check "a failed run leaves no segment.kv" test ! -e "$TMP/err/segment.kv"
cp "$STUDY_PARAMS" "$TMP/bad2.yaml" && param set "$TMP/bad2.yaml" segment.consent.column tenure
st=$(run_s "$TMP/bad2.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "segment.consent.column: expected an ordinal of the schema" "$TMP/err/msg" \
  && ok "consent column not an ordinal: exit 1" || bad "consent column: status $st, $(cat "$TMP/err/msg")"
cp "$STUDY_PARAMS" "$TMP/bad2.yaml" && param set "$TMP/bad2.yaml" segment.consent.column 'Тип клиента'
st=$(run_s "$TMP/bad2.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "bad2.yaml:[0-9]*:[0-9]*: segment.consent.column: expected a column key of schema.columns, found \"Тип клиента\"" "$TMP/err/msg" \
  && ok "consent column not a key of schema.columns: exit 1, located" || bad "consent column key: status $st, $(cat "$TMP/err/msg")"
# An offer that pushes another lever the wrong way (a discount raises the share
# of promo purchases) is refused at load, naming the line.
sed 's/^      moves: {unpaid_items: decrease}$/      moves: {unpaid_items: decrease, promo_share: increase}/' "$STUDY_PARAMS" >"$TMP/bad4.yaml"
st=$(run_s "$TMP/bad4.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "bad4.yaml:[0-9]*:[0-9]*: segment.levers.moves: the offer for unpaid_items increases promo_share, whose risk falls as it decreases" "$TMP/err/msg" \
  && ok "an offer against another lever: refused, located" || bad "offer against a lever: status $st, $(cat "$TMP/err/msg")"
sed 's/^      site_moves: {marketing_6m: increase}$/      site_moves: {promo_share: decrease}/' "$STUDY_PARAMS" >"$TMP/bad5.yaml"
st=$(run_s "$TMP/bad5.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "segment.levers.site_moves: expected the offer for marketing_6m to increase it" "$TMP/err/msg" \
  && ok "an offer that does not move its own lever: refused" || bad "own lever: status $st, $(cat "$TMP/err/msg")"
sed 's/^      helps: increase/      helps: up/' "$STUDY_PARAMS" >"$TMP/bad3.yaml"
st=$(run_s "$TMP/bad3.yaml" "$A/clean/profit.tsv")
[ "$st" = 1 ] && grep -q "expected one of decrease, increase" "$TMP/err/msg" \
  && ok "unknown lever direction: exit 1" || bad "lever direction: status $st, $(cat "$TMP/err/msg")"
# One customer without profit and one profit row without customer: reported.
awk -F'\t' 'NR == 2 {gone = $1; next} {print} END {print "999999\t1.5\t9999"}' "$A/clean/profit.tsv" >"$TMP/profit.tsv"
gone=$(awk -F'\t' 'NR == 2 {print $1}' "$A/clean/profit.tsv")
st=$(run_s "$STUDY_PARAMS" "$TMP/profit.tsv")
e() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$TMP/err/segment.kv"; }
[ "$st" = 0 ] && [ "$(e customers_without_profit)" = 1 ] && [ "$(e customers_without_profit_ids)" = "$gone" ] \
  && [ "$(e profit_without_customer)" = 1 ] && [ "$(e profit_without_customer_ids)" = 999999 ] \
  && ok "missing on either side: reported with ids ($gone, 999999)" || bad "missing profit: status $st, $(cat "$TMP/err/msg")"
[ "$(e segmented)" = 1295 ] && [ "$(e unsegmented)" = 1 ] && ok "the customer without profit has no segment" \
  || bad "segmented $(e segmented) unsegmented $(e unsegmented)"
finish
