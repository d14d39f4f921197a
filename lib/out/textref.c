/* textref: references to the reader's text (see textref.h). */
#include "out/textref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

/* Characters with a meaning inside a reference, and those a file line cannot
 * hold. */
static int is_special(unsigned char c)
{
    return c < 0x20 || strchr("%.,|}{$=\\\"", c) != NULL;
}

static int too_long(const char *ref, struct err *e)
{
    return err_set(e, ERR_DATA, "text reference too long (over %d bytes): %.60s…", TEXTREF_MAX, ref);
}

/* Append s to out at *k (encoded when enc), keeping room for the terminator. */
static int put(char *out, size_t size, size_t *k, const char *s, int enc)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t need = enc && is_special(c) ? 3 : 1;
        if (*k + need >= size)
            return -1;
        if (need == 3)
            *k += (size_t)snprintf(out + *k, size - *k, "%%%02X", c);
        else
            out[(*k)++] = (char)c;
    }
    out[*k] = '\0';
    return 0;
}

int textref_key(char *out, size_t size, const char *prefix, const char *key, struct err *e)
{
    size_t k = 0;
    if (size < 4 || put(out, size, &k, "${", 0) || put(out, size, &k, prefix, 0) ||
        (key && (put(out, size, &k, ".", 0) || put(out, size, &k, key, 1))) || put(out, size, &k, "}", 0))
        return too_long(prefix, e);
    return ERR_OK;
}

/* The reference's top-level '|' (or its closing '}') when first_bar, else its
 * closing '}'. */
static char *insertion_point(char *ref, int first_bar)
{
    int depth = 0;
    for (char *s = ref; *s; s++) {
        if (s[0] == '$' && s[1] == '{')
            depth++, s++;
        else if (*s == '}' && --depth == 0)
            return s;
        else if (*s == '|' && depth == 1 && first_bar)
            return s;
    }
    return NULL;
}

/* Insert a (with b %-encoded when enc) at the point insertion_point gives. */
static int insert(char *ref, size_t size, int first_bar, const char *a, const char *b, int enc, struct err *e)
{
    char tail[TEXTREF_MAX], *at = insertion_point(ref, first_bar);
    if (!at || strlen(at) >= sizeof tail)
        return err_set(e, ERR_DATA, "not a text reference: %.60s", ref);
    strcpy(tail, at);
    size_t k = (size_t)(at - ref);
    if (put(ref, size, &k, a, 0) || put(ref, size, &k, b, enc) || put(ref, size, &k, tail, 0))
        return too_long(ref, e);
    return ERR_OK;
}

int textref_or(char *ref, size_t size, const char *prefix, const char *key, struct err *e)
{
    char path[512];
    snprintf(path, sizeof path, ",%s.", prefix);
    return insert(ref, size, 1, path, key, 1, e);
}

static int arg(char *ref, size_t size, const char *name, const char *value, int enc, struct err *e)
{
    char head[512];
    size_t k = 0;
    if (put(head, sizeof head, &k, "|", 0) || put(head, sizeof head, &k, name, 1) || put(head, sizeof head, &k, "=", 0))
        return too_long(name, e);
    return insert(ref, size, 0, head, value, enc, e);
}

int textref_arg(char *ref, size_t size, const char *name, const char *value, struct err *e)
{
    return arg(ref, size, name, value, 0, e);
}

int textref_arg_text(char *ref, size_t size, const char *name, const char *text, struct err *e)
{
    return arg(ref, size, name, text, 1, e);
}

int textref_column(char *out, size_t size, const char *key, const char *name, struct err *e)
{
    int rc = textref_key(out, size, "labels.columns", key, e);
    return rc ? rc : textref_arg_text(out, size, "", name, e);
}

const char *textrefs_keep(struct textrefs *pool, const char *ref, struct err *e)
{
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? 2 * pool->cap : 32;
        char **v = realloc(pool->s, cap * sizeof *v);
        if (!v) {
            err_set(e, ERR_NOMEM, "out of memory");
            return NULL;
        }
        pool->s = v, pool->cap = cap;
    }
    char *copy = strdup(ref);
    if (!copy)
        err_set(e, ERR_NOMEM, "out of memory");
    else
        pool->s[pool->n++] = copy;
    return copy;
}

const char *textrefs_key(struct textrefs *pool, const char *prefix, const char *key, struct err *e)
{
    char ref[TEXTREF_MAX];
    return textref_key(ref, sizeof ref, prefix, key, e) ? NULL : textrefs_keep(pool, ref, e);
}

const char *textrefs_column(struct textrefs *pool, const char *key, const char *name, struct err *e)
{
    char ref[TEXTREF_MAX];
    return textref_column(ref, sizeof ref, key, name, e) ? NULL : textrefs_keep(pool, ref, e);
}

void textrefs_free(struct textrefs *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        free(pool->s[i]);
    free(pool->s);
    *pool = (struct textrefs){0};
}

/* ---------------------------------------------------------------- resolving */


struct resolver {
    const struct params *text;
    const char *where;
    struct err *e;
    int code; /* the error code set, 0 while none (a failed allocation) */
};

/* One argument: its name, and its value resolved. */
struct targ {
    struct strbuf name, value;
};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int ref_at(struct resolver *r, const char **s, struct strbuf *out);

