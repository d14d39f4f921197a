#!/usr/bin/env bash
# The report stage through Make on the real data: study.xlsx and report.html
# are written, byte-identical across runs, cite the numbers the stages wrote
# (explain's importance, segment's segments, levers, what-if and offers
# included), label synthetic data, fail on a missing key; only the report
# reruns when its template changes, only segment and the report when a
# segment threshold does. The workbook is read back with openpyxl
# (tests/oracle/check_study_xlsx.py; `make test` installs python3-openpyxl)
# and LibreOffice (installed by `make test` too) converts it and opens offers.csv.
# fast_params: a 16-candidate search and a cheap KernelSHAP (the suite's
# time budget); the report does not depend on the model's quality.
source "$(dirname "$0")/lib.sh"
need_real
SAN=${SAN:-0}
cp "$STUDY_PARAMS" "$TMP/params.yaml"
fast_params "$TMP/params.yaml" || { bad "fast_params"; finish; exit 1; }
cp report/report.md "$TMP/report.md"
A=$TMP/a
# One commit for the whole test: others may commit while it runs.
COMMIT=$(git describe --always --dirty --abbrev=40 2>/dev/null || echo unknown)
run() { # run OUT [make args...]
  local o=$1; shift
  make --no-print-directory report SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" OUT="$o" \
    PARAMS="$TMP/params.yaml" REPORT_MD="$TMP/report.md" REPORT_COMMIT="$COMMIT" "$@"
}
echo "test_report: make report on the real data"
if run "$TMP/o1" >"$TMP/log1" 2>&1; then ok "make report"; else cat "$TMP/log1"; bad "make report"; finish; exit 1; fi
TABLES="quality leaderboard metrics importance segments profile profile_categories recommendations whatif"
for f in study.xlsx report.html conclusions.kv $(printf 'tables/%s.tsv ' $TABLES); do
  check "$f written" test -s "$TMP/o1/$f"
done
c=$TMP/o1/conclusions.kv
check "conclusions: 1 300 in, 1 296 in the study" grep -qP '^data\tВ выгрузке 1\x{202F}300 покупателей; в исследование вошли 1\x{202F}296\.' "$c"
check "conclusions: 3 inactive customers named" grep -qP '^data\t.*Исключены из исследования: 3 покупателя .*215348, 215357, 215359' "$c"
check "conclusions: outlier 215380, singular noun" grep -qP '^data\t.*1 покупатель с аномальной выручкой \(id 215380\)' "$c"
check "conclusions: 494 of 1296 declined, 38,1 %" grep -qP '^target\tСнижение активности у 494 покупателей из 1\x{202F}296: 38,1\x{A0}%\.$' "$c"
check "quality table in Russian" grep -qP '^опечатка\tпокупатели\tТип сервиса\t10\tисправлено\tстандартт → стандарт$' "$TMP/o1/tables/quality.tsv"
h=$TMP/o1/report.html
check "html: no placeholder left" bash -c "! grep -q '{{' '$h'"
check "html: the quality table" grep -q '<td>аномальная выручка</td>' "$h"
check "html: no synthetic banner on real data" bash -c "! grep -q 'class=\"banner\"' '$h'"
# The sentences of explain and segment, from their numbers.
ckv() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$2"; }
sk() { ckv "$1" "$(worded_file "$A/segment.kv")"; } # segment.kv as the reader sees it
focus=$(sk focus)
[ "$(ckv focus_n "$c")" = "$(sk "n_$focus")" ] && ok "conclusions: focus segment size $(sk "n_$focus") from segment.kv" \
  || bad "focus_n $(ckv focus_n "$c") vs segment.kv $(sk "n_$focus")"
