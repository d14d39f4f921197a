#include "out/mdreport.h"

#include <cmark.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

#include "core/outfile.h"
#include "core/utf8.h"

/* ---- a growing string; one out-of-memory flag checked at the end ---- */



static void sb_html(struct strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': strbuf_puts(b, "&amp;"); break;
        case '<': strbuf_puts(b, "&lt;"); break;
        case '>': strbuf_puts(b, "&gt;"); break;
        case '"': strbuf_puts(b, "&quot;"); break;
        default: strbuf_add(b, s + i, 1);
        }
    }
}

/* ---- render state ---- */

struct ctx {
    const struct mdreport_opts *o;
    const char *tname; /* template name for messages */
    const char *src;   /* the template, for columns in code points */
    size_t len;
    size_t *line_start; /* byte offset of each line (1-based index) */
    size_t nlines;
    struct err *e;
};

/* cmark reports byte columns; an editor shows code points (Cyrillic is two
 * bytes each), so convert using the template line itself. */
static size_t cp_col(const struct ctx *c, int line, int bytecol)
{
    if (line < 1 || (size_t)line > c->nlines || bytecol < 1)
        return bytecol < 1 ? 1 : (size_t)bytecol;
    const char *s = c->src + c->line_start[line];
    size_t end = ((size_t)line < c->nlines ? c->line_start[line + 1] : c->len) - c->line_start[line];
    size_t col = 1;
    size_t before = (size_t)bytecol - 1 < end ? (size_t)bytecol - 1 : end;
    return col + utf8_count(s, before);
}

static int name_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-';
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* Resolve one {{name.key|fmt}} body (braces stripped, trimmed) into out. */
static int expand_one(struct ctx *c, const char *body, int line, size_t col, char *out, size_t size)
{
    struct err *e = c->e;
    if (strncmp(body, "table:", 6) == 0)
        return err_set(e, ERR_DATA, "%s:%d:%zu: expected {{table:...}} alone in its paragraph, found it inside text",
                       c->tname, line, col);
    const char *bar = strchr(body, '|');
    size_t reflen = bar ? (size_t)(bar - body) : strlen(body);
    /* Blanks around the bar are for readability: {{ metrics.share | pct }}. */
    while (reflen && body[reflen - 1] == ' ')
        reflen--;
    const char *fmt = bar ? bar + 1 + strspn(bar + 1, " ") : NULL;
    const char *dot = memchr(body, '.', reflen);
    int ok = dot && dot > body && (size_t)(dot - body) + 1 < reflen;
    for (const char *p = body; ok && p < dot; p++)
        ok = name_char(*p);
    for (const char *p = dot ? dot + 1 : body; ok && p < body + reflen; p++)
        ok = name_char(*p) || *p == '.';
    if (!ok || reflen >= 256)
        return err_set(e, ERR_DATA, "%s:%d:%zu: expected {{name.key}} or {{name.key|format}}, found {{%s}}", c->tname,
                       line, col, body);
    char name[256], key[256];
    memcpy(name, body, (size_t)(dot - body));
    name[dot - body] = '\0';
    memcpy(key, dot + 1, reflen - (size_t)(dot - body) - 1);
    key[reflen - (size_t)(dot - body) - 1] = '\0';
    const char *val = c->o->lookup ? c->o->lookup(c->o->ctx, name, key) : NULL;
    if (!val)
        return err_set(e, ERR_DATA, "%s:%d:%zu: expected a value for {{%s.%s}}, found no key \"%s\" in \"%s\"",
                       c->tname, line, col, name, key, key, name);
    int rc = mdreport_format(val, fmt, out, size, e);
    if (rc)
        err_prefix(e, "%s:%d:%zu: {{%s}}: ", c->tname, line, col, body);
    return rc;
}

/* Replace every placeholder in lit; *out is NULL when there is none. The
 * literal starts at (line, bytecol) of the template; html selects escaping
 * for raw HTML, where cmark does not escape. */
