#!/usr/bin/env bash
# compare_study.sh A_INTERIM A_OUT B_INTERIM B_OUT: are two runs of the study
# the same? Every interim file byte for byte (but the params bookkeeping and
# the measured fit times), every figure byte for byte, and the workbook and
# the HTML in every cell and paragraph but the provenance (the git commit
# that wrote them). Prints one line per difference; exit 0 when none.
#
# For a refactor: run `make report INTERIM=/tmp/before/i OUT=/tmp/before/o`
# on the old commit and the same into /tmp/after on the new one, then
#   bash tests/compare_study.sh /tmp/before/i /tmp/before/o /tmp/after/i /tmp/after/o
set -u
[ $# = 4 ] || { echo "usage: $0 A_INTERIM A_OUT B_INTERIM B_OUT" >&2; exit 2; }
AI=$1 AO=$2 BI=$3 BO=$4
W=$(mktemp -d "${TMPDIR:-/tmp}/compare-study.XXXXXX")
trap 'rm -rf "$W"' EXIT
diffs=0
say() { echo "differs: $*"; diffs=$((diffs + 1)); }

# Interim files (models included when they sit under the interim folder).
while read -r line; do say "$line"; done < <(diff -rq -x params -x fit_times.tsv "$AI" "$BI" 2>&1)

# Figures.
for f in "$AO"/figures/*.png; do
  b=$BO/figures/${f##*/}
  [ -f "$b" ] || { say "figure ${f##*/} missing in $BO"; continue; }
  cmp -s "$f" "$b" || say "figure ${f##*/}"
done
for f in "$BO"/figures/*.png; do [ -f "$AO/figures/${f##*/}" ] || say "figure ${f##*/} only in $BO"; done

# The workbook: every part of the archive, with the commit hash masked.
mask() { sed -E 's/[0-9a-f]{40}(-dirty)?/COMMIT/g'; }
for side in A B; do
  out=$AO; [ $side = B ] && out=$BO
  mkdir -p "$W/$side"
  (cd "$W/$side" && unzip -qo "$out/study.xlsx") || say "cannot unzip $out/study.xlsx"
done
while read -r part; do
  rel=${part#"$W/A/"}
  if [ ! -f "$W/B/$rel" ]; then say "study.xlsx: part $rel missing in $BO"
  elif ! cmp -s <(mask <"$part") <(mask <"$W/B/$rel"); then say "study.xlsx: $rel"; fi
done < <(find "$W/A" -type f | sort)

# The HTML, paragraph by paragraph (one tag a line), the commit masked.
cmp -s <(sed 's/></>\n</g' "$AO/report.html" | mask) <(sed 's/></>\n</g' "$BO/report.html" | mask) \
  || say "report.html: $(diff <(sed 's/></>\n</g' "$AO/report.html" | mask) \
       <(sed 's/></>\n</g' "$BO/report.html" | mask) | grep -c '^[<>]') lines"
[ "$diffs" = 0 ] && echo "compare_study: the same study" && exit 0
echo "compare_study: $diffs differences"
exit 1