check "conclusions: the focus segment named" grep -qP "^segments\tСегмент в фокусе — «$(sk focus_name)»: $(sk "n_$focus") покупател" "$c"
top1=$(ckv top1 "$A/explain.kv")
key1=$(grep -oP "^    \K[a-z_0-9]+(?=: $top1$)" "$TMP/params.yaml") # the column's key in schema.columns
label1=$(awk '/^labels:/ {f = 1; next} /^[a-z]/ {f = 0} f' report/text.ru.yaml | grep -oP "^    $key1: \K.*" | sed 's/[.]/\\./g')
check "conclusions: explain's top feature ($top1) first, with its direction" \
  grep -qP "^importance\t.*: «$label1» — чем (больше|меньше), тем выше риск;" "$c"
check "conclusions: three levers of the focus segment" grep -qP '^recommendations\tГлавные рычаги в этом сегменте: 1\) .*; 2\) .*; 3\) ' "$c"
check "conclusions: offers counted as segment.kv says" \
  grep -qP "^offers\tПерсональные предложения подготовлены для $(sk at_risk_with_offers) покупател.*, отобранных по ожидаемой выгоде" "$c"
check "conclusions: the money's assumption in words, with the revenue trajectory" \
  grep -qP "^money\t.*выросла на [0-9]+,[0-9]\x{A0}%.*задана допущением: 30\x{A0}%.*всего [0-9]+,[0-9] тыс. руб. в месяц" "$c"
check "conclusions: targeting by expected value, against the focus segment's rule" \
  grep -qP "^targeting\t.*Предложение получают $(sk target_ev_n) покупател.*оставляет без предложения $(sk target_focus_declined_out) " "$c"
check "html: the what-if table shows the probability before, after, its change and the expected loss saved" \
  test "$(head -1 "$TMP/o1/tables/whatif.tsv")" = "$(printf 'Рычаг\tЧто менять\tСредняя вероятность снижения сейчас\tСредняя вероятность снижения после\tИзменение вероятности, п. п.\tСокращение ожидаемых потерь, тыс. руб. в месяц')"
check "html: the targeting and sensitivity tables" bash -c "grep -q 'По ожидаемой выгоде: экономия больше стоимости предложения' '$h' && grep -q '>0,050</td>' '$h'"
check "every rouble figure of the segments' text states the loss share" \
  bash -c "! grep -P '^(segments|whatif)\t' '$c' | grep -vP 'допущение: при снижении активности теряется 30\x{A0}% прибыли' | grep -q ."
check "conclusions: the threshold was picked on the test rows" grep -qP '^models\t.*порог выбран по индексу Юдена на тех же тестовых покупателях' "$c"
for sec in '7. Почему модель ждёт снижения' '8. Сегменты: риск и прибыль' '9. Рекомендации'; do
  check "html: section $sec" grep -q "<h2>$sec" "$h"
done
check "html: 11 figures or more" test "$(grep -o '<img src="data:image/png' "$h" | wc -l)" -ge 11
check "html: the what-if is an estimate" grep -q '<strong>оценка по модели, а не результат эксперимента</strong>' "$h"
check "html: the segments table" grep -q "<td>$(sk focus_name)</td>" "$h"
commit=$(grep -oP '^commit\t\K.*' "$TMP/o1/conclusions.kv")
check "html: the git commit ($commit)" bash -c "[ '$commit' != unknown ] && grep -q '$commit' '$h'"

echo "test_report: reproducible"
snap() { find "$1" -type f -printf '%P %T@\n' | sort; }
snap "$TMP/o1" >"$TMP/before"
out=$(run "$TMP/o1" 2>&1)
snap "$TMP/o1" >"$TMP/after"
check "second make report rewrites nothing" cmp -s "$TMP/before" "$TMP/after"
ran=$(echo "$out" | grep -v -e '^note:' -e '^make.*Nothing to be done' -e 'is up to date')
[ -z "$ran" ] && ok "second make report runs no command" || bad "second run printed: $ran"
run "$TMP/o2" >/dev/null 2>&1 && ok "make report into a second directory" || bad "make report into a second directory"
for f in study.xlsx report.html conclusions.kv $(printf 'tables/%s.tsv ' $TABLES); do
  check "$f byte-identical across runs" cmp -s "$TMP/o1/$f" "$TMP/o2/$f"
done