static int substitute(struct ctx *c, const char *lit, int line, int bytecol, int html, char **out)
{
    *out = NULL;
    if (!lit || !strstr(lit, "{{"))
        return ERR_OK;
    struct strbuf b = {0};
    const char *p = lit, *line_begin = lit;
    char val[4096];
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            strbuf_puts(&b, p);
            break;
        }
        for (const char *q = p; q < open; q++)
            if (*q == '\n') {
                line++;
                bytecol = 1;
                line_begin = q + 1;
            }
        strbuf_add(&b, p, (size_t)(open - p));
        size_t col = cp_col(c, line, bytecol + (int)(open - line_begin));
        const char *close = strstr(open + 2, "}}");
        const char *nl = strchr(open + 2, '\n');
        if (!close || (nl && nl < close)) {
            free(b.s);
            return err_set(c->e, ERR_DATA, "%s:%d:%zu: expected }} closing the placeholder, found end of line",
                           c->tname, line, col);
        }
        char *body = trimmed(open + 2, (size_t)(close - open - 2));
        if (!body) {
            free(b.s);
            return err_set(c->e, ERR_NOMEM, "%s: out of memory", c->tname);
        }
        int rc = expand_one(c, body, line, col, val, sizeof val);
        free(body);
        if (rc) {
            free(b.s);
            return rc;
        }
        if (html)
            sb_html(&b, val, strlen(val));
        else
            strbuf_puts(&b, val);
        p = close + 2;
    }
    if (b.oom || !b.s) {
        free(b.s);
        return err_set(c->e, ERR_NOMEM, "%s: out of memory", c->tname);
    }
    *out = b.s;
    return ERR_OK;
}

/* Nodes are collected first: the tree is edited while we work on them. */
static int collect(cmark_node *root, cmark_node ***out, size_t *n)
{
    size_t cap = 64, k = 0;
    cmark_node **v = malloc(cap * sizeof *v);
    if (!v)
        return ERR_NOMEM;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (k == cap) {
            cmark_node **nv = realloc(v, 2 * cap * sizeof *nv);
            if (!nv) {
                cmark_iter_free(it);
                free(v);
                return ERR_NOMEM;
            }
            v = nv;
            cap *= 2;
        }
        v[k++] = cmark_iter_get_node(it);
    }
    cmark_iter_free(it);
    *out = v;
    *n = k;
    return ERR_OK;
}

static char *join_path(const char *base, const char *rel)
{
    if (rel[0] == '/' || !base || !*base)
        return strdup(rel);
    size_t a = strlen(base), r = strlen(rel);
    char *p = malloc(a + r + 2);
    if (p) {
        memcpy(p, base, a);
        p[a] = '/';
        memcpy(p + a + 1, rel, r + 1);
    }
    return p;
}

/* A table the report itself wrote in this run may still be held under its
 * temporary name (lib/core/outfile.h): read it there. */
static int read_file(const char *path, char **buf, size_t *len)
{
    FILE *fp = fopen(outfile_current(path), "rb");
    if (!fp)
        return errno ? errno : EIO;
    struct strbuf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        strbuf_add(&b, chunk, got);
    int bad = ferror(fp);
    fclose(fp);
    if (bad || b.oom) {
        free(b.s);
        return bad ? EIO : ENOMEM;
    }
    if (!b.s)
        strbuf_add(&b, "", 0);
    *buf = b.s;
    *len = b.n;
    return b.oom ? ENOMEM : 0;
}

/* ---- tables ---- */

static int is_number(const char *s, size_t n, double *x)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp || s[0] == ' ')
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    *x = strtod(tmp, &end);
    return *end == '\0' && isfinite(*x);
}

/* A number as the report writes it ("1 296", "92,9 %", "−0,5", "< 0,001"):
 * digits, with only separators, signs and a percent sign around them. */
static int looks_numeric(const char *s, size_t n)
{
    static const char *const skip[] = {"\xE2\x80\xAF", "\xC2\xA0", "\xE2\x88\x92", " ", "%", ",", ".", "-", "<", NULL};
    int digits = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits = 1;
            i++;
            continue;
        }
        size_t k = 0;
        while (skip[k] && strncmp(s + i, skip[k], strlen(skip[k])) != 0)
            k++;
        if (!skip[k])
            return 0;
        i += strlen(skip[k]);
    }
    return digits;
}

static void table_cell(struct strbuf *b, const char *s, size_t n, int head, const char *fmt)
{
    double x = 0;
    int num = !head && is_number(s, n, &x);
    int right = num || (!head && looks_numeric(s, n));
    strbuf_puts(b, head ? "<th>" : right ? "<td class=\"num\">" : "<td>");
    char raw[64], tmp[128];
    struct err quiet = {0};
    /* Integers (ids, counts) stay as they are; the format is for measures,
     * written the Russian way (decimal comma, minus sign) like every number. */
    if (num && x != floor(x)) {
        memcpy(raw, s, n);
        raw[n] = '\0';
    }
    if (num && x != floor(x) && mdreport_format(raw, fmt ? fmt : "%.10g", tmp, sizeof tmp, &quiet) == ERR_OK)
        strbuf_puts(b, tmp);
    else if (num && s[0] == '-') {
        strbuf_puts(b, "\xE2\x88\x92");
        sb_html(b, s + 1, n - 1);
    } else
        sb_html(b, s, n);
    strbuf_puts(b, head ? "</th>" : "</td>");
}

