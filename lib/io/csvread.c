/* csvread: RFC 4180 reading over libcsv (see csvread.h).
 *
 * One pass over the file in 1 MiB chunks. A hand loop checks each byte
 * (NUL, UTF-8, line ends) and hands libcsv one physical line at a time, so
 * every libcsv callback knows the line it is on, and an error found by the
 * loop can first feed the bytes before it to libcsv to learn the field index.
 * Cell text lives in a chunked arena whose blocks never move, so `cells`
 * points straight into it and nothing is copied twice. */
#include "core/mem.h"
#include "io/csvread.h"
#include "core/utf8.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CHUNK = 1 << 20,       /* bytes per fread */
    ARENA_BLOCK = 1 << 20, /* bytes per arena block (more for a longer cell) */
    CP1251_WINDOW = 1 << 16
};

/* libcsv's parser states (libcsv.c, stable since 1.0); the struct is public
 * but the names are not, and we only need to know "no row begun yet" and
 * "inside a quoted field". */
enum { LIBCSV_ROW_NOT_BEGUN = 0, LIBCSV_FIELD_BEGUN = 2, LIBCSV_FIELD_MIGHT_HAVE_ENDED = 3 };

/* What csv_read returns is the public part of this; csv_data_free casts back. */
struct csv_impl {
    struct csv_data pub;
    char **blocks;
    size_t nblocks, capblocks;
    char *cur;
    size_t cur_used, cur_cap;
};

struct reader {
    struct csv_impl *d;
    struct err *e;
    int status;          /* first error raised inside a libcsv callback */
    size_t line;         /* physical line being fed to libcsv */
    uint64_t line_start; /* file offset of that line's first byte */
    int fresh;           /* nothing of `line` fed yet */
    size_t row_line;     /* line where the current row started */
    size_t nf;           /* fields completed in the current row */
    size_t quote_line;   /* line where an open quoted field started, 0 if none */
    size_t quote_field;
    int have_header;
    char **hdr;
    size_t hdr_cap;
    size_t cap_rows;
};

static char *arena_dup(struct csv_impl *d, const char *s, size_t len)
{
    if (d->cur_cap - d->cur_used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        if (d->nblocks == d->capblocks) {
            size_t nc = d->capblocks ? 2 * d->capblocks : 16;
            char **nb = realloc(d->blocks, nc * sizeof *nb);
            if (!nb)
                return NULL;
            d->blocks = nb;
            d->capblocks = nc;
        }
        char *b = malloc(cap);
        if (!b)
            return NULL;
        d->blocks[d->nblocks++] = b;
        d->cur = b;
        d->cur_used = 0;
        d->cur_cap = cap;
    }
    char *p = d->cur + d->cur_used;
    /* CSV_APPEND_NULL: libcsv has already written the terminating NUL. */
    memcpy(p, s, len + 1);
    d->cur_used += len + 1;
    return p;
}

struct name_at {
    const char *name;
    size_t col;
};

static int name_cmp(const void *a, const void *b)
{
    const struct name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->col > y->col) - (x->col < y->col);
}

static int header_check(struct reader *r)
{
    struct csv_data *d = &r->d->pub;
    for (size_t j = 0; j < d->ncols; j++)
        if (d->header[j][0] == '\0')
            return err_set(r->e, ERR_DATA, "%s:%zu:%zu: expected a column name, found an empty one", d->path,
                           r->row_line, j + 1);
    if (d->ncols < 2)
        return 0;
    /* Sorting finds duplicates in n log n; a wide export can have many columns. */
    struct name_at *s = malloc(d->ncols * sizeof *s);
    if (!s)
        return err_set(r->e, ERR_NOMEM, "%s: out of memory checking the header", d->path);
    for (size_t j = 0; j < d->ncols; j++)
        s[j] = (struct name_at){d->header[j], j};
    qsort(s, d->ncols, sizeof *s, name_cmp);
    /* Report the repeat that comes first in the file, against its first use. */
    size_t first = 0, dup = SIZE_MAX, run = 0;
    for (size_t k = 1; k < d->ncols; k++) {
        if (strcmp(s[k - 1].name, s[k].name) != 0) {
            run = k;
            continue;
        }
        if (k == run + 1 && s[k].col < dup) {
            first = s[run].col;
            dup = s[k].col;
        }
    }
    free(s);
    if (dup == SIZE_MAX)
        return 0;
    return err_set(r->e, ERR_DATA, "%s:%zu:%zu: expected unique column names, found \"%s\" again (first in column %zu)",
                   d->path, r->row_line, dup + 1, d->header[dup], first + 1);
}

