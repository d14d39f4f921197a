#include "core/textio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

void textio_init(struct textio *t, FILE *fp, const char *name, size_t line, char sep)
{
    *t = (struct textio){fp, name, line, NULL, 0, NULL, sep};
}

void textio_free(struct textio *t)
{
    free(t->buf);
    t->buf = t->pos = NULL;
    t->cap = 0;
}

size_t textio_col(const struct textio *t, const char *s)
{
    return (size_t)(s - t->buf) + 1;
}

static int tab(const struct textio *t)
{
    return t->sep == '\t';
}

/* *len: the line's length without its '\n'; key names what the end of the
 * file falls short of (NULL: any line). */
static int next_line(struct textio *t, const char *key, ssize_t *len, struct err *e)
{
    errno = 0;
    *len = getline(&t->buf, &t->cap, t->fp);
    t->line++;
    if (*len < 0) {
        if (errno == ENOMEM)
            return tab(t) ? err_set(e, ERR_NOMEM, "%s:%zu:1: out of memory", t->name, t->line)
                          : err_set(e, ERR_NOMEM, "%s: out of memory", t->name);
        if (key)
            return err_set(e, ERR_DATA, "%s:%zu:1: expected \"%s\", found the end of the file", t->name, t->line,
                           key);
        return err_set(e, ERR_DATA, "%s:%zu:1: expected a line, found %s", t->name, t->line,
                       tab(t) ? "the end of the file" : "end of file");
    }
    if (*len > 0 && t->buf[*len - 1] == '\n')
        t->buf[--*len] = '\0';
    t->pos = t->buf;
    return ERR_OK;
}

int textio_line(struct textio *t, struct err *e)
{
    ssize_t len;
    return next_line(t, NULL, &len, e);
}

int textio_key(struct textio *t, const char *key, struct err *e)
{
    ssize_t len;
    int rc = next_line(t, key, &len, e);
    if (rc)
        return rc;
    /* len, not strlen: a NUL byte inside the line must not pass for its end. */
    char *s = strchr(t->buf, t->sep);
    size_t klen = s ? (size_t)(s - t->buf) : (size_t)len;
    if (klen != strlen(key) || memcmp(t->buf, key, klen) != 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected \"%s\", found \"%.*s\"", t->name, t->line, key,
                       (int)(klen > 64 ? 64 : klen), t->buf);
    t->pos = s ? s + 1 : t->buf + len;
    return ERR_OK;
}

int textio_fail(const struct textio *t, const char *at, struct err *e, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return err_set(e, ERR_DATA, "%s:%zu:%zu: expected %s, found \"%.*s\"", t->name, t->line, textio_col(t, at), what,
                   tab(t) ? 32 : 40, at);
}

/* Past the field that ended at end: one tab, or a run of spaces. */
static void skip_sep(struct textio *t, char *end)
{
    t->pos = end;
    if (*t->pos == t->sep)
        t->pos++;
    if (!tab(t))
        while (*t->pos == ' ')
            t->pos++;
}

int textio_word(struct textio *t, const char *word, struct err *e)
{
    size_t n = strlen(word);
    if (strncmp(t->pos, word, n) || (t->pos[n] != t->sep && t->pos[n] != '\0'))
        return textio_fail(t, t->pos, e, "\"%s\"", word);
    skip_sep(t, t->pos + n);
    return ERR_OK;
}

int textio_double(struct textio *t, double *x, struct err *e)
{
    char *end;
    errno = 0;
    double v = strtod(t->pos, &end);
    if (end == t->pos || (*end != '\0' && *end != t->sep) || (tab(t) && errno == ERANGE && fabs(v) > 1.0))
        return textio_fail(t, t->pos, e, "a number");
    *x = v;
    skip_sep(t, end);
    return ERR_OK;
}

int textio_long(struct textio *t, long lo, long hi, const char *ends, long *v, struct err *e)
{
    char *end;
    errno = 0;
    long x = strtol(t->pos, &end, 10);
    if (end == t->pos || (*end != '\0' && !strchr(ends, *end)) || errno || x < lo || x > hi)
        return textio_fail(t, t->pos, e, "an integer in [%ld, %ld]", lo, hi);
    *v = x;
    skip_sep(t, end);
    return ERR_OK;
}

int textio_key_double(struct textio *t, const char *key, double *x, struct err *e)
{
    int rc = textio_key(t, key, e);
    if (!rc)
        rc = textio_double(t, x, e);
    return rc ? rc : textio_eol(t, e);
}

int textio_eol(const struct textio *t, struct err *e)
{
    if (*t->pos != '\0')
        return textio_fail(t, t->pos, e, "%s", tab(t) ? "the end of the line" : "end of line");
    return ERR_OK;
}

size_t textio_bytes_left(FILE *fp)
{
    struct stat st;
    long pos = ftell(fp);
    if (pos < 0 || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < pos)
        return SIZE_MAX;
    return (size_t)(st.st_size - pos);
}
