/* prep: the text form of a fitted column transformer.
 *
 *   oneclick-prep<TAB>1
 *   nfeat<TAB>N
 *   feature<TAB>name<TAB>role<TAB>scaler<TAB>drop_first<TAB>ncat<TAB>a<TAB>b
 *   cat<TAB>category            (ncat lines, in the fitted order)
 *   ...
 *   end
 *
 * Doubles are %.17g, which strtod reads back to the same bits, so a reloaded
 * transformer transforms bit-identically. Output names are not stored: they
 * are derived from the features (prep_layout). */
#include "core/fileio.h"
#include "models/prep.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/textio.h"

static const char *const role_word[] = {"numeric", "nominal", "ordinal"};
static const char *const scaler_word[] = {"passthrough", "standard", "minmax", "robust"};

static int word_index(const char *const *words, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(words[i], s) == 0)
            return i;
    return -1;
}

int prep_scaler_from_name(const char *s, enum prep_scaler *out, struct err *e)
{
    int k = s ? word_index(scaler_word, 4, s) : -1;
    if (k < 0)
        return err_set(e, ERR_PARAMS, "expected a scaler passthrough, standard, minmax or robust, found \"%s\"",
                       s ? s : "");
    *out = (enum prep_scaler)k;
    return ERR_OK;
}

const char *prep_scaler_name(enum prep_scaler k)
{
    return (unsigned)k < 4 ? scaler_word[k] : "?";
}

static int bad_text(const char *s)
{
    return strpbrk(s, "\t\n\r") != NULL;
}

int prep_write(const struct prep *p, FILE *f, struct err *e)
{
    fprintf(f, "oneclick-prep\t1\nnfeat\t%zu\n", p->nfeat);
    for (size_t j = 0; j < p->nfeat; j++) {
        const struct prep_feature *ft = &p->feat[j];
        if (bad_text(ft->name))
            return err_set(e, ERR_DATA, "feature %zu: expected a name without tabs or line breaks", j);
        fprintf(f, "feature\t%s\t%s\t%s\t%d\t%zu\t%.17g\t%.17g\n", ft->name, role_word[ft->role],
                scaler_word[ft->scale.kind], ft->drop_first, ft->ncat, ft->scale.a, ft->scale.b);
        for (size_t c = 0; c < ft->ncat; c++) {
            if (bad_text(ft->cats[c]))
                return err_set(e, ERR_DATA, "feature \"%s\": expected categories without tabs or line breaks, found \"%s\"",
                               ft->name, ft->cats[c]);
            fprintf(f, "cat\t%s\n", ft->cats[c]);
        }
    }
    fputs("end\n", f);
    if (ferror(f))
        return err_set(e, ERR_IO, "cannot write the preprocessing: %s", strerror(errno));
    return ERR_OK;
}

/* A line split in place into at most 9 tab-separated fields. */
struct line {
    char *buf;
    size_t cap;
    size_t no;
    int nf;
    char *field[9];
    size_t col[9];
};

static int next_line(FILE *f, struct line *l, const char *path, const char *want, struct err *e)
{
    ssize_t len = getline(&l->buf, &l->cap, f);
    l->no++;
    if (len < 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected %s, found the end of the file", path, l->no, want);
    if (len > 0 && l->buf[len - 1] == '\n')
        l->buf[--len] = '\0';
    l->nf = 0;
    char *s = l->buf;
    for (;;) {
        if (l->nf == 9)
            return err_set(e, ERR_DATA, "%s:%zu:%zu: expected %s, found too many fields", path, l->no,
                           (size_t)(s - l->buf) + 1, want);
        l->col[l->nf] = (size_t)(s - l->buf) + 1;
        l->field[l->nf++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    if (strcmp(l->field[0], want) != 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected \"%s\", found \"%s\"", path, l->no, want, l->field[0]);
    return ERR_OK;
}

static int want_fields(const struct line *l, int n, const char *path, struct err *e)
{
    if (l->nf != n)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected %d tab-separated fields, found %d", path, l->no, n, l->nf);
    return ERR_OK;
}

static int parse_size(const struct line *l, int k, const char *path, size_t *out, struct err *e)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(l->field[k], &end, 10);
    if (errno || end == l->field[k] || *end || l->field[k][0] == '-')
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a count, found \"%s\"", path, l->no, l->col[k], l->field[k]);
    *out = (size_t)v;
    return ERR_OK;
}

static int parse_double(const struct line *l, int k, const char *path, double *out, struct err *e)
{
    char *end;
    *out = strtod(l->field[k], &end);
    if (end == l->field[k] || *end)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a number, found \"%s\"", path, l->no, l->col[k], l->field[k]);
    return ERR_OK;
}

