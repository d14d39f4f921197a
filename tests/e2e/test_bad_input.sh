#!/usr/bin/env bash
# Bad input gets one clear line naming the file, line and column, a non-zero
# exit (1 for params, 2 for data), and leaves no output behind. Valid oddities
# (quotes, BOM, line ends) read correctly.
source "$(dirname "$0")/lib.sh"
need_real
D=$TMP/data O=$TMP/out
fresh() { rm -rf "$D" "$O"; mkdir -p "$D" "$O"; cp "$REAL"/*.csv "$D/"; cp "$STUDY_PARAMS" "$TMP/params.yaml"; }
load() { "$BIN/load" --params "$TMP/params.yaml" --in "$D" --out "$O" --kv "$O/load.kv"; }
load_clean() {
  load && "$BIN/clean" --params "$TMP/params.yaml" --in "$O" --out "$O" --quality "$O/quality.tsv" --kv "$O/clean.kv"
}
no_output() { # no_output NAME FILES...
  local name=$1; shift
  for f in "$@"; do [ -e "$O/$f" ] && { bad "$name: $f was left behind"; return; }; done
  [ -z "$(find "$O" -name '*.tmp.*')" ] || { bad "$name: a temporary file was left behind"; return; }
  ok "$name: no output left behind"
}
LOADED="customers.tsv revenue.tsv minutes.tsv profit.tsv load.kv"
row_of() { grep -n "^$2[,;]" "$D/$1" | head -1 | cut -d: -f1; } # line number of an id

echo "test_bad_input: data errors"
fresh; rm "$D/money.csv"
expect "missing file" 2 '^load: .*money\.csv: cannot open: No such file' load; no_output "missing file" $LOADED
fresh; : >"$D/market_file.csv"
expect "empty file" 2 '^load: .*market_file\.csv:1:1: expected a header row, found an empty file' load
no_output "empty file" $LOADED
fresh; head -1 "$D/market_time.csv" >"$D/t" && mv "$D/t" "$D/market_time.csv"
expect "header only" 2 '^load: .*market_time\.csv:2:1: expected at least one data row' load
fresh; cut -d, -f1-12 "$D/market_file.csv" >"$D/t" && mv "$D/t" "$D/market_file.csv"
expect "missing column" 2 'market_file\.csv:1:1: expected a column "Страниц_за_визит"' load
fresh; sed -i '1s/Длительность/Длительность_дней/' "$D/market_file.csv"
expect "renamed column" 2 'market_file\.csv:1:1: expected a column "Длительность"' load
fresh; sed -i '3s/^215349,\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),819,/215349,\1,\2,\3,\4,\5,8l9,/' "$D/market_file.csv"
expect "non-numeric value" 2 'market_file\.csv:3:7: expected a number .* "Длительность", found "8l9" \(customer 215349\)$' load
fresh; sed -i '4s/^215350,/215349,/' "$D/market_file.csv"
expect "duplicate id" 2 'market_file\.csv:4:1: expected a unique id, found "215349" again \(first at line 3\)' load
fresh; sed -i '/^215349,/d' "$D/market_money.csv"
expect "customer missing from a period table" 2 'market_money\.csv: expected rows for every customer, found none for id 215349 \(.*market_file\.csv:3\)' load
fresh; sed -i '0,/текущий_месяц/s//текущий_месяцц/' "$D/market_time.csv"
expect "unknown period label" 2 '^clean: market_time\.csv:2:2: expected a period label of schema\.periods\.minutes, found "текущий_месяцц" \(customer 215348\)$' load_clean
fresh; sed -i 's/,/;/g' "$D/market_file.csv"
expect "wrong separator" 2 "market_file\.csv:1:1: expected fields separated by ',' .* found one column with ';' inside" load
fresh; iconv -f utf-8 -t cp1251 "$REAL/market_file.csv" >"$D/market_file.csv"
expect "invalid UTF-8 (Windows-1251)" 2 'market_file\.csv:1:\d+: expected UTF-8 text.*Windows-1251' load
fresh; sed -i '3s/,5\r$/,NaN\r/' "$D/market_file.csv"
expect "NaN" 2 'market_file\.csv:3:13: expected a number .*found "NaN"' load
fresh; sed -i '6s/^\(215352;\).*/\1inf\r/' "$D/money.csv"
expect "inf" 2 'money\.csv:6:2: expected a number .*found "inf" \(customer 215352\)$' load
fresh; sed -i '2s/,14\r$/,-14\r/' "$D/market_time.csv"
expect "negative minutes" 2 '^clean: market_time\.csv:2:3: expected минут in \[0, inf\], found -14 \(customer 215348\)$' load_clean
no_output "negative minutes" clean/customers.tsv quality.tsv clean.kv
fresh; printf 'id,x\r\n1,2\0\r\n' >"$D/market_file.csv"
expect "embedded NUL" 2 'market_file\.csv:2:\d+: .*NUL' load
fresh; sed -i '3s/,5\r$/\r/' "$D/market_file.csv"
expect "ragged row" 2 'market_file\.csv:3:\d+: expected 13 fields' load

echo "test_bad_input: params errors"
P=$TMP/params.yaml
params() { "$BIN/params" --params "$P" --out "$O"; }
fresh; param set "$P" clean.outlier.max_revenue lots
expect "wrong type" 1 'params\.yaml:\d+:\d+: clean\.outlier\.max_revenue: expected a number, found "lots"' load_clean
fresh; param set "$P" seed -1
expect "out of range" 1 'params\.yaml:\d+:\d+: seed: expected an integer in \[0, 4294967295\], found -1' params
fresh; param add "$P" clean.missing 'mising: drop'
expect "unknown key" 1 'params\.yaml:\d+:3: unknown key clean\.mising: expected one of' load_clean
fresh; param drop "$P" clean.missing
expect "missing key" 1 'params\.yaml:\d+:\d+: missing key clean\.missing' load_clean
fresh; param add "$P" schema.id 'idd: id'
expect "unknown schema key" 1 'params\.yaml:\d+:3: unknown key schema\.idd' params
fresh; param rename "$P" merge mrege
expect "unknown section" 1 'params\.yaml:\d+:1: unknown key \(top level\)\.mrege' params
fresh; printf 'seed: [\n' >"$P"
expect "invalid YAML" 1 'params\.yaml:\d+:\d+: expected valid YAML' params

echo "test_bad_input: valid oddities read correctly"
fresh; load && cp "$O/customers.tsv" "$TMP/ref_customers.tsv"
fresh; sed -i 's/\r$//' "$D"/*.csv
load && cmp -s "$O/customers.tsv" "$TMP/ref_customers.tsv" && ok "LF line ends" || bad "LF line ends"
fresh; sed -i '1~2s/\r$//' "$D/market_file.csv"
load && cmp -s "$O/customers.tsv" "$TMP/ref_customers.tsv" && ok "mixed line ends" || bad "mixed line ends"
fresh; printf '\xef\xbb\xbf' | cat - "$REAL/market_file.csv" >"$D/market_file.csv"
load && cmp -s "$O/customers.tsv" "$TMP/ref_customers.tsv" && ok "UTF-8 BOM" || bad "UTF-8 BOM"
fresh; head -c -2 "$REAL/market_file.csv" >"$D/market_file.csv"
load && cmp -s "$O/customers.tsv" "$TMP/ref_customers.tsv" && ok "no final newline" || bad "no final newline"
fresh; sed -i '3s/Товары для детей/"Товары, для\r\nдетей"/' "$D/market_file.csv"
if load; then
  got=$(awk -F'\t' '$1=="215349"{print $9 "|" $14}' "$O/customers.tsv")
  [ "$got" = 'Товары, для\r\nдетей|3' ] && ok "quoted separator and newline: value and line kept" || bad "quoted field read as [$got]"
  next=$(awk -F'\t' '$1=="215350"{print $14}' "$O/customers.tsv")
  [ "$next" = 5 ] && ok "the row after a quoted newline starts at line 5" || bad "next row's line is $next"
else bad "quoted separator and newline"; fi
fresh; cut -d, -f1,3- "$REAL/market_file.csv" >"$D/market_file.csv"
"$BIN/load" --params "$TMP/params.yaml" --in "$D" --out "$O" --kv "$O/load.kv" --target no \
  && [ "$(head -1 "$O/customers.tsv" | cut -f2)" = "Тип сервиса" ] && ok "--target no: new customers load without the target" \
  || bad "--target no"
finish
