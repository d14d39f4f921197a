/* xgb_check: the trees of a model libxgboost has read, checked before it
 * predicts with them (see xgb.h). XGBoost trusts a model file: a child that
 * points back to an ancestor sends its TreeSHAP into endless recursion, an
 * index past the arrays reads out of bounds. So the model it holds is written
 * back as JSON (its canonical form: keys sorted, every string escaped, one
 * object per tree) and each tree is checked there: every array as long as
 * num_nodes, children after their parent and each node the child of exactly
 * one (so the nodes form one tree rooted at 0), split features below the
 * model's width, numerical splits only, no deleted nodes. */
#include <stdlib.h>
#include <string.h>

#include "models/xgb.h"

/* A tree's arrays by key, in the canonical (sorted) order of its object. */
enum { A_BASE, A_DEFAULT, A_LEFT, A_LOSS, A_PARENT, A_RIGHT, A_COND, A_INDEX, A_TYPE, A_HESS, NARRAY };
static const char *const array_keys[NARRAY] = {
    "\"base_weights\":[",   "\"default_left\":[",     "\"left_children\":[", "\"loss_changes\":[", "\"parents\":[",
    "\"right_children\":[", "\"split_conditions\":[", "\"split_indices\":[", "\"split_type\":[",   "\"sum_hessian\":["};

/* The first `pat` in [p, end), and the byte after it; NULL if none. */
static const char *after(const char *p, const char *end, const char *pat)
{
    size_t k = strlen(pat);
    for (; p && p + k <= end; p++) {
        p = memchr(p, pat[0], (size_t)(end - p));
        if (!p || p + k > end)
            return NULL;
        if (!memcmp(p, pat, k))
            return p + k;
    }
    return NULL;
}

/* An integer at s (optional '-', at most 18 digits) not reading past end;
 * *stop after it (s when there is none). */
static long int_at(const char *s, const char *end, const char **stop)
{
    const char *d = s + (s < end && *s == '-');
    long v = 0;
    int k = 0;
    for (; d < end && *d >= '0' && *d <= '9' && k < 18; d++, k++)
        v = v * 10 + (*d - '0');
    *stop = k ? d : s;
    return s < end && *s == '-' ? -v : v;
}

/* The numbers of a JSON array whose '[' is just before *p, up to cap of them
 * (as longs when ints is set, else only counted); *n how many; *p after ']'. */
static int numbers(const char **p, const char *end, int ints, long *out, size_t cap, size_t *n)
{
    const char *s = *p;
    *n = 0;
    while (s < end && *s != ']') {
        const char *stop = s;
        long v = ints ? int_at(s, end, &stop) : 0;
        if (!ints)
            while (stop < end && *stop != ',' && *stop != ']')
                stop++;
        if (stop == s || stop >= end || (*stop != ',' && *stop != ']') || *n >= cap)
            return -1;
        if (ints)
            out[*n] = v;
        (*n)++;
        s = stop + (*stop == ',');
    }
    if (s >= end)
        return -1;
    *p = s + 1;
    return 0;
}

/* One tree's structure: arrays a[NARRAY] of nn nodes. */
static int check_nodes(long *const a[NARRAY], long nn, size_t nfeat)
{
    long *indeg = calloc((size_t)nn, sizeof *indeg);
    int ok = indeg != NULL;
    for (long i = 0; ok && i < nn; i++) {
        long l = a[A_LEFT][i], r = a[A_RIGHT][i];
        ok = a[A_TYPE][i] == 0 && (l == -1) == (r == -1);
        if (ok && l != -1) {
            ok = l > i && r > i && l < nn && r < nn && l != r && a[A_INDEX][i] >= 0 && (size_t)a[A_INDEX][i] < nfeat;
            if (ok) {
                indeg[l]++;
                indeg[r]++;
            }
        }
    }
    for (long i = 0; ok && i < nn; i++)
        ok = indeg[i] == (i > 0);
    free(indeg);
    return ok ? 0 : -1;
}

/* The tree whose object starts at or after *p (its arrays, then its
 * tree_param with num_deleted and num_nodes); *p moves past it. buf holds
 * *cap longs per array, grown as needed. -1 when it is not a tree of nfeat
 * features, -2 when out of memory. */
static int check_tree(const char **p, const char *end, size_t nfeat, long *buf[NARRAY], size_t *cap)
{
    const char *q = after(*p, end, "\"num_deleted\":\""), *limit, *stop;
    long deleted = q ? int_at(q, end, &stop) : -1;
    limit = q = q ? after(q, end, "\"num_nodes\":\"") : NULL;
    long nn = q ? int_at(q, end, &stop) : -1;
    /* Each node takes at least two bytes of every array before it. */
    if (!q || deleted != 0 || nn < 1 || nn > (limit - *p) / 2)
        return -1;
    for (int k = 0; (size_t)nn > *cap && k < NARRAY; k++) {
        long *b = realloc(buf[k], (size_t)nn * sizeof *b);
        if (!b)
            return -2;
        buf[k] = b;
    }
    *cap = *cap > (size_t)nn ? *cap : (size_t)nn;
    for (int k = 0; k < NARRAY; k++) {
        const char *r = after(*p, limit, array_keys[k]);
        int ints = k != A_BASE && k != A_LOSS && k != A_COND && k != A_HESS;
        size_t len;
        if (!r || numbers(&r, limit, ints, buf[k], (size_t)nn, &len) || len != (size_t)nn)
            return -1;
        *p = r;
    }
    *p = q;
    return check_nodes(buf, nn, nfeat);
}

int xgb_check_trees(const char *json, size_t size, size_t n_features, long rounds)
{
    const char *end = json + size, *p = after(json, end, "\"trees\":[");
    long *buf[NARRAY] = {0};
    size_t cap = 0;
    int rc = p ? 0 : -1;
    for (long t = 0; !rc && t < rounds; t++)
        rc = check_tree(&p, end, n_features, buf, &cap);
    /* Exactly `rounds` trees. */
    if (!rc && after(p, end, array_keys[A_LEFT]))
        rc = -1;
    for (int k = 0; k < NARRAY; k++)
        free(buf[k]);
    return rc;
}
