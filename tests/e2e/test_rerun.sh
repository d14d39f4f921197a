#!/usr/bin/env bash
# The whole study behaves like make (issue «The study out of the box, and safe
# to rerun»), on the real data with a small search:
# - a second `make report` runs nothing and says so; `make -n report` writes
#   nothing, and after a params edit names exactly the stages it touches;
# - every core by default (a top-level make), byte-identical to -j1;
# - a DATA that does not exist, or lacks a file: one line, non-zero exit, no
#   output touched; DATA=synthetic says so;
# - switching PARAMS to another file, even an older one, reruns exactly the
#   stages whose sections differ in content, and switching back restores;
# - the tests' params are the committed ones (tests/study-params.sh).
source "$(dirname "$0")/lib.sh"
need_real
P=$TMP/params.yaml
fast_study_params "$P" || exit 1
A=$TMP/a AO=$TMP/a_out
mk() { # mk INTERIM OUT [make args...]: make report there
  local i=$1 o=$2; shift 2
  make --no-print-directory report SAN="$SAN" DATA="$REAL" INTERIM="$i" OUT="$o" SYNTH_DIR="$TMP/synth" \
    PARAMS="$P" "$@"
}
# Every file under the study's folders with its mtime (ns) and size.
snap() { find "$A" "$AO" -type f -printf '%P %T@ %s\n' | sort; }

echo "test_rerun: the study, then a second run"
mk "$A" "$AO" -j1 >"$TMP/log1" 2>&1 && ok "make report -j1" || { tail -20 "$TMP/log1"; bad "make report -j1"; finish; exit 1; }
rows=$(($(wc -l <"$A/customers.tsv") - 1))
[ "$rows" = 1296 ] && ok "1296 customers" || bad "$rows customers, expected 1296"
snap >"$TMP/s1"
mk "$A" "$AO" >"$TMP/log2" 2>&1
snap >"$TMP/s2"
cmp -s "$TMP/s1" "$TMP/s2" && ok "second make report rewrites no file" || bad "second run rewrote: $(diff "$TMP/s1" "$TMP/s2" | grep '^>' | head -5 | tr '\n' ' ')"
if grep -qxE "make(\[[0-9]+\])?: Nothing to be done for 'report'\." "$TMP/log2" && [ "$(wc -l <"$TMP/log2")" = 1 ]; then
  ok "second make report says: nothing to be done"
else bad "second make report printed: $(head -5 "$TMP/log2")"; fi

echo "test_rerun: make -n"
mk "$A" "$AO" -n >"$TMP/logn" 2>&1
snap >"$TMP/s3"
cmp -s "$TMP/s1" "$TMP/s3" && ok "make -n report writes nothing" || bad "make -n report wrote: $(diff "$TMP/s1" "$TMP/s3" | head -5 | tr '\n' ' ')"
grep -q "Nothing to be done" "$TMP/logn" && ok "make -n report on an up-to-date study: nothing to be done" \
  || bad "make -n report planned: $(head -3 "$TMP/logn" | tr '\n' ' ')"
cp "$P" "$TMP/p_segment.yaml"
param set "$TMP/p_segment.yaml" segment.risk.thresholds '[0.69]'
cmp -s "$P" "$TMP/p_segment.yaml" && bad "could not edit segment.risk.thresholds"
make -n --no-print-directory report SAN="$SAN" DATA="$REAL" INTERIM="$A" OUT="$AO" SYNTH_DIR="$TMP/synth" \
  PARAMS="$TMP/p_segment.yaml" >"$TMP/logn2" 2>&1
stages=$(grep -oE "bin/[a-z]+ " "$TMP/logn2" | sort -u | tr -d ' ' | sed 's|bin/||' | tr '\n' ' ')
# (GNU make 4.3 does not carry -n's "would be remade" through a grouped
# target, so the plan stops at segment; a real run goes on to the report.)
case " $stages" in *" segment "*) ok "make -n after a segment edit plans segment" ;;
  *) bad "make -n after a segment edit does not plan segment: $stages" ;; esac
up=$(echo " $stages" | grep -oE ' (load|clean|merge|eda|corr|train|evaluate|explain) ' | tr -d '\n')
[ -z "$up" ] && ok "... and no stage upstream of it" || bad "make -n after a segment edit plans: $up"
snap >"$TMP/s3"
cmp -s "$TMP/s1" "$TMP/s3" && ok "... and writes nothing" || bad "make -n wrote: $(diff "$TMP/s1" "$TMP/s3" | head -3 | tr '\n' ' ')"
[ -z "$(find "$A" "$AO" -name '*.tmp*')" ] && ok "no temporary file" || bad "temporary files left"

