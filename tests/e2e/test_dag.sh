#!/usr/bin/env bash
# The foundation of the DAG (params -> load -> clean -> merge) on the real data:
# the numbers the study depends on, reproducibility, and that Make reruns exactly
# what a change touches. The targets are the merge outputs, so the later (and
# slower) stages stay out of it; test_robust.sh runs the whole report twice
# (once interrupted and resumed) and compares every interim file.
source "$(dirname "$0")/lib.sh"
need_real
check "data/raw is the published data (data/SHA256SUMS)" bash -c "cd data/raw && sha256sum -c --quiet ../SHA256SUMS"
SAN=${SAN:-0}
cp "$STUDY_PARAMS" "$TMP/params.yaml"
run() { # run INTERIM [make args...]
  local i=$1; shift
  make -s --no-print-directory "$i/customers.tsv" "$i/quality.tsv" SAN="$SAN" DATA="$REAL" INTERIM="$i" \
    SYNTH_DIR="$TMP/synth" OUT="$TMP/out" PARAMS="$TMP/params.yaml" "$@"
}
A=$TMP/a
echo "test_dag: load, clean and merge on the real data"
run "$A" >"$TMP/log1" 2>&1 || { cat "$TMP/log1"; bad "make report on the real data"; finish; exit 1; }
ok "make report on the real data"

rows=$(($(wc -l <"$A/customers.tsv") - 1))
[ "$rows" = 1296 ] && ok "customers.tsv has 1296 rows" || bad "customers.tsv has $rows rows, expected 1296"
cols=$(head -1 "$A/customers.tsv" | awk -F'\t' '{print NF}')
[ "$cols" = 18 ] && ok "customers.tsv has 18 columns" || bad "customers.tsv has $cols columns, expected 18"
q=$A/quality.tsv
check "quality log: 10 rows of стандартт fixed" grep -qP '^typo\tcustomers\tТип сервиса\t10\tfixed\tстандартт → стандарт$' "$q"
check "quality log: period typo fixed" grep -qP '^typo\tminutes\tПериод\t1300\tfixed\tпредыдцщий_месяц' "$q"
check "quality log: 3 inactive customers" grep -qP '^inactive\trevenue\tВыручка\t6\tcustomer dropped\t215348, 215357, 215359$' "$q"
check "quality log: outlier customer 215380" grep -qP '^outlier\trevenue\tВыручка\t1\tcustomer dropped\t215380$' "$q"
check "quality log: 11 rows identical but for the id, kept" grep -qP '^duplicate_but_id\tcustomers\t\t11\tkept\t' "$q"
check "clean.kv: 1300 -> 1297 -> 1296" bash -c "grep -qP '^after_inactive\t1297$' '$A/clean.kv' && grep -qP '^after_outlier\t1296$' '$A/clean.kv'"
check "no customer 215380 in customers.tsv" bash -c "! grep -qP '^215380\t' '$A/customers.tsv'"
check "no typo left in customers.tsv" bash -c "! grep -q 'стандартт' '$A/customers.tsv' && ! grep -q 'аксесуары' '$A/customers.tsv'"

echo "test_dag: a second run does nothing"
snap() { find "$1" -type f ! -name '.split' ! -name 'sections.id' -printf '%P %T@\n' | sort; }
snap "$A" >"$TMP/before"
out=$(run "$A" 2>&1)
snap "$A" >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" && ok "second run rewrites no file" \
  || bad "second run rewrote: $(diff "$TMP/before" "$TMP/after" | grep '^>' | tr '\n' ' ')"
[ -z "$(echo "$out" | grep -v '^note:')" ] && ok "second make report runs no command" || bad "second run printed: $out"

echo "test_dag: byte-identical outputs, also with -j2"
B=$TMP/b
run "$B" -j2 >/dev/null 2>&1 && ok "make -j2 report" || bad "make -j2 report"
check "two runs (-j1, -j2) give byte-identical interim files" diff -r -x .split -x sections.id "$A" "$B"

echo "test_dag: changing a merge param reruns merge only"
snap "$A" >"$TMP/before"
param set "$TMP/params.yaml" merge.how left
run "$A" >/dev/null 2>&1 && ok "make report after editing merge.how" || bad "make report after editing merge.how"
snap "$A" >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | grep '^>' | awk '{print $2}' | sort | tr '\n' ' ')
case " $changed " in *" customers.tsv "*) ok "merge reran" ;; *) bad "merge did not rerun: $changed" ;; esac
upstream=$(echo "$changed" | tr ' ' '\n' | grep -E '^(load|clean)[/.]|^quality\.tsv$|^params/(schema|load|clean)\.yaml$' | tr '\n' ' ')
[ -z "$upstream" ] && ok "load and clean did not rerun" || bad "upstream outputs changed after a merge edit: $upstream"

echo "test_dag: changing a clean param reruns clean and merge, not load"
snap "$A" >"$TMP/before"
param set "$TMP/params.yaml" clean.drop_duplicates_but_id true
run "$A" >/dev/null 2>&1 && ok "make report after editing clean" || bad "make report after editing clean"
snap "$A" >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | grep '^>' | awk '{print $2}' | grep -c '^load') || true
[ "$changed" = 0 ] && ok "load did not rerun" || bad "load reran after a clean edit"
rows=$(($(wc -l <"$A/customers.tsv") - 1))
[ "$rows" = 1285 ] && ok "dropping the 11 duplicates gives 1285 customers" || bad "got $rows customers, expected 1285"

echo "test_dag: switching DATA reruns everything"
snap "$A" >"$TMP/before"
run "$A" DATA=synthetic >"$TMP/log2" 2>&1 && ok "make report DATA=synthetic" || { cat "$TMP/log2"; bad "make report DATA=synthetic"; }
check "says it runs on synthetic data" grep -qi 'synthetic' "$TMP/log2"
snap "$A" >"$TMP/after"
for f in load.kv clean.kv customers.tsv; do
  if [ "$(grep "^$f " "$TMP/before")" != "$(grep "^$f " "$TMP/after")" ]; then ok "$f rebuilt for the new data"
  else bad "$f not rebuilt after switching DATA"; fi
done
finish