static int read_feature(FILE *f, struct line *l, const char *path, struct prep_feature *ft, struct err *e)
{
    int rc;
    if ((rc = next_line(f, l, path, "feature", e)) || (rc = want_fields(l, 8, path, e)))
        return rc;
    int role = word_index(role_word, 3, l->field[2]), sc = word_index(scaler_word, 4, l->field[3]);
    if (role < 0)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected numeric, nominal or ordinal, found \"%s\"", path, l->no,
                       l->col[2], l->field[2]);
    if (sc < 0)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected passthrough, standard, minmax or robust, found \"%s\"",
                       path, l->no, l->col[3], l->field[3]);
    if (strcmp(l->field[4], "0") != 0 && strcmp(l->field[4], "1") != 0)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected 0 or 1, found \"%s\"", path, l->no, l->col[4], l->field[4]);
    size_t ncat;
    if ((rc = parse_size(l, 5, path, &ncat, e)) || (rc = parse_double(l, 6, path, &ft->scale.a, e)) ||
        (rc = parse_double(l, 7, path, &ft->scale.b, e)))
        return rc;
    if ((role == PREP_NUMERIC && ncat != 0) || (role == PREP_ORDINAL && ncat == 0))
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a category count that fits the role, found %zu", path, l->no,
                       l->col[5], ncat);
    /* Each "cat\tNAME\n" line has at least 5 bytes. */
    size_t left = textio_bytes_left(f);
    if (left != SIZE_MAX && ncat > left / 5 && ncat > (1u << 20) / sizeof(char *))
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a category count the file can hold, found %zu with %zu "
                       "bytes left", path, l->no, l->col[5], ncat, left);
    if (!(ft->name = strdup(l->field[1])))
        return err_set(e, ERR_NOMEM, "out of memory");
    ft->role = (enum prep_role)role;
    ft->scale.kind = (enum prep_scaler)sc;
    ft->drop_first = l->field[4][0] == '1';
    if (ncat && !(ft->cats = calloc(ncat, sizeof *ft->cats)))
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < ncat; c++) {
        if ((rc = next_line(f, l, path, "cat", e)) || (rc = want_fields(l, 2, path, e)))
            return rc;
        /* Nominal lookups binary-search: the order must be the sorted one. */
        if (role == PREP_NOMINAL && c > 0 && strcmp(ft->cats[c - 1], l->field[1]) >= 0)
            return err_set(e, ERR_DATA, "%s:%zu:5: expected categories in increasing byte order, found \"%s\"", path,
                           l->no, l->field[1]);
        if (!(ft->cats[c] = strdup(l->field[1])))
            return err_set(e, ERR_NOMEM, "out of memory");
        ft->ncat = c + 1;
    }
    return ERR_OK;
}

int prep_read(FILE *f, const char *path, struct prep **out, struct err *e)
{
    *out = NULL;
    struct line l = {0};
    struct prep *p = calloc(1, sizeof *p);
    int rc = ERR_OK;
    if (!p) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = next_line(f, &l, path, "oneclick-prep", e)) || (rc = want_fields(&l, 2, path, e)))
        goto done;
    if (strcmp(l.field[1], "1") != 0) {
        rc = err_set(e, ERR_DATA, "%s:1:15: expected format version 1, found \"%s\"", path, l.field[1]);
        goto done;
    }
    size_t nfeat;
    if ((rc = next_line(f, &l, path, "nfeat", e)) || (rc = want_fields(&l, 2, path, e)) ||
        (rc = parse_size(&l, 1, path, &nfeat, e)))
        goto done;
    if (nfeat > 1000000) {
        rc = err_set(e, ERR_DATA, "%s:2:7: expected a feature count up to 1000000, found %zu", path, nfeat);
        goto done;
    }
    /* Each feature line has at least 32 bytes ("feature", 7 tabs, the words). */
    size_t left = textio_bytes_left(f);
    if (left != SIZE_MAX && nfeat > left / 32 && nfeat > (1u << 20) / sizeof(struct prep_feature)) {
        rc = err_set(e, ERR_DATA, "%s:2:7: expected a feature count the file can hold, found %zu with %zu bytes "
                     "left", path, nfeat, left);
        goto done;
    }
    if (!(p->feat = calloc(nfeat ? nfeat : 1, sizeof *p->feat))) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < nfeat; j++) {
        p->nfeat = j + 1;
        if ((rc = read_feature(f, &l, path, &p->feat[j], e)))
            goto done;
    }
    if ((rc = next_line(f, &l, path, "end", e)) || (rc = want_fields(&l, 1, path, e)))
        goto done;
    rc = prep_layout(p, e);
done:
    free(l.buf);
    if (rc) {
        prep_free(p);
        return rc;
    }
    *out = p;
    return ERR_OK;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return prep_write(obj, fp, e);
}

int prep_save(const struct prep *p, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, p, e);
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return prep_read(fp, name, out, e);
}

int prep_load(const char *path, struct prep **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