echo "test_rerun: a wrong DATA touches nothing"
out=$(mk "$A" "$AO" DATA="$TMP/no-such-dir" 2>&1)
st=$?
[ "$st" != 0 ] && ok "DATA that does not exist: exit $st" || bad "DATA that does not exist: exit 0"
[ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "DATA=$TMP/no-such-dir: no such directory" \
  && ok "one line: $out" || bad "DATA that does not exist said: $out"
snap >"$TMP/s4"
cmp -s "$TMP/s1" "$TMP/s4" && ok "no output touched" || bad "outputs changed: $(diff "$TMP/s1" "$TMP/s4" | head -3 | tr '\n' ' ')"
mkdir -p "$TMP/three"
cp "$REAL/market_file.csv" "$REAL/market_money.csv" "$REAL/market_time.csv" "$TMP/three/"
out=$(mk "$A" "$AO" DATA="$TMP/three" 2>&1)
st=$?
[ "$st" != 0 ] && ok "DATA without money.csv: exit $st" || bad "DATA without money.csv: exit 0"
echo "$out" | grep -q "^load: $TMP/three/money.csv: cannot open: No such file or directory$" \
  && ok "names the missing file: $(echo "$out" | head -1)" || bad "DATA without money.csv said: $out"
snap >"$TMP/s4"
cmp -s "$TMP/s1" "$TMP/s4" && ok "no output touched" || bad "outputs changed: $(diff "$TMP/s1" "$TMP/s4" | head -3 | tr '\n' ' ')"
mk "$A" "$AO" >"$TMP/log4" 2>&1
grep -q "Nothing to be done" "$TMP/log4" && ok "back on the real data: nothing to redo" \
  || bad "back on the real data reran: $(grep -oE 'bin/[a-z]+' "$TMP/log4" | tr '\n' ' ')"

echo "test_rerun: switching PARAMS to an older file reruns what differs"
cp "$P" "$TMP/p_merge.yaml"
param set "$TMP/p_merge.yaml" merge.how left
touch -d '2001-01-01' "$TMP/p_merge.yaml"
mk "$A" "$AO" PARAMS="$TMP/p_merge.yaml" >"$TMP/log5" 2>&1 && ok "make report with an older PARAMS" \
  || { tail -5 "$TMP/log5"; bad "make report with an older PARAMS"; }
snap >"$TMP/s5"
changed=$(diff "$TMP/s1" "$TMP/s5" | grep '^>' | awk '{print $2}')
echo "$changed" | grep -q '^customers.tsv$' && ok "merge reran" || bad "merge did not rerun"
up=$(echo "$changed" | grep -E '^(load|clean)/|^quality.tsv$' | tr '\n' ' ')
[ -z "$up" ] && ok "load and clean did not" || bad "load or clean reran: $up"
# Back to the first params file, now older than the outputs: merge reruns again.
touch -d '2001-01-01' "$P"
mk "$A" "$AO" >"$TMP/log6" 2>&1 && ok "make report back on the first PARAMS" || bad "make report back on the first PARAMS"
grep -q "bin/merge " "$TMP/log6" && ok "merge reran for the older file" || bad "merge did not rerun"
mk "$A" "$AO" >"$TMP/log7" 2>&1
grep -q "Nothing to be done" "$TMP/log7" && ok "then nothing to be done" || bad "a further run reran: $(head -3 "$TMP/log7")"
# Comments are no content: a comment edit reruns only the split.
cp "$P" "$TMP/p_comment.yaml" && param set "$TMP/p_comment.yaml" merge.how 'inner  # a comment'
mk "$A" "$AO" PARAMS="$TMP/p_comment.yaml" >"$TMP/log8" 2>&1
stages=$(grep -oE "bin/[a-z]+ " "$TMP/log8" | sort -u | tr -d ' ' | sed 's|bin/||' | tr '\n' ' ')
[ "$stages" = "params " ] && ok "a comment edit reruns no stage" || bad "a comment edit ran: $stages"

echo "test_rerun: editing a title in the text file redraws the figures and rewrites the report only"
mk "$A" "$AO" >/dev/null 2>&1
snap >"$TMP/s6"
cp report/text.ru.yaml "$TMP/text.yaml"
param set "$TMP/text.yaml" explain.titles.bar '"Средний модуль вклада признака: новый заголовок"'
cmp -s report/text.ru.yaml "$TMP/text.yaml" && bad "could not edit explain.titles.bar"
mk "$A" "$AO" TEXT="$TMP/text.yaml" >"$TMP/log9" 2>&1 && ok "make report with an edited title" \
  || { tail -5 "$TMP/log9"; bad "make report with an edited title"; }
snap >"$TMP/s7"
stages=$(grep -oE "bin/[a-z]+ " "$TMP/log9" | sort -u | tr -d ' ' | sed 's|bin/||' | tr '\n' ' ')
[ "$stages" = "report " ] && ok "no stage but the report ran" || bad "a title edit ran: $stages"
changed=$(diff "$TMP/s6" "$TMP/s7" | grep '^>' | awk '{print $2}')
inner=$(echo "$changed" | grep -vE '^(params/text\.id|figures/[a-z0-9_]+\.png|figures/\.eda-rendered|study\.xlsx|offers\.csv|report\.html|conclusions\.kv|tables/[a-z_]+\.tsv)$' | tr '\n' ' ')
[ -z "$inner" ] && ok "no interim file or model rewritten" || bad "a title edit rewrote: $inner"
echo "$changed" | grep -qx 'figures/shapbar_test.png' && ok "the figure with the title was redrawn" \
  || bad "shapbar_test.png was not redrawn"
mk "$A" "$AO" TEXT="$TMP/text.yaml" >"$TMP/log10" 2>&1
grep -q "Nothing to be done" "$TMP/log10" && ok "then nothing to be done" || bad "a further run reran: $(head -3 "$TMP/log10")"
# A reference the text file cannot resolve: one line naming the figure's data and the missing key.
param drop "$TMP/text.yaml" explain.titles.bar
out=$(mk "$A" "$AO" TEXT="$TMP/text.yaml" 2>&1)
st=$?
[ "$st" != 0 ] && echo "$out" | grep -q "shapbar_test.gpv:[0-9]*: $TMP/text.yaml: expected a text at explain.titles.bar, found none" \
  && ok "a missing title: exit $st, names it" || bad "a missing title: exit $st: $(echo "$out" | grep -v '^gnuplot' | head -3)"
mk "$A" "$AO" >/dev/null 2>&1 # back to the committed text, for the comparisons below

echo "test_rerun: every core by default, the same bytes"
B=$TMP/b BO=$TMP/b_out
# A top-level make, as the user types it (the suite's own make is not).
env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make --no-print-directory report SAN="$SAN" DATA="$REAL" INTERIM="$B" \
  OUT="$BO" SYNTH_DIR="$TMP/synth" PARAMS="$P" JOBS=2 >"$TMP/logj" 2>&1 && ok "make report (JOBS=2)" \
  || { tail -5 "$TMP/logj"; bad "make report (JOBS=2)"; }
# Two stages at once shows in the log as a second command started before the first one's output
# is complete; the robust proof is the bytes, so only those are asserted.
# tests/compare_study.sh is the check a refactor runs on before/after outputs.
if bash tests/compare_study.sh "$A" "$AO" "$B" "$BO" >"$TMP/cmp" 2>&1; then
  ok "interim files, figures, workbook and HTML identical to -j1 (tests/compare_study.sh)"
else bad "differs from -j1: $(head -5 "$TMP/cmp" | tr '\n' ' ')"; fi
# ... and it sees a difference: one cell of one interim file.
cp -r "$B" "$TMP/b2"
sed -i '2s/\t[^\t]*$/\t12345/' "$TMP/b2/merge.kv"
if bash tests/compare_study.sh "$A" "$AO" "$TMP/b2" "$BO" >"$TMP/cmp2" 2>&1; then bad "compare_study missed a changed merge.kv"
else grep -q "merge.kv" "$TMP/cmp2" && ok "compare_study names a changed file" || bad "compare_study said: $(cat "$TMP/cmp2")"; fi

echo "test_rerun: DATA=synthetic"
make --no-print-directory SAN="$SAN" DATA=synthetic INTERIM="$TMP/s" OUT="$TMP/s_out" SYNTH_DIR="$TMP/synth" \
  PARAMS="$P" "$TMP/s/customers.tsv" >"$TMP/logs" 2>&1 && ok "DATA=synthetic up to customers.tsv" \
  || { tail -5 "$TMP/logs"; bad "DATA=synthetic"; }
grep -q "^note: DATA=synthetic" "$TMP/logs" && ok "says it is synthetic" || bad "no synthetic note"
# Its figures say so too (report/figures/synthetic.gp): the same data drawn
# without the mark is another picture.
make --no-print-directory SAN="$SAN" DATA=synthetic INTERIM="$TMP/s" OUT="$TMP/s_out" SYNTH_DIR="$TMP/synth" \
  PARAMS="$P" "$TMP/s_out/figures/.eda-rendered" >>"$TMP/logs" 2>&1 && ok "DATA=synthetic: eda's figures" \
  || { tail -5 "$TMP/logs"; bad "DATA=synthetic: eda's figures"; }
gnuplot -e "base=\"$TMP/s/figures/balance_target\"; out=\"$TMP/unmarked.png\"" report/figures/balance.gp 2>/dev/null
if [ -s "$TMP/s_out/figures/balance_target.png" ] && [ -s "$TMP/unmarked.png" ] &&
  ! cmp -s "$TMP/s_out/figures/balance_target.png" "$TMP/unmarked.png"; then ok "a synthetic figure carries the mark"
else bad "a synthetic figure looks like a real one"; fi

echo "test_rerun: the tests run on the committed params.yaml"
G=$TMP/git
mkdir -p "$G" && cp "$STUDY_PARAMS" "$G/params.yaml"
(cd "$G" && git init -q && git add params.yaml && git -c user.name=t -c user.email=t@t commit -qm p)
echo "seed: [not, a, number]" >>"$G/params.yaml"
(cd "$G" && env -u ONECLICK_PARAMS bash "$OLDPWD/tests/study-params.sh" "$G/used.yaml" 2>"$G/note")
cmp -s "$G/used.yaml" "$STUDY_PARAMS" && ok "an edited params.yaml: the committed one is used" \
  || bad "an edited params.yaml leaked into the tests"
grep -q "params.yaml has edits" "$G/note" && ok "and a note says so" || bad "no note about the edits"
finish
