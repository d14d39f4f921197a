#include "study/cleaning.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qlog_init(struct qlog *q, struct err *e)
{
    static const char *const names[] = {"check", "table", "column", "rows", "action", "detail"};
    q->t = table_alloc();
    if (!q->t)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < 6; j++) {
        int rc = table_add_column(q->t, names[j], j == 3 ? COL_NUM : COL_STR, NULL, e);
        if (rc)
            return rc;
    }
    return 0;
}

void qlog_free(struct qlog *q)
{
    table_free(q->t);
    q->t = NULL;
}

int qlog_add(struct qlog *q, const char *check, const char *table, const char *column, size_t rows,
             const char *action, const char *detail, struct err *e)
{
    size_t i = q->t->nrows;
    int rc = table_set_rows(q->t, i + 1, e);
    const char *v[6] = {check, table, column, NULL, action, detail};
    for (size_t j = 0; j < 6 && !rc; j++)
        if (j != 3)
            rc = table_set_str(q->t, j, i, v[j] && v[j][0] ? v[j] : NULL, e);
    if (!rc)
        q->t->cols[3].num[i] = (double)rows;
    return rc;
}

static int is_space_at(const char *s, size_t *len)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
        return *len = 1, 1;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) /* U+00A0 no-break space */
        return *len = 2, 1;
    return 0;
}

int clean_trim(struct table *t, size_t *changed, struct err *e)
{
    (void)e;
    *changed = 0;
    for (size_t j = 0; j < t->ncols; j++) {
        if (t->cols[j].type != COL_STR)
            continue;
        for (size_t i = 0; i < t->nrows; i++) {
            char *s = t->cols[j].str[i];
            if (!s)
                continue;
            size_t k, lead = 0, n = strlen(s);
            while (s[lead] && is_space_at(s + lead, &k))
                lead += k;
            size_t end = n;
            /* Scan from the front to find where trailing space begins (UTF-8 safe). */
            size_t pos = lead, last = lead;
            while (pos < n) {
                if (is_space_at(s + pos, &k)) {
                    pos += k;
                } else {
                    pos++;
                    last = pos;
                }
            }
            end = last;
            if (lead == 0 && end == n)
                continue;
            memmove(s, s + lead, end - lead);
            s[end - lead] = '\0';
            (*changed)++;
        }
    }
    return 0;
}

int clean_replace(struct table *t, size_t col, const char *from, const char *to, size_t *changed, struct err *e)
{
    *changed = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const char *s = t->cols[col].str[i];
        if (s && strcmp(s, from) == 0) {
            int rc = table_set_str(t, col, i, to, e);
            if (rc)
                return rc;
            (*changed)++;
        }
    }
    return 0;
}

size_t clean_first_outside(const struct table *t, size_t col, double min, double max)
{
    for (size_t i = 0; i < t->nrows; i++) {
        double v = t->cols[col].num[i];
        if (!isnan(v) && (v < min || v > max))
            return i;
    }
    return (size_t)-1;
}

static int cell_missing(const struct column *c, size_t i)
{
    return c->type == COL_NUM ? isnan(c->num[i]) : c->str[i] == NULL;
}

int clean_mark_missing(const struct table *t, size_t id_col, size_t col, struct hashset *drop, size_t *rows,
                       struct err *e)
{
    *rows = 0;
    for (size_t i = 0; i < t->nrows; i++)
        if (cell_missing(&t->cols[col], i)) {
            (*rows)++;
            if (drop && hashset_insert(drop, t->cols[id_col].str[i], i, NULL) < 0)
                return err_set(e, ERR_NOMEM, "out of memory");
        }
    return 0;
}

/* A row's content without the id, as one string key. */
static int row_key(const struct table *t, size_t i, size_t id_col, long skip_col, char **buf, size_t *cap)
{
    size_t len = 0;
    for (size_t j = 0; j < t->ncols; j++) {
        if (j == id_col || (long)j == skip_col)
            continue;
        char num[40];
        const char *s;
        if (t->cols[j].type == COL_NUM) {
            snprintf(num, sizeof num, "%.17g", t->cols[j].num[i]);
            s = num;
        } else {
            s = t->cols[j].str[i] ? t->cols[j].str[i] : "\x1e";
        }
        size_t n = strlen(s);
        if (len + n + 2 > *cap) {
            size_t c = (*cap + n + 2) * 2;
            char *b = realloc(*buf, c);
            if (!b)
                return -1;
            *buf = b;
            *cap = c;
        }
        memcpy(*buf + len, s, n);
        len += n;
        (*buf)[len++] = '\x1f';
    }
    if (!*buf && !(*buf = malloc(*cap = 16)))
        return -1;
    (*buf)[len] = '\0';
    return 0;
}

int clean_duplicates_but_id(const struct table *t, size_t id_col, long skip_col, size_t *groups, size_t *extra,
                            struct hashset *mark, char *detail, size_t detail_size, struct err *e)
{
    *groups = *extra = 0;
    if (detail_size)
        detail[0] = '\0';
    struct hashset *seen = hashset_alloc(t->nrows);
    unsigned char *counted = calloc(t->nrows ? t->nrows : 1, 1);
    char *buf = NULL;
    size_t cap = 0, used = 0;
    int rc = 0;
    if (!seen || !counted)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        size_t first;
        if (row_key(t, i, id_col, skip_col, &buf, &cap) < 0) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        int dup = hashset_insert(seen, buf, i, &first);
        if (dup < 0) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
        } else if (dup) {
            (*extra)++;
            if (!counted[first]) {
                counted[first] = 1;
                (*groups)++;
            }
            if (used + 64 < detail_size) {
                int w = snprintf(detail + used, detail_size - used, "%s%s=%s", used ? ", " : "",
                                 t->cols[id_col].str[i], t->cols[id_col].str[first]);
                if (w > 0)
                    used += (size_t)w;
            }
            if (mark && hashset_insert(mark, t->cols[id_col].str[i], i, NULL) < 0)
                rc = err_set(e, ERR_NOMEM, "out of memory");
        }
    }
    free(buf);
    free(counted);
    hashset_free(seen);
    return rc;
}

int clean_drop_ids(struct table *t, size_t id_col, const struct hashset *drop, size_t *removed, struct err *e)
{
    unsigned char *keep = malloc(t->nrows ? t->nrows : 1);
    if (!keep)
        return err_set(e, ERR_NOMEM, "out of memory");
    *removed = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const char *id = t->cols[id_col].str[i];
        keep[i] = !(id && hashset_find(drop, id, NULL));
        *removed += !keep[i];
    }
    int rc = table_filter_rows(t, keep, e);
    free(keep);
    return rc;
}

void clean_list_ids(const struct hashset *h, size_t max, char *buf, size_t size)
{
    size_t used = 0, n = hashset_size(h);
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < n && i < max; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", hashset_key(h, i));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
    if (n > max && used + 8 < size)
        snprintf(buf + used, size - used, ", ... (%zu)", n);
}
