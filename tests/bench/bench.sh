#!/usr/bin/env bash
# The study's benchmarks (run by `make bench`, see tests/bench/README.md).
#
# real:  on the real data (data/raw or $ONECLICK_REAL):
#        a cold `make report`, a warm rerun after a segment.* edit, the
#        train stage alone and the explain stage alone, each `repeat` times;
#        wall time (median) and peak memory (the largest process).
# scale: synthetic data of bench.sizes customers through `make report` with
#        the default params (only synth.n set), time and memory per stage;
#        KNN and SVC also timed apart on a capped subsample.
# Every recipe line runs under benchsh (make's SHELL), which logs the stage,
# wall, user and system time and peak RSS. Results go to $BENCH_DIR.
set -euo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/bin
SH=$PWD/$BUILD/bench/benchsh
CAPPED=$PWD/$BUILD/bench/bench_capped
SEARCH=$PWD/$BUILD/bench/bench_search
PY=${BENCH_PYTHON:-/usr/bin/python3}
OUTDIR=${BENCH_DIR:-build/bench}
REAL=${ONECLICK_REAL:-data/raw}
OVERLAY=tests/bench/bench.yaml
PARTS=${BENCH_PARTS:-real scale}
JOBS=${BENCH_JOBS:-1}

# bench.KEY from the overlay: a scalar, or a flow list printed space-separated.
knob() { awk -v k="$1" '/^bench:/{b=1;next} /^[^ #]/{b=0} b && $1==k":" {sub(/^[^:]*:[ ]*/,""); sub(/[ ]*#.*/,""); gsub(/[][,]/," "); print; exit}' "$OVERLAY"; }
SIZES=${BENCH_SIZES:-$(knob sizes)}
REPEAT=${BENCH_REPEAT:-$(knob repeat)}
[ -n "$SIZES" ] || SIZES=$(knob sizes)
[ -n "$REPEAT" ] || REPEAT=$(knob repeat)

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/oneclick-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# A private copy of the programs, which make takes as up to date (-o): on a
# shared checkout another engineer's build relinks build/*/bin/* while the
# bench runs, and make would rerun every stage whose program looks newer
# (or run a half-written one).
mkdir -p "$TMP/build/bin" "$TMP/build/bench"
cp "$BIN"/* "$TMP/build/bin/"
cp "$SH" "$CAPPED" "$SEARCH" "$TMP/build/bench/"
SH=$TMP/build/bench/benchsh
CAPPED=$TMP/build/bench/bench_capped
SEARCH=$TMP/build/bench/bench_search
ASSUME=()
for b in "$TMP"/build/bin/*; do ASSUME+=(-o "$b"); done
# And of what those programs read from the checkout: params.yaml and the
# report's template, which their authors edit together with the programs.
bash tests/study-params.sh "$TMP/params.yaml" # the committed params, as the tests use
cp "${REPORT_MD:-report/report.md}" "$TMP/report.md"
BASE=$TMP/params.yaml

now() { date +%s.%N; }
# run_make LOG DIR PARAMS DATA TARGET...: the study in DIR, every stage logged to LOG.
# -k: a stage that is not in the DAG yet, or fails, does not hide the others' times.
run_make() {
  local log=$1 dir=$2 params=$3 data=$4
  shift 4
  BENCH_LOG=$log make -k -s --no-print-directory -j"$JOBS" "${ASSUME[@]}" SHELL="$SH" BUILD="$TMP/build" DATA="$data" \
    INTERIM="$dir/interim" OUT="$dir/out" SYNTH_DIR="$dir/synth" PARAMS="$params" REPORT_MD="$TMP/report.md" "$@" \
    >>"$dir/make.log" 2>&1
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "NaN"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# Sum each stage's records of one log (figures are many gnuplot runs): stage wall cpu maxrss_kb.
by_stage() { awk -F'\t' '{w[$1]+=$2; c[$1]+=$3+$4; if ($5>m[$1]) m[$1]=$5; if (!($1 in o)) {o[$1]=++n; s[n]=$1}; if ($6 != 0) f[$1]=1}
  END {for (i = 1; i <= n; i++) printf "%s\t%.3f\t%.3f\t%d\t%s\n", s[i], w[s[i]], c[s[i]], m[s[i]], (s[i] in f) ? "FAILED" : "ok"}' "$1"; }
hr() { printf '%s\n' "------------------------------------------------------------------------------"; }

echo "bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), results in $OUTDIR"

# ---------------------------------------------------------------- real data
if [[ " $PARTS " == *" real "* ]]; then
  if [ ! -f "$REAL/market_file.csv" ]; then
    echo "bench: the real data is not at $REAL (set ONECLICK_REAL); skipping the real-data benchmarks" >&2
  else
    REAL=$(cd "$REAL" && pwd)
    R=$OUTDIR/real_runs.tsv
    printf 'bench\trun\tstage\twall_s\tcpu_s\tmaxrss_kb\tstatus\n' >"$R"
    TOT=$TMP/real_total.tsv
    : >"$TOT"
    echo "bench: real data, $REPEAT runs each (cold report, warm report after a segment edit, train, explain)"
    for r in $(seq 1 "$REPEAT"); do
      d=$TMP/real$r
      mkdir -p "$d"
      cp "$BASE" "$d/params.yaml"
      t0=$(now)
      run_make "$d/cold.log" "$d" "$d/params.yaml" "$REAL" report || true
      printf 'cold_report\t%s\t%.3f\n' "$r" "$(echo "$(now) - $t0" | bc)" >>"$TOT"
      by_stage "$d/cold.log" | sed "s/^/cold_report\t$r\t/" >>"$R"
    done
    d=$TMP/real1
    for r in $(seq 1 "$REPEAT"); do
      # An analyst's edit: the high-risk threshold, alternately 0.7 and 0.69.
      thr=$([ $((r % 2)) = 1 ] && echo 0.69 || echo 0.7)
      awk -v t="$thr" '/^segment:/{s=1} /^[a-z]/ && !/^segment:/{s=0} s && /^    thresholds: \[0\.[0-9]+\]/ && !x {sub(/\[0\.[0-9]+\]/, "[" t "]"); x=1} {print}' \
        "$d/params.yaml" >"$d/params.new" && mv "$d/params.new" "$d/params.yaml"
      : >"$d/warm$r.log"
      t0=$(now)
      run_make "$d/warm$r.log" "$d" "$d/params.yaml" "$REAL" report || true
      printf 'warm_segment\t%s\t%.3f\n' "$r" "$(echo "$(now) - $t0" | bc)" >>"$TOT"
      by_stage "$d/warm$r.log" | sed "s/^/warm_segment\t$r\t/" >>"$R"
    done
    # A stage alone. make runs the stages one at a time (-j1), so each cold
    # run already timed train and explain alone on their inputs: those records
    # are the default. BENCH_ALONE=1 reruns each stage's recipe, as make ran it
    # in the first cold run, `repeat` more times (explain with KernelSHAP on
    # the real data's KNN takes minutes).
    for st in train explain; do
      if [ "${BENCH_ALONE:-0}" != 1 ]; then
        awk -F'\t' -v s="$st" '$1=="cold_report" && $3==s {printf "%s_alone\t%s\t%s\n", s, $2, $4}' "$R" >>"$TOT"
        awk -F'\t' -v s="$st" -v OFS='\t' '$1=="cold_report" && $3==s {$1=s "_alone"; print}' "$R" >>"$R.alone"
        continue
      fi
      cmd=$(awk -F'\t' -v s="$st" '$1==s {print $7; exit}' "$d/cold.log")
      if [ -z "$cmd" ]; then
        echo "bench: no $st stage in the DAG yet (mk/$st.mk): skipped" >&2
        continue
      fi
      for r in $(seq 1 "$REPEAT"); do
        : >"$d/$st$r.log"
        t0=$(now)
        BENCH_LOG=$d/$st$r.log "$SH" -c "$cmd" >>"$d/make.log" 2>&1 || true
        printf '%s_alone\t%s\t%.3f\n' "$st" "$r" "$(echo "$(now) - $t0" | bc)" >>"$TOT"
        by_stage "$d/$st$r.log" | sed "s/^/${st}_alone\t$r\t/" >>"$R"
      done
    done
    [ -f "$R.alone" ] && cat "$R.alone" >>"$R" && rm -f "$R.alone"
    # The summary: per benchmark, the median wall over runs, the largest process.
    S=$OUTDIR/real.tsv
    printf 'bench\truns\twall_median_s\twall_min_s\twall_max_s\tcpu_median_s\tpeak_rss_mb\tstages_run\n' >"$S"
    for b in cold_report warm_segment train_alone explain_alone; do
      grep -q "^$b	" "$TOT" || continue
      w=$(awk -F'\t' -v b="$b" '$1==b {print $3}' "$TOT")
      med=$(echo "$w" | median)
      mn=$(echo "$w" | sort -g | head -1)
      mx=$(echo "$w" | sort -g | tail -1)
      cpu=$(awk -F'\t' -v b="$b" '$1==b {c[$2]+=$5} END {for (r in c) print c[r]}' "$R" | median)
      rss=$(awk -F'\t' -v b="$b" '$1==b && $6>m {m=$6} END {printf "%.1f", m/1024}' "$R")
      ran=$(awk -F'\t' -v b="$b" '$1==b && $2==1 {printf "%s%s", sep, $3; sep=","}' "$R")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$REPEAT" "$med" "$mn" "$mx" "$cpu" "$rss" "${ran:--}" >>"$S"
    done
    # Per stage of the cold report: the median over runs.
    ST=$OUTDIR/real_stages.tsv
    printf 'stage\twall_median_s\tcpu_median_s\tpeak_rss_mb\tstatus\n' >"$ST"
    for s in $(awk -F'\t' '$1=="cold_report" && $2==1 {print $3}' "$R"); do
      w=$(awk -F'\t' -v s="$s" '$1=="cold_report" && $3==s {print $4}' "$R" | median)
      c=$(awk -F'\t' -v s="$s" '$1=="cold_report" && $3==s {print $5}' "$R" | median)
      m=$(awk -F'\t' -v s="$s" '$1=="cold_report" && $3==s && $6>m {m=$6} END {printf "%.1f", m/1024}' "$R")
      st=$(awk -F'\t' -v s="$s" '$1=="cold_report" && $3==s && $7!="ok" {x="FAILED"} END {print x ? x : "ok"}' "$R")
      printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$w" "$c" "$m" "$st" >>"$ST"
    done
    hr
    echo "Real data ($(basename "$REAL")): wall time, median of $REPEAT runs; peak RSS of the largest process"
    awk -F'\t' 'NR==1 {printf "%-14s %9s %8s %8s %9s %9s  %s\n", "benchmark", "median s", "min s", "max s", "cpu s", "peak MB", "stages run"; next}
      {printf "%-14s %9.2f %8.2f %8.2f %9.2f %9.1f  %s\n", $1, $3, $4, $5, $6, $7, $8}' "$S"
    echo
    echo "Cold make report, per stage (median of $REPEAT runs):"
    awk -F'\t' 'NR==1 {printf "%-10s %10s %10s %10s  %s\n", "stage", "wall s", "cpu s", "peak MB", "status"; next}
      {printf "%-10s %10.3f %10.3f %10.1f  %s\n", $1, $2, $3, $4, $5; w+=$2; c+=$3}
      END {printf "%-10s %10.3f %10.3f\n", "sum", w, c}' "$ST"
    grep -E 'Error|error|No rule' "$TMP/real1/make.log" | sort -u | head -5 | sed 's/^/  make: /' || true

    # Side by side with the notebook: a cold `make report` as a user runs it
    # (every core), scikit-learn's RandomizedSearchCV alone (sklearn_search.py:
    # the same five spaces, 100 candidates, the same 5 folds, 2 jobs) and our
    # search alone on the same candidates count (bench_search, 2 threads).
    V=$OUTDIR/real_vs_sklearn.tsv
    printf 'bench\trun\twall_s\n' >"$V"
    I=$TMP/real1/interim
    for r in $(seq 1 "$REPEAT"); do
      d=$TMP/par$r
      mkdir -p "$d"
      t0=$(now)
      JOBS=$(nproc) run_make "$d/cold.log" "$d" "$BASE" "$REAL" report || true
      printf 'cold_report_parallel\t%s\t%.3f\n' "$r" "$(echo "$(now) - $t0" | bc)" >>"$V"
      "$PY" tests/bench/sklearn_search.py "$I" 100 2 | awk -F'\t' -v r="$r" -v OFS='\t' '{print "sklearn_search", r, $4}' >>"$V"
      "$SEARCH" "$BASE" "$I/customers.tsv" 100 2>/dev/null |
        awk -F'\t' -v r="$r" -v OFS='\t' '$1=="bench_search" && $4==2 {print "our_search", r, $5}' >>"$V"
      rm -rf "$d"
    done
    med() { awk -F'\t' -v b="$1" '$1==b {print $3}' "$V" | median; }
    rep=$(med cold_report_parallel) skl=$(med sklearn_search) our=$(med our_search)
    echo
    echo "Against scikit-learn (median of $REPEAT runs; $V):"
    awk -v rep="$rep" -v skl="$skl" -v our="$our" 'BEGIN {
      printf "  sklearn search, 100 candidates x 5 folds  %7.2f s  %6.1f candidates/s\n", skl, 100 / skl
      printf "  our search, the same                      %7.2f s  %6.1f candidates/s  %5.1fx sklearn (target 20x)\n", our, 100 / our, skl / our
      printf "  cold make report, every core              %7.2f s  %5.2fx the sklearn search alone (target 3x)\n", rep, skl / rep }'
  fi
fi

# ---------------------------------------------------------------- scale series
if [[ " $PARTS " == *" scale "* ]]; then
  SC=$OUTDIR/scale.tsv
  CP=$OUTDIR/scale_capped.tsv
  printf 'n\tstage\twall_s\tcpu_s\tmaxrss_kb\tstatus\n' >"$SC"
  printf 'family\tn\trows_used\tcandidates\tfolds\twall_s\tcpu_s\tmaxrss_kb\tbest_cv_roc_auc\n' >"$CP"
  hr
  echo "Scale series on synthetic data: n = $SIZES (the default params, synth.n set)"
  for n in $SIZES; do
    d=$TMP/n$n
    mkdir -p "$d"
    tests/bench/mkparams.sh "$BASE" "$OVERLAY" "synth.n=$n" >"$d/params.yaml"
    : >"$d/stages.log"
    # The data first, so that the end-to-end time is the study's alone.
    run_make "$d/stages.log" "$d" "$d/params.yaml" synthetic \
      $(printf "$d/synth/%s " market_file.csv market_money.csv market_time.csv money.csv) || true
    t0=$(now)
    run_make "$d/stages.log" "$d" "$d/params.yaml" synthetic report || true
    total=$(echo "$(now) - $t0" | bc)
    by_stage "$d/stages.log" | awk -F'\t' -v n="$n" -v OFS='\t' '{print n, $1, $2, $3, $4, $5}' >>"$SC"
    printf '%s\tend_to_end\t%.3f\t%s\t%s\tok\n' "$n" "$total" \
      "$(awk -F'\t' '$1!="synth" && $1!="params" {c+=$3+$4} END {printf "%.3f", c}' "$d/stages.log")" \
      "$(awk -F'\t' '$1!="synth" && $5>m {m=$5} END {print m+0}' "$d/stages.log")" >>"$SC"
    if [ -f "$d/interim/customers.tsv" ]; then
      "$CAPPED" --params "$d/params.yaml" --in "$d/interim/customers.tsv" --out "$CP" 2>>"$d/make.log" || true
    fi
    awk -F'\t' -v n="$n" '$1==n && $2=="end_to_end" {printf "  n = %-8s end to end %8.2f s wall, %8.2f s cpu, largest process %7.1f MB\n", n, $3, $4, $5/1024}' "$SC"
    grep -E 'Error|error|No rule' "$d/make.log" | sort -u | head -3 | sed 's/^/  make: /' || true
    cp "$d/make.log" "$OUTDIR/scale_make_$n.log"
    rm -rf "$d"
  done
  echo
  stages=$(awk -F'\t' 'NR>1 && !seen[$2]++ {print $2}' "$SC")
  echo "Wall seconds per stage (peak MB of its largest process in parentheses):"
  printf '%-11s' stage
  for n in $SIZES; do printf ' %18s' "n=$n"; done
  printf '  %s\n' "slope (last two n)"
  for s in $stages; do
    printf '%-11s' "$s"
    for n in $SIZES; do
      awk -F'\t' -v n="$n" -v s="$s" '$1==n && $2==s {printf " %9.3f (%6.0f)", $3, $5/1024; f=1} END {if (!f) printf " %18s", "-"}' "$SC"
    done
    # The local log-log slope: 1 is linear; n log n reads about 1.1 at these sizes.
    awk -F'\t' -v s="$s" -v sizes="$SIZES" 'BEGIN {k = split(sizes, z, " ")}
      $2==s {t[$1]=$3} END {a=z[k-1]; b=z[k]; if (k >= 2 && t[a] > 0.05 && t[b] > 0) printf "  %.2f", log(t[b]/t[a])/log(b/a); else printf "  -"}' "$SC"
    echo
  done
  echo
  echo "CPU seconds (user + system) per stage: what the stage costs whatever else runs on the machine:"
  printf '%-11s' stage
  for n in $SIZES; do printf ' %12s' "n=$n"; done
  printf '  %s\n' "slope (last two n)"
  for s in $stages; do
    printf '%-11s' "$s"
    for n in $SIZES; do
      awk -F'\t' -v n="$n" -v s="$s" '$1==n && $2==s {printf " %12.3f", $4; f=1} END {if (!f) printf " %12s", "-"}' "$SC"
    done
    awk -F'\t' -v s="$s" -v sizes="$SIZES" 'BEGIN {k = split(sizes, z, " ")}
      $2==s {t[$1]=$4} END {a=z[k-1]; b=z[k]; if (k >= 2 && t[a] > 0.05 && t[b] > 0) printf "  %.2f", log(t[b]/t[a])/log(b/a); else printf "  -"}' "$SC"
    echo
  done
  echo
  echo "Capped families (bench.cap training rows at most, $(knob n_iter) candidates x 5 folds each):"
  awk -F'\t' 'NR==1 {printf "%-7s %9s %9s %10s %10s %9s %8s\n", "family", "n", "rows", "wall s", "cpu s", "peak MB", "CV AUC"; next}
    {printf "%-7s %9s %9s %10.2f %10.2f %9.1f %8.4f\n", $1, $2, $3, $6, $7, $8/1024, $9}' "$CP"
  # The figure: CPU time against n, one line per stage (failed runs left out), log-log.
  W=$OUTDIR/scale_wide.tsv
  { printf 'n'; for s in $stages; do printf '\t%s' "$s"; done; echo
    for n in $SIZES; do
      printf '%s' "$n"
      for s in $stages; do printf '\t%s' "$(awk -F'\t' -v n="$n" -v s="$s" '$1==n && $2==s && $6=="ok" {v=$4} END {print v == "" ? "?" : v}' "$SC")"; done
      echo
    done; } >"$W"
  for f in knn svc; do
    awk -F'\t' -v f="$f" 'NR>1 && $1==f {printf "%s\t%s\n", $2, $7}' "$CP" >"$OUTDIR/scale_capped_$f.tsv"
  done
  if gnuplot -e "data='$W'; capdir='$OUTDIR'; out='$OUTDIR/scale.png'" tests/bench/scale.gp 2>"$TMP/gp.err"; then
    echo "figure: $OUTDIR/scale.png"
  else
    echo "bench: gnuplot failed: $(head -3 "$TMP/gp.err")" >&2
  fi
  # The targets of the issue at the largest n.
  big=$(echo "$SIZES" | tr ' ' '\n' | sort -g | tail -1)
  awk -F'\t' -v n="$big" '$1==n && $2=="end_to_end" {
    printf "target at n = %s: end to end %.1f s (<= 120 s: %s), largest process %.0f MB (<= 2048 MB: %s)\n",
      n, $3, ($3 <= 120 ? "met" : "MISSED"), $5/1024, ($5/1024 <= 2048 ? "met" : "MISSED")}' "$SC"
fi