static int grow_rows(struct reader *r)
{
    struct csv_data *d = &r->d->pub;
    size_t nc = r->cap_rows ? 2 * r->cap_rows : 1024;
    if (nc > SIZE_MAX / sizeof(char *) / d->ncols)
        return ERR_NOMEM;
    char **cells = realloc(d->cells, nc * d->ncols * sizeof *cells);
    if (!cells)
        return ERR_NOMEM;
    d->cells = cells;
    size_t *line = realloc(d->line, nc * sizeof *line);
    if (!line)
        return ERR_NOMEM;
    d->line = line;
    r->cap_rows = nc;
    return 0;
}

/* libcsv: one field is complete. */
static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    struct csv_data *d = &r->d->pub;
    if (r->status)
        return;
    r->quote_line = 0;
    if (!r->have_header) {
        if (r->nf == r->hdr_cap) {
            size_t nc = r->hdr_cap ? 2 * r->hdr_cap : 32;
            char **h = realloc(r->hdr, nc * sizeof *h);
            if (!h) {
                r->status = err_set(r->e, ERR_NOMEM, "%s: out of memory reading the header", d->path);
                return;
            }
            r->hdr = h;
            r->hdr_cap = nc;
        }
        if (!(r->hdr[r->nf] = arena_dup(r->d, s, len))) {
            r->status = err_set(r->e, ERR_NOMEM, "%s: out of memory reading the header", d->path);
            return;
        }
    } else if (r->nf < d->ncols) {
        if (r->nf == 0 && d->nrows == r->cap_rows && grow_rows(r)) {
            r->status = err_set(r->e, ERR_NOMEM, "%s:%zu: out of memory after %zu rows", d->path, r->row_line,
                                d->nrows);
            return;
        }
        char *c = arena_dup(r->d, s, len);
        if (!c) {
            r->status = err_set(r->e, ERR_NOMEM, "%s:%zu: out of memory after %zu rows", d->path, r->row_line,
                                d->nrows);
            return;
        }
        d->cells[d->nrows * d->ncols + r->nf] = c;
    }
    r->nf++;
}

/* libcsv: the row is complete (c is the terminator, -1 from csv_fini). */
static void on_row(int c, void *data)
{
    struct reader *r = data;
    struct csv_data *d = &r->d->pub;
    (void)c;
    if (r->status)
        return;
    if (!r->have_header) {
        d->header = r->hdr;
        d->ncols = r->nf;
        r->hdr = NULL;
        r->have_header = 1;
        r->status = header_check(r);
    } else if (r->nf != d->ncols) {
        r->status = err_set(r->e, ERR_DATA, "%s:%zu:%zu: expected %zu fields as in the header, found %zu", d->path,
                            r->row_line, (r->nf > d->ncols ? d->ncols : r->nf) + 1, d->ncols, r->nf);
    } else {
        d->line[d->nrows++] = r->row_line;
    }
    r->nf = 0;
}

static void describe_byte(char *buf, size_t n, unsigned char c)
{
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, n, "'%c'", c);
    else if (c == ' ')
        snprintf(buf, n, "a space");
    else
        snprintf(buf, n, "byte 0x%02X", c);
}

