#include "io/kv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/utf8.h"

static int key_char(unsigned char c, int first)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
        return 1;
    return !first && (c == '.' || c == '-');
}

static int check_key(const char *key, struct err *e)
{
    if (!key || !*key)
        return err_set(e, ERR_DATA, "kv: expected a key, found an empty string");
    for (const char *p = key; *p; p++)
        if (!key_char((unsigned char)*p, p == key))
            return err_set(e, ERR_DATA, "kv: expected a key of [A-Za-z0-9_.-] not starting with '.' or '-', found \"%s\"", key);
    return ERR_OK;
}

static int check_value(const char *key, const char *val, struct err *e)
{
    const unsigned char *s = (const unsigned char *)val;
    size_t n = strlen(val);
    for (size_t i = 0; i < n;) {
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            return err_set(e, ERR_DATA, "kv: key \"%s\": expected a value without tab or line break, found %s", key,
                           s[i] == '\t' ? "a tab" : "a line break");
        int k = utf8_seq(s + i, n - i);
        if (k <= 0)
            return err_set(e, ERR_DATA, "kv: key \"%s\": expected UTF-8 text, found byte 0x%02X", key, s[i]);
        i += (size_t)k;
    }
    return ERR_OK;
}

struct kv *kv_alloc(void)
{
    return calloc(1, sizeof(struct kv));
}

void kv_free(struct kv *kv)
{
    if (!kv)
        return;
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->keys[i]);
        free(kv->vals[i]);
    }
    free(kv->keys);
    free(kv->vals);
    free(kv);
}

static long kv_index(const struct kv *kv, const char *key)
{
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->keys[i], key) == 0)
            return (long)i;
    return -1;
}

/* Append without validation or duplicate check (callers do both). */
static int kv_append(struct kv *kv, const char *key, size_t klen, const char *val, size_t vlen, struct err *e)
{
    if (kv->n == kv->cap) {
        size_t cap = kv->cap ? 2 * kv->cap : 16;
        char **k = realloc(kv->keys, cap * sizeof *k);
        if (!k)
            return err_set(e, ERR_NOMEM, "kv: out of memory");
        kv->keys = k;
        char **v = realloc(kv->vals, cap * sizeof *v);
        if (!v)
            return err_set(e, ERR_NOMEM, "kv: out of memory");
        kv->vals = v;
        kv->cap = cap;
    }
    char *k = malloc(klen + 1), *v = malloc(vlen + 1);
    if (!k || !v) {
        free(k);
        free(v);
        return err_set(e, ERR_NOMEM, "kv: out of memory");
    }
    memcpy(k, key, klen);
    k[klen] = '\0';
    memcpy(v, val, vlen);
    v[vlen] = '\0';
    kv->keys[kv->n] = k;
    kv->vals[kv->n] = v;
    kv->n++;
    return ERR_OK;
}

int kv_set_str(struct kv *kv, const char *key, const char *val, struct err *e)
{
    int rc = check_key(key, e);
    if (rc)
        return rc;
    if (!val)
        return err_set(e, ERR_DATA, "kv: key \"%s\": expected a value, found NULL", key);
    if ((rc = check_value(key, val, e)))
        return rc;
    long i = kv_index(kv, key);
    if (i >= 0) {
        char *v = strdup(val);
        if (!v)
            return err_set(e, ERR_NOMEM, "kv: out of memory");
        free(kv->vals[i]);
        kv->vals[i] = v;
        return ERR_OK;
    }
    return kv_append(kv, key, strlen(key), val, strlen(val), e);
}

int kv_set_double(struct kv *kv, const char *key, double x, struct err *e)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", x);
    return kv_set_str(kv, key, buf, e);
}

int kv_set_long(struct kv *kv, const char *key, long x, struct err *e)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", x);
    return kv_set_str(kv, key, buf, e);
}

