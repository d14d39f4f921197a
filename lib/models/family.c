/* family: the table of model families and the helpers their operations share
 * (see family.h). */
#include "models/family.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct pipe_family_ops *const pipe_families[PIPE_NFAMILY] = {
    &pipe_family_knn, &pipe_family_tree, &pipe_family_logreg, &pipe_family_svc, &pipe_family_xgb};
const char *const pipeline_family_names[PIPE_NFAMILY + 1] = {"knn", "tree", "logreg", "svc", "xgb", NULL};

pthread_mutex_t pipe_rand_lock = PTHREAD_MUTEX_INITIALIZER;

int pipe_param_word(const char *const *words, const char *s)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(words[i], s) == 0)
            return i;
    return -1;
}

int pipe_param_is_none(const char *v)
{
    return !strcmp(v, "none") || !strcmp(v, "None") || !strcmp(v, "null") || !strcmp(v, "~");
}

int pipe_param_bad(const struct pipe_config *c, const char *key, const char *want, const char *v, struct err *e)
{
    return err_set(e, ERR_PARAMS, "%s %s: expected %s, found \"%s\"", pipeline_family_names[c->family], key, want,
                   v);
}

int pipe_param_long(const struct pipe_config *c, const char *key, const char *v, long lo, long hi, long *out,
                    struct err *e)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        char want[96];
        snprintf(want, sizeof want, "an integer in [%ld, %ld]", lo, hi);
        return pipe_param_bad(c, key, want, v, e);
    }
    *out = x;
    return 0;
}

int pipe_param_double(const struct pipe_config *c, const char *key, const char *v, double lo, int lo_open,
                      double *out, struct err *e)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || (lo_open && x == lo)) {
        char want[96];
        snprintf(want, sizeof want, "a number %s %g", lo_open ? ">" : ">=", lo);
        return pipe_param_bad(c, key, want, v, e);
    }
    *out = x;
    return 0;
}

int pipe_param_bool(const struct pipe_config *c, const char *key, const char *v, int *out, struct err *e)
{
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0"))
        *out = 0;
    else
        return pipe_param_bad(c, key, "true or false", v, e);
    return 0;
}

int pipe_param_class_weight(const struct pipe_config *c, const char *v, int *out, struct err *e)
{
    if (pipe_param_is_none(v))
        *out = 0;
    else if (!strcmp(v, "balanced"))
        *out = 1;
    else
        return pipe_param_bad(c, "class_weight", "none or balanced", v, e);
    return 0;
}

void pipe_param_real(char *buf, size_t size, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}