/* Feed buf[from, to) — never more than one physical line — to libcsv. */
static int feed(struct reader *r, struct csv_parser *p, const unsigned char *buf, size_t from, size_t to)
{
    if (to == from)
        return 0;
    if (r->fresh) {
        if (p->pstate == LIBCSV_ROW_NOT_BEGUN)
            r->row_line = r->line;
        r->fresh = 0;
    }
    size_t used = csv_parse(p, buf + from, to - from, on_field, on_row, r);
    if (r->status)
        return r->status;
    const char *path = r->d->pub.path;
    if (used < to - from) {
        if (csv_error(p) != CSV_EPARSE)
            return err_set(r->e, ERR_NOMEM, "%s:%zu: %s", path, r->line, csv_strerror(csv_error(p)));
        char what[32];
        describe_byte(what, sizeof what, buf[from + used]);
        if (p->pstate == LIBCSV_FIELD_MIGHT_HAVE_ENDED)
            return err_set(r->e, ERR_DATA,
                           "%s:%zu:%zu: expected a separator or a line end after the closing quote, found %s",
                           path, r->line, r->nf + 1, what);
        return err_set(r->e, ERR_DATA,
                       "%s:%zu:%zu: expected no quote inside an unquoted field (quote the whole field and "
                       "double the quote), found %s",
                       path, r->line, r->nf + 1, what);
    }
    if (!r->quote_line && p->quoted && p->pstate == LIBCSV_FIELD_BEGUN) {
        r->quote_line = r->line;
        r->quote_field = r->nf + 1;
    }
    return 0;
}

/* Windows-1251 puts Cyrillic letters at 0xC0-0xFF (and Ёё at 0xA8/0xB8), so
 * Russian text is runs of those bytes; Latin-1 accents come one at a time. */
static int looks_cp1251(const unsigned char *s, size_t n)
{
    size_t high = 0, letters = 0, pairs = 0;
    int prev = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        int letter = c >= 0xC0 || c == 0xA8 || c == 0xB8;
        high += c >= 0x80;
        letters += letter;
        pairs += letter && prev;
        prev = letter;
    }
    return letters >= 2 && letters * 10 >= high * 8 && pairs * 2 >= letters;
}

/* The most frequent of , ; TAB outside quotes on the header line; ties go to
 * ',' then ';', and a one-column header (none of them) reads as ','. */
