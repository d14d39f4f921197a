#!/usr/bin/python3
"""Check report/out/study.xlsx with openpyxl, an independent reader.

    /usr/bin/python3 tests/oracle/check_study_xlsx.py STUDY.xlsx INTERIM DATA_DIR SYNTHETIC(0|1) [EPOCH]

Every sheet is read. Checks: the sheet order (Сводка first, Параметры last),
no formula anywhere (text from the data is always a string), every data sheet
has a bold frozen header and an autofilter; Сводка gives the rows in and out
and labels synthetic data; Качество данных has one row per quality.tsv row
with every code in Russian; Покупатели has one row per customers.tsv row with the
same ids and target, percentages and money formatted; Параметры names each
input file with the SHA-256 hashlib computes; the created time is EPOCH when
given. When the study has explain and segment outputs: Важность признаков has
explain/importance.tsv's values and a native bar chart over its own mean |SHAP|
column, and the beeswarm; Сегменты has segments.tsv's sizes and profit at risk
and labels the what-if as an estimate; Рекомендации has every lever of
recommendations.tsv with its offer; Покупатели starts with each customer's
probability (as %, the segment stage's value, riskiest first, a 3-colour
scale), source, segment, profit (money), drivers and offers: offers for every
customer of a segment that gets them, and no mail or call for a customer
without consent (the levers' texts from INTERIM/params/segment.yaml); Сводка
names explain's top features in order and the focus segment's size.
Prints one line per check; exit status 1 on any failure, 2 on usage.
Used by tests/e2e/test_report.sh (`make test` installs openpyxl). Also: Список для CRM and
offers.csv (check_crm).
"""
import csv
import datetime
import hashlib
import math
import os
import sys
import zipfile

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
    global wb_path
    path, interim, data_dir, synthetic = argv[1], argv[2], argv[3], argv[4] == "1"
    wb_path = path
    epoch = int(argv[5]) if len(argv) > 5 else None
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    check(names[0] == "Сводка" and names[-1] == "Параметры", f"sheet order: {names}")
    for need in ("Качество данных", "Покупатели"):
        check(need in names, f"sheet {need} present")

    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    check(not formulas, f"no formulas (found {formulas[:3]})")
    for ws in wb.worksheets[1:]:
        if ws.title == "Выводы":  # text, line by line, like Сводка
            continue
        head = [c for c in ws[1] if c.value is not None]
        check(ws.freeze_panes in ("A2", "B2", "C2") and ws.auto_filter.ref and all(c.font.b for c in head),
              f"{ws.title}: frozen bold header, autofilter {ws.auto_filter.ref}")

    load, merge = kv(os.path.join(interim, "load.kv")), kv(os.path.join(interim, "merge.kv"))
    s = wb["Выводы"] if "Выводы" in wb.sheetnames else wb["Сводка"]
    values = {r[0].value: r[1].value for r in s.iter_rows(min_row=2) if r[0].value}
    check(values.get("Покупателей в выгрузке") == int(load["customers_rows"]),
          f"Сводка: customers in = {values.get('Покупателей в выгрузке')}")
    check(values.get("Покупателей в исследовании") == int(merge["rows"]),
          f"Сводка: customers out = {values.get('Покупателей в исследовании')}")
    banner = str(wb["Сводка"]["A2"].value or "")
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
    ws = wb["Покупатели"]
    rows = list(ws.iter_rows(min_row=2))
    check(len(rows) == len(c) - 1, f"Покупатели: {len(rows)} rows, customers.tsv {len(c) - 1}")
    fmts = {c.number_format for c in rows[0]}
    check("0.0%" in fmts and "#,##0.00" in fmts, f"Покупатели: percent and money formats {sorted(fmts)}")
    if os.path.exists(os.path.join(interim, "segment.kv")):
        check_study(wb, interim, c)
    else:
        check([str(r[0].value) for r in rows] == [x[0] for x in c[1:]], "Покупатели: the ids, in order")
        cls = text_file()["labels"]["classes"]
        sch = section(interim, "schema") or {}
        word = {sch.get("target", {}).get("positive"): cls["positive"], sch.get("target", {}).get("negative"): cls["negative"]}
        check([r[1].value for r in rows] == [word.get(x[1], x[1]) for x in c[1:]],
              "Покупатели: the target, by the classes' names")

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


