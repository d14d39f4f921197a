#!/usr/bin/python3
"""Optional check of a workbook written by lib/xlsxout: load it with openpyxl
(an independent reader) and print the sheet names, each sheet's size, its
header, the first rows with their number formats, and any formulas.

Not run by the C tests.  Usage:
    /usr/bin/python3 tests/oracle/check_xlsx.py report/out/study.xlsx [ROWS]
Exit status 1 if the file does not load or a cell holds a formula (lib/xlsxout
never writes formulas, so text such as "=1+1" must come back as text).
"""
import sys

import openpyxl


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, nrows = argv[1], int(argv[2]) if len(argv) > 2 else 3
    wb = openpyxl.load_workbook(path)
    props = wb.properties
    print(f"created\t{props.created.isoformat() if props.created else ''}")
    print("sheets\t" + "\t".join(wb.sheetnames))
    formulas = 0
    for ws in wb.worksheets:
        print(f"\n[{ws.title}] {ws.max_row} rows x {ws.max_column} cols,"
              f" freeze={ws.freeze_panes}, autofilter={ws.auto_filter.ref},"
              f" charts={len(ws._charts)}, images={len(ws._images)},"
              f" conditional={len(ws.conditional_formatting)}")
        for r, row in enumerate(ws.iter_rows()):
            for c in row:
                if c.data_type == "f":
                    formulas += 1
                    print(f"  FORMULA at {c.coordinate}: {c.value!r}")
            if r <= nrows:
                cells = [f"{c.value!r}" + (f" [{c.number_format}]" if c.number_format != "General" else "")
                         for c in row]
                print("  " + " | ".join(cells))
        widths = {k: round(v.width, 2) for k, v in ws.column_dimensions.items() if v.width}
        if widths:
            print(f"  widths {widths}")
    if formulas:
        print(f"\n{formulas} formula cell(s): lib/xlsxout should never write one", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