echo "test_report: editing a sentence of the template reruns only the report"
snap "$A" >"$TMP/ibefore"
sed -i 's/Этот отчёт проходит исследование шаг за шагом/Отчёт проходит исследование шаг за шагом/' "$TMP/report.md"
log=$(run "$TMP/o1" 2>&1)
snap "$A" >"$TMP/iafter"
cmds=$(echo "$log" | grep -o -e '^[^ ]*/bin/[a-z]*' -e '^gnuplot' | sort -u | tr '\n' ' ')
[ "$cmds" = "$BIN/report " ] && ok "only the report ran" || bad "ran after a template edit: $cmds"
check "no interim file changed" cmp -s "$TMP/ibefore" "$TMP/iafter"
check "the new sentence is in the html" grep -q 'Отчёт проходит исследование шаг за шагом' "$TMP/o1/report.html"

echo "test_report: SOURCE_DATE_EPOCH sets the workbook's created time"
SOURCE_DATE_EPOCH=86400 run "$TMP/o3" >/dev/null 2>&1 && ok "make report with SOURCE_DATE_EPOCH" || bad "make report with SOURCE_DATE_EPOCH"
check "docProps/core.xml says 1970-01-02" bash -c "unzip -p '$TMP/o3/study.xlsx' docProps/core.xml | grep -q '1970-01-02T00:00:00Z'"

echo "test_report: a missing key is an error, never a blank"
cp "$TMP/report.md" "$TMP/bad.md"
echo 'Число: {{merge.no_such_key}}.' >>"$TMP/bad.md"
err=$(run "$TMP/o4" REPORT_MD="$TMP/bad.md" 2>&1) && bad "missing key accepted" || ok "missing key fails"
echo "$err" | grep -q "bad.md:.*no_such_key" && ok "the error names the template line and the key" \
  || bad "error: $err"
check "no report.html left behind" test ! -e "$TMP/o4/report.html"
check "no study.xlsx left behind" test ! -e "$TMP/o4/study.xlsx"

echo "test_report: every string a reader sees is finished (tests/oracle/check_strings.py)"
if /usr/bin/python3 tests/oracle/check_strings.py "$TMP/o3/study.xlsx" "$TMP/o3/report.html" "$A" >"$TMP/strings" 2>&1; then
  ok "no placeholder, E-notation, raw column name, hyphen-minus, number as text or decimal point"
else
  head -20 "$TMP/strings"; bad "check_strings.py: $(tail -1 "$TMP/strings")"
fi

# The checker itself finds each kind of fault in a workbook and a page made to have them.
/usr/bin/python3 - "$TMP/bad.xlsx" "$TMP/bad.html" <<'PY'
import sys, openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Сводка"
for i, v in enumerate(["в категории «[Популярная категория]»", "p = 3.0073641055473E-24", "Страниц_за_визит",
                       "разница -5,7 п. п.", "1 300", 1.4e-80], start=1):
    ws.cell(i, 1, v)
wb.save(sys.argv[1])
open(sys.argv[2], "w", encoding="utf-8").write("<p>порог 0.53 и {category}</p>")
PY
/usr/bin/python3 tests/oracle/check_strings.py "$TMP/bad.xlsx" "$TMP/bad.html" "$A" >"$TMP/bad.out" 2>&1
rc=$?
for what in "unfilled placeholder" "E-notation" "raw column name" "hyphen as minus" "number stored as text" \
            "E-notation (General format)" "decimal point"; do
  grep -qF "$what" "$TMP/bad.out" || { bad "check_strings.py misses: $what"; rc=0; }
done
[ "$rc" = 1 ] && ok "check_strings.py finds every kind of fault it names" || bad "check_strings.py on faults: exit $rc"

echo "test_report: the workbook read back with openpyxl"
if /usr/bin/python3 tests/oracle/check_study_xlsx.py "$TMP/o3/study.xlsx" "$A" "$REAL" 0 86400 >"$TMP/py" 2>&1; then
  ok "check_study_xlsx.py ($(grep -c '^  ok' "$TMP/py") checks)"