def resolved(s):
    """A stage's text reference ${labels.columns.KEY|=NAME}, ${segment.names.KEY}
    as the reader sees it (lib/out/textref.h; the simple forms these tables hold)."""
    import re

    def one(m):
        node = text_file()
        for k in m.group(1).split("."):
            node = node.get(k) if isinstance(node, dict) else None
        return node if isinstance(node, str) else (m.group(3) or "")
    return re.sub(r"\$\{([^|}]*)(\|=([^}]*))?\}", one, s) if isinstance(s, str) else s


_TEXT = None


def text_file():
    """report/text.ru.yaml: the reader's text (labels keyed by schema.columns keys)."""
    global _TEXT
    if _TEXT is None:
        import yaml
        with open("report/text.ru.yaml", encoding="utf-8") as f:
            _TEXT = yaml.safe_load(f)
    return _TEXT


def section(interim, name):
    """INTERIM/params/NAME.yaml (the params stage's copy; !plain marks plain scalars), or None without PyYAML."""
    try:
        import yaml
    except ImportError:
        return None

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!plain", lambda loader, node: loader.construct_scalar(node))
    with open(os.path.join(interim, "params", name + ".yaml"), encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


def same(a, b):
    """Equal to the 16 significant digits libxlsxwriter writes."""
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=1e-15, abs_tol=1e-300)


def by_name(rows, header):
    """Rows of values as dicts by the header row."""
    return [dict(zip(header, r)) for r in rows]