const char *kv_get(const struct kv *kv, const char *key)
{
    long i = kv ? kv_index(kv, key) : -1;
    return i >= 0 ? kv->vals[i] : NULL;
}

int kv_get_double(const struct kv *kv, const char *key, double *x, struct err *e)
{
    const char *v = kv_get(kv, key);
    if (!v)
        return err_set(e, ERR_DATA, "kv: expected key \"%s\", found none", key);
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    /* Underflow to a subnormal is still the right number; only overflow and
     * trailing or leading junk are errors. */
    if (!*v || *end || end == v || (errno == ERANGE && fabs(d) > 1) || v[0] == ' ' || v[0] == '\t')
        return err_set(e, ERR_DATA, "kv: key \"%s\": expected a number, found \"%s\"", key, v);
    *x = d;
    return ERR_OK;
}

int kv_get_long(const struct kv *kv, const char *key, long *x, struct err *e)
{
    const char *v = kv_get(kv, key);
    if (!v)
        return err_set(e, ERR_DATA, "kv: expected key \"%s\", found none", key);
    char *end;
    errno = 0;
    long l = strtol(v, &end, 10);
    if (!*v || *end || errno || v[0] == ' ' || v[0] == '\t' || v[0] == '+')
        return err_set(e, ERR_DATA, "kv: key \"%s\": expected an integer, found \"%s\"", key, v);
    *x = l;
    return ERR_OK;
}

int kv_write(const struct kv *kv, const char *path, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < kv->n; i++)
        fprintf(of.fp, "%s\t%s\n", kv->keys[i], kv->vals[i]);
    return outfile_commit(&of, e);
}

/* 1-based column of byte offset `off` within a line: counts code points, so
 * that an editor's cursor column matches on Cyrillic text. */
static size_t col_of(const char *line, size_t off)
{
    return utf8_count(line, off) + 1;
}

static int read_all(const char *path, char **buf, size_t *len, struct err *e)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(fp);
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                fclose(fp);
                return err_set(e, ERR_NOMEM, "%s: out of memory", path);
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(b);
        return err_set(e, ERR_IO, "%s: read failed", path);
    }
    *buf = b;
    *len = n;
    return ERR_OK;
}

static const char *describe(unsigned char c, char *tmp, size_t size)
{
    switch (c) {
    case '\t': return "a tab";
    case '\r': return "a carriage return (CRLF line ends?)";
    case '\n': return "end of line";
    case '\0': return "a NUL byte";
    default:
        if (c < 0x20 || c >= 0x80)
            snprintf(tmp, size, "byte 0x%02X", c);
        else
            snprintf(tmp, size, "'%c'", c);
        return tmp;
    }
}

static int parse_line(const char *path, size_t lineno, const char *s, size_t n, struct kv *kv, size_t *first_line,
                      struct err *e)
{
    char tmp[16];
    if (n == 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected a key, found an empty line", path, lineno);
    size_t i = 0;
    while (i < n && s[i] != '\t') {
        if (!key_char((unsigned char)s[i], i == 0))
            return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a key character [A-Za-z0-9_.-], found %s", path, lineno,
                           col_of(s, i), describe((unsigned char)s[i], tmp, sizeof tmp));
        i++;
    }
    if (i == 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected a key, found a tab", path, lineno);
    if (i == n)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a tab after the key, found end of line", path, lineno,
                       col_of(s, i));
    size_t klen = i++;
    for (size_t j = i; j < n;) {
        unsigned char c = (unsigned char)s[j];
        if (c == '\t' || c == '\r' || c == '\0')
            return err_set(e, ERR_DATA, "%s:%zu:%zu: expected end of line, found %s", path, lineno, col_of(s, j),
                           describe(c, tmp, sizeof tmp));
        int k = utf8_seq((const unsigned char *)s + j, n - j);
        if (k <= 0)
            return err_set(e, ERR_DATA, "%s:%zu:%zu: expected UTF-8 text, found byte 0x%02X", path, lineno,
                           col_of(s, j), c);
        j += (size_t)k;
    }
    for (size_t k = 0; k < kv->n; k++)
        if (strlen(kv->keys[k]) == klen && memcmp(kv->keys[k], s, klen) == 0)
            return err_set(e, ERR_DATA, "%s:%zu:1: expected a unique key, found \"%s\" again (first on line %zu)", path,
                           lineno, kv->keys[k], first_line[k]);
    return kv_append(kv, s, klen, s + i, n - i, e);
}

