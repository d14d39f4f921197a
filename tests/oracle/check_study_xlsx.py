#!/usr/bin/python3
"""Check report/out/study.xlsx with openpyxl, an independent reader.

    /usr/bin/python3 tests/oracle/check_study_xlsx.py STUDY.xlsx INTERIM DATA_DIR SYNTHETIC(0|1) [EPOCH]

Every sheet is read. Checks: the sheet order (Сводка first, Параметры last),
no formula anywhere (text from the data is always a string), every data sheet
has a bold frozen header and an autofilter; Сводка gives the rows in and out
and labels synthetic data; Качество данных has one row per quality.tsv row
with every code in Russian; Клиенты has one row per customers.tsv row with the
same ids and target, percentages and money formatted; Параметры names each
input file with the SHA-256 hashlib computes; the created time is EPOCH when
given. Prints one line per check; exit status 1 on any failure, 2 on usage.
Used by tests/e2e/test_report.sh when openpyxl is installed (skipped otherwise).
"""
import csv
import datetime
import hashlib
import os
import sys

import openpyxl

FAILS = 0


def check(ok, what):
    global FAILS
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        FAILS += 1


def tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def kv(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f)


def main(argv):
    if len(argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, interim, data_dir, synthetic = argv[1], argv[2], argv[3], argv[4] == "1"
    epoch = int(argv[5]) if len(argv) > 5 else None
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    check(names[0] == "Сводка" and names[-1] == "Параметры", f"sheet order: {names}")
    for need in ("Качество данных", "Клиенты"):
        check(need in names, f"sheet {need} present")

    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    check(not formulas, f"no formulas (found {formulas[:3]})")
    for ws in wb.worksheets[1:]:
        head = [c for c in ws[1] if c.value is not None]
        check(ws.freeze_panes in ("A2", "B2") and ws.auto_filter.ref and all(c.font.b for c in head),
              f"{ws.title}: frozen bold header, autofilter {ws.auto_filter.ref}")

    load, merge = kv(os.path.join(interim, "load.kv")), kv(os.path.join(interim, "merge.kv"))
    s = wb["Сводка"]
    values = {r[0].value: r[1].value for r in s.iter_rows(min_row=2) if r[0].value}
    check(values.get("Покупателей в выгрузке") == int(load["customers_rows"]),
          f"Сводка: customers in = {values.get('Покупателей в выгрузке')}")
    check(values.get("Покупателей в исследовании") == int(merge["rows"]),
          f"Сводка: customers out = {values.get('Покупателей в исследовании')}")
    banner = str(s["A2"].value or "")
    check(banner.startswith("ДАННЫЕ СИНТЕТИЧЕСКИЕ") == synthetic, f"Сводка: synthetic label {synthetic}: {banner[:40]!r}")

    q = tsv(os.path.join(interim, "quality.tsv"))
    ws = wb["Качество данных"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    check(len(rows) == len(q) - 1, f"Качество данных: {len(rows)} rows, quality.tsv {len(q) - 1}")
    english = {"typo", "range", "missing", "inactive", "outlier", "drop", "fixed", "kept", "checked",
               "customer dropped", "rows removed", "none found", "customers", "revenue"}
    check(not any(v in english for r in rows for v in (r[0], r[1], r[4])), "Качество данных: codes in Russian")
    check([r[3] for r in rows] == [int(x[3]) for x in q[1:]], "Качество данных: rows affected as in quality.tsv")

    c = tsv(os.path.join(interim, "customers.tsv"))
    ws = wb["Клиенты"]
    rows = list(ws.iter_rows(min_row=2))
    check(len(rows) == len(c) - 1, f"Клиенты: {len(rows)} rows, customers.tsv {len(c) - 1}")
    check([str(r[0].value) for r in rows] == [x[0] for x in c[1:]], "Клиенты: the ids, in order")
    check([r[1].value for r in rows] == [x[1] for x in c[1:]], "Клиенты: the target, as text")
    fmts = {c.number_format for c in rows[0]}
    check("0.0%" in fmts and "#,##0.00" in fmts, f"Клиенты: percent and money formats {sorted(fmts)}")

    ws = wb["Параметры"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    hashes = {r[1]: r[2] for r in rows if r[0] == "Входной файл (SHA-256)"}
    check(len(hashes) == 4, f"Параметры: 4 input files ({sorted(hashes)})")
    for name, h in sorted(hashes.items()):
        with open(os.path.join(data_dir, name), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == h, f"Параметры: SHA-256 of {name}")
    check(any(r[0] == "Параметр" and r[1] == "seed" for r in rows), "Параметры: params listed (seed)")
    check(any(r[0] == "Коммит git" and r[2] for r in rows), "Параметры: the git commit")
    if epoch is not None:
        want = datetime.datetime.fromtimestamp(max(epoch, 1), datetime.timezone.utc).replace(tzinfo=None)
        check(wb.properties.created == want, f"created {wb.properties.created} = {want}")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