static char sniff_sep(const unsigned char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n' || c == '\r')
            break;
        else if (c == ',')
            comma++;
        else if (c == ';')
            semi++;
        else if (c == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

/* RFC 4180: spaces belong to the field; libcsv would trim them. */
static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int bad_utf8(struct reader *r, struct csv_parser *p, const unsigned char *buf, size_t piece, size_t i,
                    size_t have, uint64_t base, int at_file_start)
{
    int rc = feed(r, p, buf, piece, i);
    if (rc)
        return rc;
    const char *path = r->d->pub.path;
    size_t bytecol = (size_t)(base + i - r->line_start) + 1;
    size_t w = have - i < CP1251_WINDOW ? have - i : CP1251_WINDOW;
    const char *hint = "";
    if (at_file_start && i + 1 < have &&
        ((buf[i] == 0xFF && buf[i + 1] == 0xFE) || (buf[i] == 0xFE && buf[i + 1] == 0xFF)))
        hint = "; the file looks like UTF-16: convert it with `iconv -f utf-16 -t utf-8`";
    else if (looks_cp1251(buf + i, w))
        hint = "; the file looks like Windows-1251: convert it with `iconv -f cp1251 -t utf-8`";
    return err_set(r->e, ERR_DATA,
                   "%s:%zu:%zu: expected UTF-8 text, found byte 0x%02X at byte column %zu (field %zu): invalid "
                   "UTF-8%s",
                   path, r->line, r->nf + 1, buf[i], bytecol, r->nf + 1, hint);
}

/* A line ended just before buf[i]: feed libcsv up to it, the next line starts. */
static int line_end(struct reader *r, struct csv_parser *p, const unsigned char *buf, size_t *piece, size_t i,
                    uint64_t base)
{
    int rc = feed(r, p, buf, *piece, i);
    if (rc)
        return rc;
    *piece = i;
    r->line++;
    r->line_start = base + i;
    r->fresh = 1;
    return ERR_OK;
}

/* The main loop: chunks in, lines out to libcsv. */
/* Scan buf[start..have) (buf[0] is at file offset base) and feed libcsv a
 * line at a time, checking the bytes on the way; it stops early at a CR or a
 * UTF-8 sequence the next chunk completes (unless eof). *used: how far it got. */
static int scan_chunk(struct reader *r, struct csv_parser *p, const unsigned char *buf, size_t start, size_t have,
                      uint64_t base, int eof, size_t *used)
{
    struct csv_data *d = &r->d->pub;
    int rc;
    size_t i = start, piece = start;
    while (i < have) {
        unsigned char c = buf[i];
        if (c > '\r' && c < 0x80) {
            i++;
        } else if (c == '\n') {
            i++;
            if ((rc = line_end(r, p, buf, &piece, i, base)))
                return rc;
        } else if (c == '\r') {
            if (i + 1 == have && !eof)
                break; /* is it CRLF? the next chunk tells */
            i++;
            if (i < have && buf[i] == '\n')
                continue; /* the LF ends the line */
            if ((rc = line_end(r, p, buf, &piece, i, base)))
                return rc;
        } else if (c >= 0x80) {
            int k = utf8_seq(buf + i, have - i);
            if (k < 0 && !eof)
                break; /* the sequence continues in the next chunk */
            if (k <= 0) {
                rc = bad_utf8(r, p, buf, piece, i, have, base, base + i == start);
                return rc;
            }
            i += (size_t)k;
        } else if (c == '\0') {
            if ((rc = feed(r, p, buf, piece, i)))
                return rc;
            rc = err_set(r->e, ERR_DATA,
                         "%s:%zu:%zu: expected text, found a NUL byte at byte column %zu (field %zu); is the "
                         "file binary or UTF-16?",
                         d->path, r->line, r->nf + 1, (size_t)(base + i - r->line_start) + 1, r->nf + 1);
            return rc;
        } else {
            i++;
        }
    }
    if ((rc = feed(r, p, buf, piece, i)))
        return rc;
    *used = i;
    return 0;
}

static int read_stream(struct reader *r, FILE *f, const struct csv_opts *o)
{
    struct csv_data *d = &r->d->pub;
    struct csv_parser p;
    /* +8: room for an incomplete UTF-8 sequence or a CR carried over. */
    unsigned char *buf = malloc(CHUNK + 8);
    if (!buf)
        return err_set(r->e, ERR_NOMEM, "%s: out of memory", d->path);
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        free(buf);
        return err_set(r->e, ERR_NOMEM, "%s: cannot initialise libcsv", d->path);
    }
    csv_set_space_func(&p, never_space);
    /* libcsv grows its field buffer linearly by this much. */
    csv_set_blk_size(&p, 4096);

    int rc = 0, first = 1, eof = 0;
    size_t have = 0;
    uint64_t base = 0; /* file offset of buf[0] */
    r->line = 1;
    r->fresh = 1;
    while (!eof) {
        size_t n = fread(buf + have, 1, CHUNK, f);
        if (n < CHUNK) {
            if (ferror(f)) {
                rc = err_set(r->e, ERR_IO, "%s: cannot read: %s", d->path, strerror(errno));
                break;
            }
            eof = 1;
        }
        have += n;
        size_t start = 0;
        if (first) {
            first = 0;
            if (have >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
                start = 3;
            if (have == start) {
                rc = err_set(r->e, ERR_DATA, "%s:1:1: expected a header row, found an empty file", d->path);
                break;
            }
            r->line_start = start;
            d->sep = o && o->sep ? o->sep : sniff_sep(buf + start, have - start);
            csv_set_delim(&p, (unsigned char)d->sep);
        }
        size_t i = 0;
        if ((rc = scan_chunk(r, &p, buf, start, have, base, eof, &i)))
            goto done;
        memmove(buf, buf + i, have - i);
        base += i;
        have -= i;
    }
    if (rc)
        goto done;
    if (csv_fini(&p, on_field, on_row, r)) {
        rc = err_set(r->e, ERR_DATA,
                     "%s:%zu:%zu: expected a closing quote for the field opened on line %zu, found the end of the "
                     "file",
                     d->path, r->quote_line, r->quote_field, r->quote_line);
        goto done;
    }
    if ((rc = r->status))
        goto done;
    if (!r->have_header)
        rc = err_set(r->e, ERR_DATA, "%s:%zu:1: expected a header row, found only blank lines", d->path,
                     r->line);
done:
    csv_free(&p);
    free(buf);
    return rc;
}

int csv_read(const char *path, const struct csv_opts *o, struct csv_data **out, struct err *e)
{
    *out = NULL;
    if (o && o->sep && o->sep != ',' && o->sep != ';' && o->sep != '\t')
        return err_set(e, ERR_PARAMS, "%s: expected a separator ',' ';' or tab, found byte 0x%02X", path,
                       (unsigned char)o->sep);
    struct csv_impl *impl = calloc(1, sizeof *impl);
    if (!impl || !(impl->pub.path = strdup(path))) {
        free(impl);
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        int rc = err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        csv_data_free(&impl->pub);
        return rc;
    }
    struct reader r = {.d = impl, .e = e};
    int rc = read_stream(&r, f, o);
    fclose(f);
    free(r.hdr);
    /* A header-only file still gets non-NULL arrays. */
    if (!rc && !r.cap_rows && grow_rows(&r))
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
    if (rc) {
        csv_data_free(&impl->pub);
        return rc;
    }
    *out = &impl->pub;
    return 0;
}

void csv_data_free(struct csv_data *d)
{
    if (!d)
        return;
    struct csv_impl *impl = (struct csv_impl *)d;
    for (size_t k = 0; k < impl->nblocks; k++)
        free(impl->blocks[k]);
    FREE_ALL(impl->blocks, d->header, d->cells, d->line, d->path, impl);
}

long csv_find(const struct csv_data *d, const char *name)
{
    for (size_t j = 0; j < d->ncols; j++)
        if (strcmp(d->header[j], name) == 0)
            return (long)j;
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int num_parse(const char *s, char decimal, double *out)
{
    if (!s || (decimal != '.' && decimal != ','))
        return ERR_DATA;
    while (*s == ' ' || *s == '\t')
        s++;
    /* Check the grammar ourselves: strtod would also take "nan", "inf",
     * hex floats and the locale's decimal mark. */
    const char *p = s;
    size_t digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    for (; is_digit(*p); p++)
        digits++;
    const char *mark = NULL;
    if (*p == decimal) {
        mark = p++;
        for (; is_digit(*p); p++)
            digits++;
    }
    if (!digits)
        return ERR_DATA;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return ERR_DATA;
        while (is_digit(*p))
            p++;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return ERR_DATA;

    /* Clinger's fast path: at most 15 digits and no exponent make the
     * mantissa and 10^frac exact doubles, so one division is correctly
     * rounded, the very double strtod returns. Every table the stages read
     * goes through here (tests/bench/README.md). */
    if (digits <= 15 && (size_t)(end - s) == digits + (mark != NULL) + (*s == '+' || *s == '-')) {
        static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        uint64_t m = 0;
        size_t frac = 0;
        for (const char *q = s; q < end; q++) {
            if (is_digit(*q)) {
                m = m * 10 + (uint64_t)(*q - '0');
                frac += mark && q > mark;
            }
        }
        double v = (double)m / pow10[frac];
        *out = *s == '-' ? -v : v;
        return 0;
    }

    size_t len = (size_t)(end - s);
    char small[128], *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return ERR_NOMEM;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod reads '.' in the C locale, which stages never change. */
    if (mark)
        buf[mark - s] = '.';
    char *q;
    errno = 0;
    double v = strtod(buf, &q);
    int bad = q != buf + len || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0);
    if (buf != small)
        free(buf);
    if (bad)
        return ERR_DATA;
    *out = v;
    return 0;
}
