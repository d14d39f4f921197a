#!/usr/bin/python3
"""Every string a reader sees, in the workbook and the HTML report, is finished.

    /usr/bin/python3 tests/oracle/check_strings.py STUDY.xlsx REPORT.html INTERIM

Fails, naming the sheet and cell (or the HTML text), on:
  - an unfilled placeholder: [...] or {...};
  - E-notation: "3.0E-24" as text, or a number whose format would show it so;
  - a raw column name: a column of the export (INTERIM/load/*.tsv, customers.tsv)
    whose name has an underscore (Страниц_за_визит) instead of its label;
  - a hyphen used as a minus sign before a digit (-5,7 instead of −5,7);
  - a number stored as text ("1 300", "0,53", "12 %") outside «Параметры»;
  - in the HTML, a decimal point between digits (0.53 instead of 0,53).
«Параметры» lists the settings as they are written, so it is left out.
Prints one line per finding; exit status 1 when there is any, 2 on usage.
"""
import glob
import html
import os
import re
import sys

import openpyxl

# A bracket with words in it ([Популярная категория], {category}); an interval [0, 1] is fine.
PLACEHOLDER = re.compile(r"\[[^\]]*[A-Za-zА-Яа-яЁё][^\]]*\]|\{[^}]*[A-Za-zА-Яа-яЁё_][^}]*\}")
E_NOTATION = re.compile(r"\d[eE][+-]?\d")
RAW_COLUMN = None  # set by main from INTERIM
# Free text where a lone id is an id, not a number (the quality log's detail).
TEXT_COLUMNS = {"Подробности"}
HYPHEN_MINUS = re.compile(r"(^|[\s(;:=])-\d")
NUMBER_TEXT = re.compile(r"^[−-]?\d[\d\u202f\u00a0 ]*([.,]\d+)?(\s?%)?$")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")

FOUND = []


def found(where, what, text):
    FOUND.append(f"{where}: {what}: {text[:120]!r}")


def check_text(where, s, number_text=True):
    if PLACEHOLDER.search(s):
        found(where, "unfilled placeholder", s)
    if E_NOTATION.search(s):
        found(where, "E-notation", s)
    if RAW_COLUMN and RAW_COLUMN.search(s):
        found(where, "raw column name", s)
    if HYPHEN_MINUS.search(s):
        found(where, "hyphen as minus", s)
    if number_text and NUMBER_TEXT.match(s.strip()):
        found(where, "number stored as text", s)


def raw_columns(interim):
    names = set()
    for path in glob.glob(os.path.join(interim, "load", "*.tsv")) + [os.path.join(interim, "customers.tsv")]:
        with open(path, encoding="utf-8") as f:
            names |= {n for n in f.readline().rstrip("\n").split("\t") if "_" in n}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))) if names else None


def check_workbook(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title == "Параметры":
            continue
        head = {c.column: c.value for c in ws[1]}
        for row in ws.iter_rows():
            for c in row:
                where = f"{ws.title}!{c.coordinate}"
                if isinstance(c.value, str):
                    check_text(where, c.value, head.get(c.column) not in TEXT_COLUMNS)
                elif isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    v = abs(c.value)
                    if c.number_format == "General" and v and (v < 1e-4 or v >= 1e11):
                        found(where, "E-notation (General format)", repr(c.value))


def check_html(path):
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    doc = re.sub(r"<(script|style)\b.*?</\1>", "", doc, flags=re.S)
    doc = re.sub(r"data:[a-z]+/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", doc)
    # Code spans name files, the version and the commit as they are.
    doc = re.sub(r"<code>.*?</code>", "", doc, flags=re.S)
    for k, chunk in enumerate(re.split(r"<[^>]+>", doc)):
        s = html.unescape(chunk).strip()
        if not s:
            continue
        check_text(f"report.html text {k}", s, number_text=False)
        if DECIMAL_POINT.search(s):
            found(f"report.html text {k}", "decimal point", s)


def main(argv):
    global RAW_COLUMN
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    RAW_COLUMN = raw_columns(argv[3])
    check_workbook(argv[1])
    check_html(argv[2])
    for line in FOUND:
        print("  FAIL " + line)
    print(f"check_strings: {len(FOUND)} finding(s)")
    return 1 if FOUND else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
