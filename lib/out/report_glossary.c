/* Словарь: every technical term the workbook and the report use, in plain
 * Russian (report/text.ru.yaml report.glossary: a list of {term, meaning}),
 * in the text file's order. */
#include "out/report_sheets.h"

int report_sheet_glossary(struct report *r, const char *name, struct err *e)
{
    static const char *const codes[] = {"term", "meaning"};
    static const enum xlsxout_kind kinds[] = {XLSXOUT_TEXT, XLSXOUT_TEXT};
    const char *h[2];
    const struct pnode *list;
    int rc = report_headers(r, "glossary", codes, 2, h, e);
    if (!rc)
        rc = params_node(r->t, "report.glossary", PNODE_SEQ, &list, e);
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(2, h, kinds);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < list->n; i++) {
        const struct pnode *item = list->items[i], *term = pnode_child(item, "term"),
                           *meaning = pnode_child(item, "meaning");
        const char *cells[2];
        if (!term || !meaning) {
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: report.glossary: expected {term: ..., meaning: ...}, found %s",
                         item->file, item->line, item->col, term ? "no meaning" : "no term");
            break;
        }
        rc = pnode_string(term, "report.glossary.term", &cells[0], e);
        if (!rc)
            rc = pnode_string(meaning, "report.glossary.meaning", &cells[1], e);
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 0, NULL, e);
    xlsxout_table_free(t);
    return rc;
}