/* Text up to one of `stops` at depth 0, %-decoded, nested references
 * resolved, into out; *s is left at the stop. */
static int text_until(struct resolver *r, const char **s, const char *stops, struct strbuf *out)
{
    while (**s && !strchr(stops, **s)) {
        const char *p = *s;
        int hi, lo;
        if (p[0] == '$' && p[1] == '{') {
            if (ref_at(r, s, out))
                return -1;
            continue;
        }
        if (p[0] == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            if (strbuf_add(out, &c, 1))
                return -1;
            *s += 3;
            continue;
        }
        if (strbuf_add(out, p, 1))
            return -1;
        (*s)++;
    }
    return 0;
}

/* The node of a decoded dotted path, or NULL. */
static const struct pnode *find(const struct params *text, const char *path)
{
    const struct pnode *n = text->root;
    char key[512];
    while (n && *path) {
        size_t k = 0;
        for (; *path && *path != '.' && k + 1 < sizeof key; path++) {
            int hi, lo;
            if (*path == '%' && (hi = hexval(path[1])) >= 0 && (lo = hexval(path[2])) >= 0)
                key[k++] = (char)(hi * 16 + lo), path += 2;
            else
                key[k++] = *path;
        }
        key[k] = '\0';
        n = pnode_child(n, key);
        if (*path == '.')
            path++;
    }
    return n;
}

/* The text a reference names: its first path that exists, else the unnamed
 * argument, else an error. */
static int lookup(struct resolver *r, const char *paths, const struct targ *a, size_t na, const char **out)
{
    char path[1024];
    for (const char *p = paths; *p;) {
        size_t len = strcspn(p, ",");
        snprintf(path, sizeof path, "%.*s", (int)len, p);
        const struct pnode *n = find(r->text, path);
        if (n)
            return (r->code = pnode_string(n, path, out, r->e)) ? -1 : 0;
        p += len + (p[len] == ',');
    }
    for (size_t i = 0; i < na; i++)
        if (a[i].name.n == 0) {
            *out = a[i].value.s ? a[i].value.s : "";
            return 0;
        }
    r->code = err_set(r->e, ERR_PARAMS, "%s: %s: expected a text at %s, found none", r->where, r->text->file, paths);
    return -1;
}

/* The text with each {NAME} replaced by its argument's value, into out. */
static int fill(const char *text, const struct targ *a, size_t na, struct strbuf *out)
{
    while (*text) {
        size_t i = na;
        if (*text == '{')
            for (i = 0; i < na; i++)
                if (a[i].name.n && strncmp(text + 1, a[i].name.s, a[i].name.n) == 0 && text[1 + a[i].name.n] == '}')
                    break;
        if (i < na) {
            if (a[i].value.n && strbuf_add(out, a[i].value.s, a[i].value.n))
                return -1;
            text += a[i].name.n + 2;
        } else if (strbuf_add(out, text++, 1)) {
            return -1;
        }
    }
    return 0;
}

enum { TEXTREF_ARGS = 16 };

static int ref_at(struct resolver *r, const char **s, struct strbuf *out)
{
    const char *start = *s;
    struct strbuf paths = {0};
    struct targ a[TEXTREF_ARGS] = {{{0}, {0}}};
    size_t na = 0;
    const char *text = NULL;
    int rc = 0;
    *s += 2;
    size_t plen = strcspn(*s, "|}");
    rc = strbuf_add(&paths, *s, plen);
    *s += plen;
    while (!rc && **s == '|') {
        (*s)++;
        if (na == TEXTREF_ARGS) {
            r->code = err_set(r->e, ERR_DATA, "%s: more than %d arguments in %.60s", r->where, TEXTREF_ARGS, start);
            rc = -1;
            break;
        }
        struct targ *t = &a[na++];
        rc = text_until(r, s, "=|}", &t->name);
        if (!rc && **s == '=')
            (*s)++, rc = text_until(r, s, "|}", &t->value);
    }
    if (!rc && **s != '}') {
        r->code = err_set(r->e, ERR_DATA, "%s: expected '}' closing the text reference %.60s", r->where, start);
        rc = -1;
    }
    if (!rc)
        (*s)++, rc = lookup(r, paths.s ? paths.s : "", a, na, &text);
    if (!rc)
        rc = fill(text, a, na, out);
    free(paths.s);
    for (size_t i = 0; i < na; i++)
        free(a[i].name.s), free(a[i].value.s);
    return rc;
}

int textref_resolve(const struct params *text, const char *in, const char *where, char **out, struct err *e)
{
    struct resolver r = {text, where, e, 0};
    struct strbuf b = {0};
    int rc = ERR_OK;
    *out = NULL;
    while (*in && !rc) {
        const char *ref = strstr(in, "${");
        size_t n = ref ? (size_t)(ref - in) : strlen(in);
        if (strbuf_add(&b, in, n))
            rc = -1;
        in += n;
        if (!rc && ref && ref_at(&r, &in, &b))
            rc = -1;
    }
    if (!rc && !b.s && strbuf_add(&b, "", 0))
        rc = -1;
    if (rc) {
        free(b.s);
        return r.code ? r.code : err_set(e, ERR_NOMEM, "out of memory");
    }
    *out = b.s;
    return ERR_OK;
}