/* {{table:path|N|fmt}} -> an HTML block with the TSV's header and first N rows. */
static int table_html(struct ctx *c, const char *body, int line, size_t col, struct strbuf *out)
{
    struct err *e = c->e;
    char *spec = strdup(body + 6), *path = spec, *nstr = NULL, *fmt = NULL;
    if (!spec)
        return err_set(e, ERR_NOMEM, "out of memory");
    char *bar = strchr(spec, '|');
    if (bar) {
        *bar = '\0';
        nstr = bar + 1;
        if ((bar = strchr(nstr, '|'))) {
            *bar = '\0';
            fmt = bar + 1;
        }
    }
    long nmax = -1;
    int rc = ERR_OK;
    char check[64];
    if (!*path) {
        rc = err_set(e, ERR_DATA, "%s:%d:%zu: expected {{table:path.tsv|N}}, found no path", c->tname, line, col);
    } else if (nstr && (strspn(nstr, "0123456789") != strlen(nstr) || !*nstr || strlen(nstr) > 9)) {
        rc = err_set(e, ERR_DATA, "%s:%d:%zu: expected a row count after \"%s|\", found \"%s\"", c->tname, line, col,
                     path, nstr);
    } else if (fmt && mdreport_format("0.5", fmt, check, sizeof check, e) != ERR_OK) {
        rc = err_set(e, ERR_DATA, "%s:%d:%zu: expected a printf format for the table's numbers, found \"%s\"",
                     c->tname, line, col, fmt);
    } else if (fmt && (strcmp(fmt, "pct") == 0 || strcmp(fmt, "int") == 0 || strcmp(fmt, "money") == 0 ||
                       strcmp(fmt, "rub") == 0)) {
        rc = err_set(e, ERR_DATA, "%s:%d:%zu: expected a printf format for the table's numbers, found \"%s\"",
                     c->tname, line, col, fmt);
    }
    if (nstr && !rc)
        nmax = strtol(nstr, NULL, 10);
    char *full = NULL, *buf = NULL;
    size_t len = 0;
    if (!rc && !(full = join_path(c->o->base_dir, path)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    int en;
    if (!rc && (en = read_file(full, &buf, &len)))
        rc = err_set(e, ERR_IO, "%s:%d:%zu: expected a table at \"%s\", found none (%s)", c->tname, line, col, full,
                     strerror(en));
    size_t ncols = 0, row = 0, lineno = 0;
    if (!rc)
        strbuf_puts(out, "<div class=\"table-wrap\"><table>\n");
    for (size_t pos = 0; !rc && pos < len && (nmax < 0 || row <= (size_t)nmax);) {
        const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + 1;
        lineno++;
        size_t k = 1;
        for (size_t i = 0; i < n; i++)
            k += s[i] == '\t';
        if (row == 0)
            ncols = k;
        else if (k != ncols) {
            rc = err_set(e, ERR_DATA, "%s:%zu:1: expected %zu cells as in the header, found %zu", full, lineno, ncols,
                         k);
            break;
        }
        strbuf_puts(out, row == 0 ? "<thead><tr>" : "<tr>");
        for (size_t i = 0, start = 0; i <= n; i++)
            if (i == n || s[i] == '\t') {
                size_t cn = i - start;
                if (cn && s[start + cn - 1] == '\r')
                    cn--;
                table_cell(out, s + start, cn, row == 0, fmt);
                start = i + 1;
            }
        strbuf_puts(out, row == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
        row++;
    }
    if (!rc && row == 0)
        rc = err_set(e, ERR_DATA, "%s: expected a header row, found an empty file", full);
    if (!rc)
        strbuf_puts(out, "</tbody>\n</table></div>\n");
    free(buf);
    free(full);
    free(spec);
    return rc;
}

/* A paragraph that is exactly {{table:...}} becomes a raw HTML block. */
/* Where node starts. Inline nodes after a soft break may carry no position:
 * then the nearest ancestor's. */
static void node_position(cmark_node *node, int *line, int *col)
{
    *line = cmark_node_get_start_line(node);
    *col = cmark_node_get_start_column(node);
    for (cmark_node *p = node; *line == 0 && (p = cmark_node_parent(p));) {
        *line = cmark_node_get_start_line(p);
        *col = cmark_node_get_start_column(p);
    }
}

/* The nodes of doc of one type, in document order, listed before any edit
 * (*v: free it). */
static int nodes_of(struct ctx *c, cmark_node *doc, cmark_node_type type, cmark_node ***v, size_t *n)
{
    if (collect(doc, v, n))
        return err_set(c->e, ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (cmark_node_get_type((*v)[i]) == type)
            (*v)[k++] = (*v)[i];
    *n = k;
    return ERR_OK;
}

static int expand_tables(struct ctx *c, cmark_node *doc)
{
    /* Only the paragraphs, listed before editing: replacing one frees its
     * children, which a full list would hold too; paragraphs never nest. */
    cmark_node **v;
    size_t np;
    int rc = nodes_of(c, doc, CMARK_NODE_PARAGRAPH, &v, &np);
    if (rc)
        return rc;
    for (size_t i = 0; i < np && !rc; i++) {
        cmark_node *par = v[i], *t = cmark_node_first_child(par);
        if (!t || cmark_node_next(t) ||
            cmark_node_get_type(t) != CMARK_NODE_TEXT)
            continue;
        const char *lit = cmark_node_get_literal(t);
        size_t ln = strlen(lit);
        char *body = NULL;
        if (ln > 4 && strncmp(lit, "{{", 2) == 0 && strcmp(lit + ln - 2, "}}") == 0 && !strstr(lit + 2, "{{"))
            body = trimmed(lit + 2, ln - 4);
        if (!body || strncmp(body, "table:", 6) != 0) {
            free(body);
            continue;
        }
        int line = cmark_node_get_start_line(par);
        struct strbuf h = {0};
        rc = table_html(c, body, line, cp_col(c, line, cmark_node_get_start_column(t)), &h);
        free(body);
        if (!rc && h.oom)
            rc = err_set(c->e, ERR_NOMEM, "out of memory");
        if (!rc) {
            cmark_node *html = cmark_node_new(CMARK_NODE_HTML_BLOCK);
            if (!html || !cmark_node_set_literal(html, h.s) || !cmark_node_replace(par, html)) {
                cmark_node_free(html);
                rc = err_set(c->e, ERR_NOMEM, "out of memory");
            } else {
                cmark_node_free(par);
            }
        }
        free(h.s);
    }
    free(v);
    return rc;
}

/* ---- placeholders in every literal, url and title ---- */

static int set_sub(struct ctx *c, cmark_node *node, int which, const char *s, int line, int col, int html)
{
    char *r;
    int rc = substitute(c, s, line, col, html, &r);
    if (rc || !r)
        return rc;
    int ok = which == 0 ? cmark_node_set_literal(node, r) : which == 1 ? cmark_node_set_url(node, r)
                                                                         : cmark_node_set_title(node, r);
    free(r);
    return ok ? ERR_OK : err_set(c->e, ERR_NOMEM, "out of memory");
}

static int expand_values(struct ctx *c, cmark_node *doc)
{
    cmark_node **v;
    size_t n;
    if (collect(doc, &v, &n))
        return err_set(c->e, ERR_NOMEM, "out of memory");
    int rc = ERR_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        cmark_node *node = v[i];
        int line, col;
        node_position(node, &line, &col);
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            rc = set_sub(c, node, 0, cmark_node_get_literal(node), line, col, 0);
            break;
        case CMARK_NODE_CODE_BLOCK: {
            /* A fenced block's content starts on the line after the fence. */
            const char *s = line >= 1 && (size_t)line <= c->nlines ? c->src + c->line_start[line] : "";
            s += strspn(s, " ");
            int fenced = strncmp(s, "```", 3) == 0 || strncmp(s, "~~~", 3) == 0;
            rc = set_sub(c, node, 0, cmark_node_get_literal(node), line + fenced, 1, 0);
            break;
        }
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
            rc = set_sub(c, node, 0, cmark_node_get_literal(node), line, col, 1);
            break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            rc = set_sub(c, node, 1, cmark_node_get_url(node), line, col, 0);
            if (!rc)
                rc = set_sub(c, node, 2, cmark_node_get_title(node), line, col, 0);
            break;
        default: break;
        }
    }
    free(v);
    return rc;
}

/* ---- figures ---- */

static void plain_text(cmark_node *node, struct strbuf *b)
{
    for (cmark_node *ch = cmark_node_first_child(node); ch; ch = cmark_node_next(ch)) {
        cmark_node_type t = cmark_node_get_type(ch);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            strbuf_puts(b, cmark_node_get_literal(ch));
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            strbuf_puts(b, " ");
        else
            plain_text(ch, b);
    }
}

static void base64(struct strbuf *b, const unsigned char *s, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        q[0] = a[v >> 18 & 63];
        q[1] = a[v >> 12 & 63];
        q[2] = i + 1 < n ? a[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? a[v & 63] : '=';
        strbuf_add(b, q, 4);
    }
}

/* A paragraph holding only the image becomes <figure> with a caption. */
static int wrap_figure(cmark_node *img)
{
    cmark_node *par = cmark_node_parent(img);
    if (!par || cmark_node_get_type(par) != CMARK_NODE_PARAGRAPH)
        return ERR_OK;
    for (cmark_node *ch = cmark_node_first_child(par); ch; ch = cmark_node_next(ch))
        if (ch != img && !(cmark_node_get_type(ch) == CMARK_NODE_TEXT &&
                           strspn(cmark_node_get_literal(ch), " \t") == strlen(cmark_node_get_literal(ch))))
            return ERR_OK;
    struct strbuf cap = {0}, ex = {0};
    plain_text(img, &cap);
    if (cap.n) {
        strbuf_puts(&ex, "<figcaption>");
        sb_html(&ex, cap.s, cap.n);
        strbuf_puts(&ex, "</figcaption>");
    }
    strbuf_puts(&ex, "</figure>");
    cmark_node *fig = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    int ok = fig && !cap.oom && !ex.oom && cmark_node_set_on_enter(fig, "<figure>") &&
             cmark_node_set_on_exit(fig, ex.s) && cmark_node_insert_before(par, fig);
    free(cap.s);
    free(ex.s);
    if (!ok) {
        cmark_node_free(fig);
        return ERR_NOMEM;
    }
    cmark_node_unlink(par);
    cmark_node_append_child(fig, par);
    return ERR_OK;
}

static int embed_images(struct ctx *c, cmark_node *doc)
{
    cmark_node **v;
    size_t n;
    int rc = nodes_of(c, doc, CMARK_NODE_IMAGE, &v, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        cmark_node *img = v[i];
        int line, bcol;
        node_position(img, &line, &bcol);
        size_t col = cp_col(c, line, bcol);
        const char *url = cmark_node_get_url(img);
        if (!*url || strstr(url, "://") || strncmp(url, "data:", 5) == 0) {
            rc = err_set(c->e, ERR_DATA, "%s:%d:%zu: expected the path of a local PNG figure, found \"%s\"", c->tname,
                         line, col, url);
            break;
        }
        char *full = join_path(c->o->base_dir, url), *buf = NULL;
        size_t len = 0;
        int en = full ? read_file(full, &buf, &len) : ENOMEM;
        if (en)
            rc = err_set(c->e, en == ENOMEM ? ERR_NOMEM : ERR_IO, "%s:%d:%zu: expected a figure at \"%s\", found none (%s)",
                         c->tname, line, col, full ? full : url, strerror(en));
        else if (len < 8 || memcmp(buf, "\x89PNG\r\n\x1a\n", 8) != 0)
            rc = err_set(c->e, ERR_DATA, "%s:%d:%zu: expected a PNG figure at \"%s\", found another kind of file",
                         c->tname, line, col, full);
        if (!rc) {
            struct strbuf d = {0};
            strbuf_puts(&d, "data:image/png;base64,");
            base64(&d, (const unsigned char *)buf, len);
            if (d.oom || !cmark_node_set_url(img, d.s) || wrap_figure(img))
                rc = err_set(c->e, ERR_NOMEM, "out of memory");
            free(d.s);
        }
        free(buf);
        free(full);
    }
    free(v);
    return rc;
}

/* ---- the page ---- */

static const char css[] =
    "body{font-family:\"DejaVu Sans\",\"Segoe UI\",Arial,sans-serif;line-height:1.5;color:#222;"
    "max-width:52em;margin:2em auto;padding:0 1em}\n"
    "h1,h2,h3{line-height:1.25}\n"
    ".banner{background:#fff3cd;border:1px solid #d9b44a;padding:.5em 1em;font-weight:bold}\n"
    /* A wide table may leave the text column, centred on it, up to the window. */
    ".table-wrap{overflow-x:auto;width:min(70em,96vw);position:relative;left:50%;transform:translateX(-50%)}\n"
    ".table-wrap table{margin:1em auto}\n"
    "table{border-collapse:collapse;margin:1em 0;font-size:.9em}\n"
    "th,td{border:1px solid #999;padding:.25em .5em;vertical-align:top}\n"
    "th{background:#e8eef5;text-align:left}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "figure{margin:1.5em 0;text-align:center}\n"
    "figure p{margin:0}\n"
    "img{max-width:100%;height:auto}\n"
    "figcaption{font-size:.9em;color:#555;margin-top:.3em}\n"
    "code{background:#f4f4f4;padding:0 .2em}\n"
    "pre{background:#f4f4f4;padding:.5em;overflow-x:auto}\n"
    "@media print{body{max-width:none;margin:0;font-size:11pt}.banner{border:1px solid #000}"
    "figure,table,tr{page-break-inside:avoid}h1,h2,h3{page-break-after:avoid}a{color:inherit}"
    ".table-wrap{overflow:visible;width:auto;left:0;transform:none}}\n";

static void first_heading(cmark_node *doc, struct strbuf *b)
{
    for (cmark_node *ch = cmark_node_first_child(doc); ch; ch = cmark_node_next(ch))
        if (cmark_node_get_type(ch) == CMARK_NODE_HEADING) {
            plain_text(ch, b);
            return;
        }
}

int mdreport_render(const char *md, size_t len, const struct mdreport_opts *o, char **html, struct err *e)
{
    *html = NULL;
    struct ctx c = {o, o->template_name ? o->template_name : "template", md, len, NULL, 0, e};
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += md[i] == '\n';
    c.line_start = malloc((nl + 1) * sizeof *c.line_start);
    if (!c.line_start)
        return err_set(e, ERR_NOMEM, "out of memory");
    c.line_start[1] = 0;
    for (size_t i = 0, k = 1; i < len; i++)
        if (md[i] == '\n')
            c.line_start[++k] = i + 1;
    c.nlines = nl;

    /* UNSAFE keeps the raw HTML of {{table:}} blocks; the template is ours. */
    cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_UNSAFE);
    if (!doc) {
        free(c.line_start);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    cmark_consolidate_text_nodes(doc);
    int rc = expand_tables(&c, doc);
    if (!rc)
        rc = expand_values(&c, doc);
    if (!rc)
        rc = embed_images(&c, doc);
    char *body = NULL;
    if (!rc && !(body = cmark_render_html(doc, CMARK_OPT_UNSAFE)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    struct strbuf page = {0}, title = {0};
    if (!rc) {
        if (o->title)
            strbuf_puts(&title, o->title);
        else
            first_heading(doc, &title);
        if (!title.n)
            strbuf_puts(&title, "Отчёт");
        strbuf_puts(&page, "<!doctype html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        sb_html(&page, title.s, title.n);
        strbuf_puts(&page, "</title>\n<style>\n");
        strbuf_puts(&page, css);
        strbuf_puts(&page, "</style>\n</head>\n<body>\n");
        if (o->banner) {
            strbuf_puts(&page, "<p class=\"banner\">");
            sb_html(&page, o->banner, strlen(o->banner));
            strbuf_puts(&page, "</p>\n");
        }
        strbuf_puts(&page, body);
        strbuf_puts(&page, "</body>\n</html>\n");
        if (page.oom || title.oom)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    free(title.s);
    free(body);
    cmark_node_free(doc);
    free(c.line_start);
    if (rc) {
        free(page.s);
        return rc;
    }
    *html = page.s;
    return ERR_OK;
}

int mdreport_render_file(const char *template_path, const char *out_path, const struct mdreport_opts *o,
                         struct err *e)
{
    char *md;
    size_t len;
    int en = read_file(template_path, &md, &len);
    if (en)
        return err_set(e, en == ENOMEM ? ERR_NOMEM : ERR_IO, "%s: cannot read: %s", template_path, strerror(en));
    struct mdreport_opts oo = *o;
    if (!oo.template_name)
        oo.template_name = template_path;
    char *html;
    int rc = mdreport_render(md, len, &oo, &html, e);
    free(md);
    if (rc)
        return rc;
    struct outfile of;
    if (!(rc = outfile_open(out_path, &of, e))) {
        fputs(html, of.fp);
        rc = outfile_commit(&of, e);
    }
    free(html);
    return rc;
}