int kv_read(const char *path, struct kv **out, struct err *e)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    int rc = read_all(path, &buf, &len, e);
    if (rc)
        return rc;
    struct kv *kv = kv_alloc();
    size_t *first_line = NULL, cap_lines = 0;
    if (!kv) {
        free(buf);
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    }
    size_t lineno = 0;
    for (size_t pos = 0; pos < len && !rc;) {
        lineno++;
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        if (kv->n == cap_lines) {
            size_t c = cap_lines ? 2 * cap_lines : 16;
            size_t *fl = realloc(first_line, c * sizeof *fl);
            if (!fl) {
                rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            first_line = fl;
            cap_lines = c;
        }
        first_line[kv->n] = lineno;
        rc = parse_line(path, lineno, buf + pos, n, kv, first_line, e);
        pos += n + 1;
    }
    free(first_line);
    free(buf);
    if (rc) {
        kv_free(kv);
        return rc;
    }
    *out = kv;
    return ERR_OK;
}

/* ---- kvset ---- */

struct kvset *kvset_alloc(void)
{
    return calloc(1, sizeof(struct kvset));
}

void kvset_free(struct kvset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->names[i]);
        kv_free(s->kvs[i]);
    }
    free(s->names);
    free(s->kvs);
    free(s);
}

int kvset_add(struct kvset *s, const char *name, struct kv *kv, struct err *e)
{
    int ok = name && *name;
    for (const char *p = name; ok && *p; p++)
        ok = key_char((unsigned char)*p, 1) || *p == '-';
    if (!ok) {
        kv_free(kv);
        return err_set(e, ERR_DATA, "kvset: expected a name of [A-Za-z0-9_-], found \"%s\"", name ? name : "(null)");
    }
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0) {
            kv_free(kv);
            return err_set(e, ERR_DATA, "kvset: expected a unique name, found \"%s\" twice", name);
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        char **nm = realloc(s->names, cap * sizeof *nm);
        if (nm)
            s->names = nm;
        struct kv **kvs = nm ? realloc(s->kvs, cap * sizeof *kvs) : NULL;
        if (!kvs) {
            kv_free(kv);
            return err_set(e, ERR_NOMEM, "kvset: out of memory");
        }
        s->kvs = kvs;
        s->cap = cap;
    }
    char *nm = strdup(name);
    if (!nm) {
        kv_free(kv);
        return err_set(e, ERR_NOMEM, "kvset: out of memory");
    }
    s->names[s->n] = nm;
    s->kvs[s->n] = kv;
    s->n++;
    return ERR_OK;
}

int kvset_add_file(struct kvset *s, const char *path, struct err *e)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    char *name = malloc(n + 1);
    if (!name)
        return err_set(e, ERR_NOMEM, "kvset: out of memory");
    memcpy(name, base, n);
    name[n] = '\0';
    struct kv *kv;
    int rc = kv_read(path, &kv, e);
    if (!rc) {
        rc = kvset_add(s, name, kv, e);
        if (rc)
            err_prefix(e, "%s: ", path);
    }
    free(name);
    return rc;
}

const char *kvset_get(const struct kvset *s, const char *name, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return kv_get(s->kvs[i], key);
    return NULL;
}

const char *kvset_lookup(void *ctx, const char *name, const char *key)
{
    return kvset_get((const struct kvset *)ctx, name, key);
}
