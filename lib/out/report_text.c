#include "out/report_text.h"
#include "out/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

int report_plural(long n)
{
    unsigned long m = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
    if (m % 10 == 1 && m % 100 != 11)
        return 0;
    if (m % 10 >= 2 && m % 10 <= 4 && (m % 100 < 12 || m % 100 > 14))
        return 1;
    return 2;
}


/* Look up "stem.key" (split at the first dot). */
static const char *lookup_ref(mdreport_lookup lookup, void *ctx, const char *ref)
{
    const char *dot = strchr(ref, '.');
    if (!dot || dot == ref || !dot[1])
        return NULL;
    char stem[128];
    size_t n = (size_t)(dot - ref);
    if (n >= sizeof stem)
        return NULL;
    memcpy(stem, ref, n);
    stem[n] = '\0';
    return lookup(ctx, stem, dot + 1);
}

static int as_long(const char *s, long *x)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(d) || d != floor(d) || fabs(d) > 9e15)
        return 0;
    *x = (long)d;
    return 1;
}

/* One {…} body: ref, then optionally |FMT or ~one~few~many. */
static int expand(const char *body, mdreport_lookup lookup, void *ctx, const char *where, struct strbuf *b,
                  struct err *e)
{
    char ref[256];
    size_t rn = strcspn(body, "|~");
    if (rn == 0 || rn >= sizeof ref)
        return err_set(e, ERR_PARAMS, "%s: expected {stem.key} in a sentence, found {%s}", where, body);
    memcpy(ref, body, rn);
    ref[rn] = '\0';
    const char *val = lookup_ref(lookup, ctx, ref);
    if (!val)
        return err_set(e, ERR_PARAMS, "%s: expected a value the stages wrote, found unknown key {%s}", where, ref);
    char tmp[512];
    if (body[rn] == '|') {
        int rc = mdreport_format(val, body + rn + 1, tmp, sizeof tmp, e);
        if (rc)
            return err_prefix(e, "%s: {%s}: ", where, body);
        /* A Russian sentence writes 0,924 (as the pct format does). */
        if (body[rn + 1] == '%')
            text_decimal_comma(tmp);
        return strbuf_add(b, tmp, strlen(tmp)) ? err_set(e, ERR_NOMEM, "out of memory") : ERR_OK;
    }
    if (body[rn] == '~') {
        const char *forms[3];
        char copy[512];
        snprintf(copy, sizeof copy, "%s", body + rn + 1);
        char *p = copy;
        int k = 0;
        for (; k < 3 && p; k++) {
            forms[k] = p;
            p = strchr(p, '~');
            if (p)
                *p++ = '\0';
        }
        long n;
        if (k != 3 || p)
            return err_set(e, ERR_PARAMS, "%s: expected {%s~one~few~many}, found {%s}", where, ref, body);
        if (!as_long(val, &n))
            return err_set(e, ERR_PARAMS, "%s: expected an integer count in {%s}, found \"%s\"", where, ref, val);
        if (mdreport_format(val, "int", tmp, sizeof tmp, e))
            return err_prefix(e, "%s: {%s}: ", where, ref);
        const char *w = forms[report_plural(n)];
        if (strbuf_add(b, tmp, strlen(tmp)) || strbuf_add(b, " ", 1) || strbuf_add(b, w, strlen(w)))
            return err_set(e, ERR_NOMEM, "out of memory");
        return ERR_OK;
    }
    return strbuf_add(b, val, strlen(val)) ? err_set(e, ERR_NOMEM, "out of memory") : ERR_OK;
}

int report_fill(const char *tmpl, mdreport_lookup lookup, void *ctx, const char *where, char **out, struct err *e)
{
    struct strbuf b = {0};
    int rc = strbuf_add(&b, "", 0) ? err_set(e, ERR_NOMEM, "out of memory") : ERR_OK;
    for (const char *s = tmpl; *s && !rc;) {
        const char *open = strchr(s, '{');
        if (!open) {
            rc = strbuf_add(&b, s, strlen(s)) ? err_set(e, ERR_NOMEM, "out of memory") : ERR_OK;
            break;
        }
        const char *close = strchr(open, '}');
        if (!close) {
            rc = err_set(e, ERR_PARAMS, "%s: expected a closing } in a sentence, found \"%.60s\"", where, open);
            break;
        }
        if (strbuf_add(&b, s, (size_t)(open - s))) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        char body[1024];
        size_t n = (size_t)(close - open - 1);
        if (n >= sizeof body) {
            rc = err_set(e, ERR_PARAMS, "%s: expected a short {…} in a sentence, found %zu bytes", where, n);
            break;
        }
        memcpy(body, open + 1, n);
        body[n] = '\0';
        rc = expand(body, lookup, ctx, where, &b, e);
        s = close + 1;
    }
    if (rc) {
        free(b.s);
        return rc;
    }
    *out = b.s;
    return ERR_OK;
}

/* Whether an item is said: no `if`, or a nonzero value of its key. */
static int item_said(const struct pnode *item, mdreport_lookup lookup, void *ctx, const char **text, char *where,
                     size_t wsize, int *said, struct err *e)
{
    snprintf(where, wsize, "%s:%zu:%zu", item->file, item->line, item->col);
    *said = 1;
    if (item->kind == PNODE_SCALAR) {
        *text = item->value;
        return ERR_OK;
    }
    static const char *const keys[] = {"if", "text", NULL};
    const struct pnode *cond = pnode_child(item, "if"), *t = pnode_child(item, "text");
    int rc = pnode_check_keys(item, "report.conclusions", keys, e);
    if (!rc && !t)
        rc = err_set(e, ERR_PARAMS, "%s: expected a text: in a conclusion item, found none", where);
    if (!rc)
        rc = pnode_string(t, "report.conclusions text", text, e);
    if (rc || !cond)
        return rc;
    const char *ref;
    rc = pnode_string(cond, "report.conclusions if", &ref, e);
    const char *val = rc ? NULL : lookup_ref(lookup, ctx, ref);
    if (!rc && !val)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected a value the stages wrote, found unknown key %s",
                       cond->file, cond->line, cond->col, ref);
    if (rc)
        return rc;
    char *end;
    double d = strtod(val, &end);
    if (!*val || *end)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected %s to be a number, found \"%s\"", cond->file, cond->line,
                       cond->col, ref, val);
    *said = d != 0;
    return ERR_OK;
}

int report_conclusion(const struct pnode *node, mdreport_lookup lookup, void *ctx, char **out, struct err *e)
{
    const struct pnode *one[1] = {node};
    const struct pnode *const *items = node->kind == PNODE_SEQ ? (const struct pnode *const *)node->items : one;
    size_t n = node->kind == PNODE_SEQ ? node->n : 1;
    struct strbuf b = {0};
    int rc = strbuf_add(&b, "", 0) ? err_set(e, ERR_NOMEM, "out of memory") : ERR_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *text = NULL;
        char where[512], *s = NULL;
        int said = 0;
        rc = item_said(items[i], lookup, ctx, &text, where, sizeof where, &said, e);
        if (!rc && said)
            rc = report_fill(text, lookup, ctx, where, &s, e);
        if (!rc && said && *s && ((b.n && strbuf_add(&b, " ", 1)) || strbuf_add(&b, s, strlen(s))))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        free(s);
    }
    if (rc) {
        free(b.s);
        return rc;
    }
    *out = b.s;
    return ERR_OK;
}