def check_study(wb, interim, c):
    """The sheets of the explain and segment parts."""
    names = wb.sheetnames
    want = ["Метрики", "Важность признаков", "Сегменты", "Рекомендации", "Отбор", "Покупатели", "Параметры"]
    check(names[-7:] == want, f"sheet order ends {names[-7:]}")
    tx = text_file()
    labels = tx["labels"]["columns"]
    key_of = {v: k for k, v in ((section(interim, "schema") or {}).get("columns") or {}).items()}
    lab = lambda name: labels.get(key_of.get(name, name), name)

    imp = tsv(os.path.join(interim, "explain", "importance.tsv"))
    ws = wb["Важность признаков"]
    rows = list(ws.iter_rows(min_row=2, max_row=len(imp), values_only=True))
    check(len(rows) == len(imp) - 1 and ws.cell(len(imp) + 1, 1).value is None,
          f"Важность признаков: {len(rows)} features, importance.tsv {len(imp) - 1}")
    check([r[0] for r in rows] == [int(x[5]) for x in imp[1:]], "Важность признаков: ranks as in importance.tsv")
    check([r[1] for r in rows] == [lab(x[0]) for x in imp[1:]], "Важность признаков: features by their labels")
    check(all(same(r[2], float(x[1])) and same(r[4], float(x[3])) for r, x in zip(rows, imp[1:])),
          "Важность признаков: mean |SHAP| and permutation drop as in importance.tsv")
    check(all(r[3] for r in rows), "Важность признаков: every direction in words")
    check(len(ws._charts) == 1 and len(ws._images) == 1, f"Важность признаков: {len(ws._charts)} chart, "
          f"{len(ws._images)} image (beeswarm)")
    z = zipfile.ZipFile(wb_path)
    charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    ref = f"'Важность признаков'!$C$2:$C${len(imp)}"
    check(any(ref in x and "<c:barChart>" in x for x in charts), f"native bar chart of {ref}")

    seg = tsv(os.path.join(interim, "segment", "segments.tsv"))
    sh = {k: i for i, k in enumerate(seg[0])}
    ws = wb["Сегменты"]
    rows = list(ws.iter_rows(min_row=2, max_row=len(seg), values_only=True))
    check([r[0] for r in rows] == [resolved(x[sh["name"]]) for x in seg[1:]], "Сегменты: the segments in order")
    check([r[1] for r in rows] == [int(x[sh["n"]]) for x in seg[1:]], f"Сегменты: sizes {[r[1] for r in rows]}")
    check(sum(r[1] for r in rows) == len(c) - 1, "Сегменты: sizes add up to the customers")
    check(all(same(r[6], float(x[sh["profit_at_risk"]])) for r, x in zip(rows, seg[1:])),
          "Сегменты: profit at risk as in segments.tsv")
    check(ws.cell(2, 7).number_format == "#,##0.00" and ws.cell(2, 3).number_format == "0.0%",
          "Сегменты: money and percent formats")
    text = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    check(any("оценка по модели" in t for t in text), "Сегменты: the what-if is labelled as an estimate")
    check(any(t.startswith("Профиль сегмента") for t in text), "Сегменты: the focus profile")
    check(len(ws._images) == 2, f"Сегменты: {len(ws._images)} figures")

    rec = tsv(os.path.join(interim, "segment", "recommendations.tsv"))
    rh = {k: i for i, k in enumerate(rec[0])}
    ws = wb["Рекомендации"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    check(len(rows) == len(rec) - 1, f"Рекомендации: {len(rows)} levers, recommendations.tsv {len(rec) - 1}")
    check([(r[0], r[2], r[3]) for r in rows] == [(resolved(x[rh["segment_name"]]), int(x[rh["rank"]]), resolved(x[rh["label"]]))
                                                 for x in rec[1:]], "Рекомендации: segment, rank, lever as ranked")
    check(all(r[11] for r in rows), "Рекомендации: every lever has its offer")

    sc = tsv(os.path.join(interim, "segment", "customers.tsv"))
    ch = {k: i for i, k in enumerate(sc[0])}
    by_id = {x[0]: x for x in sc[1:]}
    ws = wb["Покупатели"]
    head = [x.value for x in ws[1]]
    rows = by_name(ws.iter_rows(min_row=2, values_only=True), head)
    first = list(ws.iter_rows(min_row=2, max_row=2))[0]
    check(len(rows) == 1296 == len(c) - 1, f"Покупатели: {len(rows)} customers")
    check(sorted(str(r[head[0]]) for r in rows) == sorted(x[0] for x in c[1:]), "Покупатели: every customer once")
    P, SEGN, OFF, CHN, OFF2, CHN2 = head[1], "Сегмент", "Предложение", "Канал", "Второе предложение", \
        "Канал второго предложения"
    LOSS = "Ожидаемые потери прибыли, тыс. руб. в месяц"
    LEV, CTX = tx["report"]["columns"]["customers"]["lever_drivers"], tx["report"]["columns"]["customers"]["context_drivers"]
    check(head[1:12] == ["Вероятность снижения активности", "Как получена вероятность", "Сегмент",
                         "Прибыль в месяц, тыс. руб.", LOSS, LEV, CTX, OFF, CHN, OFF2, CHN2], f"Покупатели: {head[1:12]}")
    check(all(r[c] in (None, "письмо", "звонок", "на сайте") for r in rows for c in (CHN, CHN2)),
          "Покупатели: one channel per offer, in words")
    check(all(same(r[P], float(by_id[str(r[head[0]])][ch["probability"]])) for r in rows),
          "Покупатели: each probability is the segment stage's")
    probs = [r[P] for r in rows]
    check(0 <= min(probs) and max(probs) <= 1, "Покупатели: probabilities in [0, 1]")
    losses = [r[LOSS] for r in rows]
    check(losses == sorted(losses, reverse=True), "Покупатели: the most at stake first")
    check(first[1].number_format == "0.0%" and first[4].number_format == "#,##0.00",
          f"Покупатели: probability {first[1].number_format}, profit {first[4].number_format}")
    check({r["Как получена вероятность"] for r in rows} == {"вне выборки (кросс-валидация)", "тестовая выборка"},
          "Покупатели: the source of each probability in words")
    check(all(r[SEGN] for r in rows), "Покупатели: every customer has a segment")
    targeted = {x[0] for x in sc[1:] if x[ch["targeted"]] == "1"}
    risky = [r for r in rows if str(r[head[0]]) in targeted]
    check(risky and all(r[OFF] for r in risky), f"Покупатели: offers for all {len(risky)} customers targeted")
    check(all(not r[OFF] for r in rows if str(r[head[0]]) not in targeted), "Покупатели: no offers for the others")
    check(all(r[LEV] or r[CTX] for r in risky), "Покупатели: the reasons of the customers targeted")
    cf = ws.conditional_formatting
    scales = [rule for rng in cf for rule in rng.rules if rule.type == "colorScale" and str(rng.sqref).startswith("B2:")]
    check(len(scales) == 1 and len(scales[0].colorScale.color) == 3, "Покупатели: a 3-colour scale on the probability")
    check(ws.freeze_panes == "B2" and ws.auto_filter.ref, f"Покупатели: frozen {ws.freeze_panes}, autofilter")
    sp = section(interim, "segment")
    if sp:
        consent = labels[sp["consent"]["column"]]
        denied = [r for r in risky if r[consent] == sp["consent"]["deny"]]
        contact = [tx["segment"]["offers"][lv["feature"]]["offer"] for lv in sp["levers"] if lv["channel"] != "site"]
        check(denied and all(r[c] in (None, "на сайте") and not any(t in (r[o] or "") for t in contact)
                             for r in denied for o, c in ((OFF, CHN), (OFF2, CHN2))),
              f"Покупатели: no mail or call for the {len(denied)} at risk without consent")
        allowed = [r for r in risky if r[consent] != sp["consent"]["deny"]]
        check(any(r[CHN] in ("письмо", "звонок") for r in allowed), "Покупатели: mail and calls for the others")

    ex = kv(os.path.join(interim, "explain.kv"))
    s = wb["Выводы"]
    col_a = [r[0].value for r in s.iter_rows(min_row=1)]
    at = col_a.index("Что сильнее всего влияет на прогноз (по убыванию)") if "Что сильнее всего влияет на прогноз (по убыванию)" in col_a else -1
    top = [f"{k}. {lab(ex[f'top{k}'])}" for k in range(1, 6)]
    check(at > 0 and col_a[at + 1:at + 6] == top, f"Сводка: the top features {col_a[at + 1:at + 6]}")
    sk = kv(os.path.join(interim, "segment.kv"))
    values = {r[0].value: r[1].value for r in s.iter_rows(min_row=2) if r[0].value}
    focus = str(values.get("Сегмент в фокусе", ""))
    check(tx["segment"]["names"][sk["focus"]] in focus and f"{int(sk['n_' + sk['focus']])} покупател" in focus,
          f"Сводка: the focus segment {focus[:80]!r}")
    check(same(values.get(tx["report"]["summary"]["profit_at_risk_total"]), float(sk["profit_at_risk_total"])),
          "Сводка: the total expected loss")
    check_crm(wb, interim, sp)
    check_brief(wb, interim, tx)


def check_brief(wb, interim, tx):
    """Сводка, the brief: headline numbers stored as numbers and equal to the
    stages' values; one action row per segment and a total; two native charts."""
    s = wb["Сводка"]
    br = tx["report"]["brief"]
    sk, merge = kv(os.path.join(interim, "segment.kv")), kv(os.path.join(interim, "merge.kv"))
    got = {r[0].value: r[3].value for r in s.iter_rows() if r[0].value}
    want = {br["customers"]: float(merge["rows"]), br["expected_loss"]: float(sk["expected_loss_total"]),
            br["targeted"]: float(sk["target_ev_n"]), br["campaign_n"]: float(sk["campaign_n_all"]),
            br["control_n"]: float(sk["control_n_all"]), br["campaign_net"]: float(sk["campaign_net_all"])}
    for k, v in want.items():
        check(isinstance(got.get(k), (int, float)) and same(got[k], v), f"Сводка: {k} = {got.get(k)!r}, a number ({v})")
    seg = tsv(os.path.join(interim, "segment", "segments.tsv"))
    names = [tx["segment"]["names"][x[0]] for x in seg[1:]]
    rows = {r[0].value: [c.value for c in r] for r in s.iter_rows() if r[0].value in names + [br["total"]]}
    check(sorted(rows) == sorted(names + [br["total"]]), f"Сводка: an action row per segment and a total {sorted(rows)}")
    check(all(isinstance(v[j], (int, float)) for v in rows.values() for j in (1, 3, 4, 5, 8)),
          "Сводка: the action table's numbers are numbers")
    total = rows.get(br["total"]) or [0] * 9
    check(same(total[4], float(sk["campaign_n_all"])) and same(total[5], float(sk["control_n_all"])),
          "Сводка: the total row's customers")
    check(all(str(v[6] or "").count("[") == 0 and "{" not in str(v[6] or "") for v in rows.values()),
          "Сводка: offers without placeholders")
    check(len(s._charts) == 2, f"Сводка: {len(s._charts)} charts (customers and money by segment)")


def check_crm(wb, interim, sp):
    """Список для CRM and offers.csv: one row per targeted customer, by priority;
    one channel a row, none of mail or calls without consent; the control group
    a seeded share of each segment; the CSV as Excel in a Russian locale opens it."""
    sc = tsv(os.path.join(interim, "segment", "customers.tsv"))
    ch = {k: i for i, k in enumerate(sc[0])}
    cus = {x[0]: x for x in sc[1:]}
    targeted = [x for x in sc[1:] if x[ch["targeted"]] == "1"]
    ws = wb["Список для CRM"]
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    head = sheet[0]
    with open(os.path.join(os.path.dirname(wb_path), "offers.csv"), "rb") as f:
        raw = f.read()
    check(raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "offers.csv: UTF-8 with a BOM, CRLF lines")
    rows = list(csv.reader(raw[3:].decode("utf-8").splitlines(), delimiter=";"))
    check(rows[0] == head, f"offers.csv: the sheet's header {rows[0][:4]}")
    check(len(rows) - 1 == len(sheet) - 1 == len(targeted), f"offers.csv: {len(rows) - 1} rows, {len(targeted)} targeted")
    col = {k: i for i, k in enumerate(head)}
    ids = [r[col["ID покупателя"]] for r in rows[1:]]
    check(sorted(ids) == sorted(x[0] for x in targeted), "offers.csv: every targeted customer once")
    check([int(r[0]) for r in rows[1:]] == list(range(1, len(rows))), "offers.csv: priorities 1..n in order")
    saving = [float(cus[i][ch["expected_saving"]]) for i in ids]
    check(saving == sorted(saving, reverse=True), "offers.csv: by expected saving, largest first")
    check(all(abs(int(r[col["Ожидаемая экономия, руб. в месяц"]]) - round(s * 1000)) <= 1 for r, s in zip(rows[1:], saving)),
          "offers.csv: the expected saving in roubles")
    check(all("," in r[col["Вероятность снижения активности"]] or r[col["Вероятность снижения активности"]].isdigit()
              for r in rows[1:]), "offers.csv: decimal commas")
    chans = {"письмо": "EMAIL", "звонок": "CALL", "на сайте": "SITE"}
    one = all(r[col["Канал"]] in chans and r[col["Код предложения"]].endswith("-" + chans[r[col["Канал"]]])
              and (r[col["Канал второго предложения"]] == "" or
                   r[col["Код второго предложения"]].endswith("-" + chans[r[col["Канал второго предложения"]]]))
              for r in rows[1:])
    check(one, "offers.csv: one channel a row, the code names it")
    denied = [r for r in rows[1:] if cus[r[col["ID покупателя"]]][ch["consent_denied"]] == "1"]
    check(denied and all(r[col["Канал"]] == "на сайте" and r[col["Канал второго предложения"]] in ("", "на сайте")
                         for r in denied), f"offers.csv: no mail or call for the {len(denied)} without consent")
    check(all(r[col["Причина"]] and r[col["Предложение"]] for r in rows[1:]), "offers.csv: an offer and a reason each")
    check(all("{" not in r[col["Предложение"]] and "[" not in r[col["Предложение"]] for r in rows[1:]),
          "offers.csv: offers filled in")
    share = float(sp["control_share"]) if sp else 0.1
    ctrl = "контрольная группа — предложение не отправлять"
    for seg in sorted({cus[i][ch["segment"]] for i in ids}):
        mine = [r for r in rows[1:] if cus[r[col["ID покупателя"]]][ch["segment"]] == seg]
        held = sum(r[col["Группа"]] == ctrl for r in mine)
        check(held == math.floor(share * len(mine) + 0.5), f"offers.csv: {held} of {len(mine)} in {seg} held back")
    check({r[col["Группа"]] for r in rows[1:]} == {"отправить", ctrl}, "offers.csv: the two groups in words")
    same_cells = all(str(a if a is not None else "") == b for sr, r in zip(sheet[1:], rows[1:])
                     for j, (a, b) in enumerate(zip(sr, r)) if head[j] not in ("Вероятность снижения активности",))
    check(same_cells, "Список для CRM: the rows of offers.csv")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