else
  cat "$TMP/py"; bad "check_study_xlsx.py (python3-openpyxl and python3-yaml installed?)"
fi

# LibreOffice (Debian libreoffice-calc-nogui, which `make test` installs)
# converts every sheet to CSV, numbers as it reads them; and opens offers.csv
# as a Russian-locale user would (`;`, UTF-8), Cyrillic intact. Once per CI
# run, in the release pass: the sanitizer pass is there for our C code under
# ASan/UBSan, and LibreOffice, not sanitized, would only add its start-up time.
if [ "$SAN" != 1 ]; then
  echo "test_report: the workbook converted by LibreOffice"
  lo=$TMP/lo
  if soffice -env:UserInstallation="file://$lo/profile" --headless \
       --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
       --outdir "$lo/csv" "$TMP/o3/study.xlsx" >"$TMP/lo.log" 2>&1; then
    ok "soffice --convert-to csv exits 0"
  else
    bad "soffice: $(tail -2 "$TMP/lo.log")"
  fi
  n_sheets=$(find "$lo/csv" -name 'study-*.csv' | wc -l)
  [ "$n_sheets" = 15 ] && ok "15 sheets converted" || bad "$n_sheets sheets converted, expected 15"
  want=$(($(wc -l <"$A/customers.tsv") - 1))
  got=$(($(wc -l <"$lo/csv/study-Покупатели.csv") - 1))
  [ "$got" = "$want" ] && ok "Покупатели: $got customers, as in customers.tsv" || bad "Покупатели: $got rows, expected $want"
  auc=$(awk -F, 'NR == 2 {print $4}' "$lo/csv/study-Метрики.csv")
  awk -v a="$auc" -v b="$(kvget "$A/metrics.kv" test_roc_auc)" 'BEGIN {d = a - b; exit !(a != "" && d < 1e-12 && d > -1e-12)}' \
    && ok "Метрики: test ROC-AUC $auc as in metrics.kv" || bad "Метрики: ROC-AUC '$auc' vs $(kvget "$A/metrics.kv" test_roc_auc)"
  if soffice -env:UserInstallation="file://$lo/profile" --headless --infilter='CSV:59,34,76,1' \
       --convert-to 'csv:Text - txt - csv (StarCalc):9,34,76,1,,0,false,true,false,false,false' --outdir "$lo/offers" "$TMP/o3/offers.csv" \
       >"$TMP/lo2.log" 2>&1; then
    ok "soffice opens offers.csv"
  else
    bad "soffice on offers.csv: $(tail -2 "$TMP/lo2.log")"
  fi
  targeted=$(awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "targeted") t = i; next} $t == 1 {n++} END {print n}' \
    "$A/segment/customers.tsv")
  got=$(($(wc -l <"$lo/offers/offers.csv") - 1))
  [ "$got" = "$targeted" ] && ok "offers.csv in LibreOffice: $got rows, one per targeted customer" \
    || bad "offers.csv in LibreOffice: $got rows, $targeted targeted"
  head -1 "$lo/offers/offers.csv" | grep -q $'^Приоритет\tID покупателя\tГруппа\tСегмент' \
    && ok "offers.csv in LibreOffice: the Cyrillic header intact, one field a column" \
    || bad "offers.csv in LibreOffice: header $(head -1 "$lo/offers/offers.csv" | cut -c1-80)"
  grep -q $'\tвысокий риск, высокая прибыль\t' "$lo/offers/offers.csv" \
    && ok "offers.csv in LibreOffice: Cyrillic cells intact" || bad "offers.csv in LibreOffice: no Cyrillic segment names"
fi

echo "test_report: a segment threshold edit reruns segment and the report only"
snap "$A/train" >"$TMP/tbefore"; snap "$A/explain" >>"$TMP/tbefore"
par_before=$(sk profit_at_risk_at_risk)
param set "$TMP/params.yaml" segment.risk.thresholds '[0.6]'
if grep -q '^    thresholds: \[0.6\]$' "$TMP/params.yaml"; then
  log=$(run "$TMP/o1" 2>&1)
  cmds=$(echo "$log" | grep -o '^[^ ]*/bin/[a-z]*' | sort -u | tr '\n' ' ')
  [ "$cmds" = "$BIN/params $BIN/report $BIN/segment " ] && ok "only params, segment and the report ran" || bad "ran after a segment edit: $cmds"
  snap "$A/train" >"$TMP/tafter"; snap "$A/explain" >>"$TMP/tafter"
  check "train and explain files untouched" cmp -s "$TMP/tbefore" "$TMP/tafter"
  [ "$(sk risk_threshold_1)" = 0.59999999999999998 ] && ok "segment.kv: risk threshold 0.6" || bad "risk_threshold_1 $(sk risk_threshold_1)"
  awk -v a="$(sk profit_at_risk_at_risk)" -v b="$par_before" 'BEGIN {exit !(a > b)}' \
    && ok "more profit at risk among the customers at risk ($par_before -> $(sk profit_at_risk_at_risk))" || bad "profit at risk at risk did not grow"
  [ "$(ckv focus_n "$TMP/o1/conclusions.kv")" = "$(sk "n_$(sk focus)")" ] && ok "the report follows: focus segment of $(sk "n_$(sk focus)")" \
    || bad "conclusions focus_n $(ckv focus_n "$TMP/o1/conclusions.kv") vs $(sk "n_$(sk focus)")"
else
  bad "could not set segment.risk.thresholds"
fi
echo "test_report: an empty focus segment is said, not a failure"
# The report program itself, on segment's files for a profit threshold
# nobody reaches; the focus segment's figures are drawn as notes.
cp "$TMP/params.yaml" "$TMP/empty.yaml"
param set "$TMP/empty.yaml" segment.profit.thresholds '[100]'
mkdir -p "$TMP/o5" && cp -r "$TMP/o1/figures" "$TMP/o5/"
if make --no-print-directory SAN="$SAN" DATA="$REAL" INTERIM="$A" SYNTH_DIR="$TMP/synth" OUT="$TMP/o5" \
     PARAMS="$TMP/empty.yaml" "$A/segment.kv" "$TMP/o5/figures/segmentprofile_focus.png" \
     "$TMP/o5/figures/segmentwhatif_focus.png" >"$TMP/log5" 2>&1 \
  && "$BIN/report" --params "$TMP/empty.yaml" --interim "$A" --out "$TMP/o5" --template "$TMP/report.md" \
       --parts 'data eda corr train evaluate explain segment' --data-dir "$REAL" >>"$TMP/log5" 2>&1; then
  ok "report with no customer of high profit"
else tail -3 "$TMP/log5"; bad "report, empty focus"; fi
check "conclusions: the focus segment is empty" grep -qP '^segments\tВ сегменте в фокусе — «.*» — при выбранных порогах нет ни одного покупателя' "$TMP/o5/conclusions.kv"
check "conclusions: no levers named for it" grep -qP '^recommendations\t$' "$TMP/o5/conclusions.kv"

echo "test_report: synthetic data is labelled in both files"
S=$TMP/s
if make -s --no-print-directory report SAN="$SAN" DATA=synthetic INTERIM="$S" SYNTH_DIR="$TMP/synth" \
  OUT="$TMP/os" PARAMS="$TMP/params.yaml" >"$TMP/logs" 2>&1; then ok "make report on synthetic data"
else tail -5 "$TMP/logs"; bad "make report on synthetic data"; fi
check "html: synthetic banner" grep -q 'class="banner">ДАННЫЕ СИНТЕТИЧЕСКИЕ' "$TMP/os/report.html"
if /usr/bin/python3 tests/oracle/check_study_xlsx.py "$TMP/os/study.xlsx" "$S" "$TMP/synth" 1 >"$TMP/py" 2>&1; then
  ok "synthetic workbook: check_study_xlsx.py, banner on Сводка"
else
  cat "$TMP/py"; bad "synthetic workbook"
fi
finish
