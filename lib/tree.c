#include "tree.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outfile.h"

struct tree *tree_alloc(size_t n_nodes, size_t n_features)
{
    struct tree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_nodes = n_nodes;
    t->n_features = n_features;
    /* calloc(0) may return NULL; one spare slot keeps "NULL = no memory". */
    size_t m = n_nodes ? n_nodes : 1;
    t->left = malloc(m * sizeof *t->left);
    t->right = malloc(m * sizeof *t->right);
    t->feature = malloc(m * sizeof *t->feature);
    t->threshold = calloc(m, sizeof *t->threshold);
    t->value = calloc(m, sizeof *t->value);
    t->cover = calloc(m, sizeof *t->cover);
    if (!t->left || !t->right || !t->feature || !t->threshold || !t->value || !t->cover) {
        tree_free(t);
        return NULL;
    }
    for (size_t i = 0; i < m; i++)
        t->left[i] = t->right[i] = t->feature[i] = -1;
    return t;
}

void tree_free(struct tree *t)
{
    if (!t)
        return;
    free(t->left);
    free(t->right);
    free(t->feature);
    free(t->threshold);
    free(t->value);
    free(t->cover);
    free(t);
}

size_t tree_apply(const struct tree *t, const double *x)
{
    size_t i = 0;
    while (t->left[i] >= 0) {
        /* Written as `<=` (not `>` with the branches swapped) so that NaN
         * goes right, which is what scikit-learn's comparison does. */
        if (x[t->feature[i]] <= t->threshold[i])
            i = (size_t)t->left[i];
        else
            i = (size_t)t->right[i];
    }
    return i;
}

void tree_predict_proba(const struct tree *t, const double *X, size_t n, double *out)
{
    for (size_t r = 0; r < n; r++)
        out[r] = t->value[tree_apply(t, X + r * t->n_features)];
}

static size_t parent_of(const struct tree *t, size_t c)
{
    for (size_t j = 0; j < t->n_nodes; j++)
        if (t->left[j] == (int)c || t->right[j] == (int)c)
            return j;
    return 0;
}

/* An explicit stack, not recursion: a tree fitted on sorted data can be as
 * deep as it has rows. */
size_t tree_depth(const struct tree *t)
{
    if (!t->n_nodes)
        return 0;
    size_t *node = malloc(t->n_nodes * sizeof *node), *depth = malloc(t->n_nodes * sizeof *depth);
    size_t top = 0, best = 0;
    if (!node || !depth) {
        /* Out of memory: still answer, walking up from each leaf by search,
         * quadratic but allocation-free. */
        free(node);
        free(depth);
        for (size_t i = 1; i < t->n_nodes; i++) {
            if (t->left[i] >= 0)
                continue;
            size_t d = 0;
            for (size_t c = i; c != 0 && d < t->n_nodes; d++)
                c = parent_of(t, c);
            if (d > best)
                best = d;
        }
        return best;
    }
    node[top] = 0;
    depth[top++] = 0;
    while (top) {
        top--;
        size_t i = node[top], d = depth[top];
        if (t->left[i] < 0) {
            if (d > best)
                best = d;
            continue;
        }
        node[top] = (size_t)t->right[i];
        depth[top++] = d + 1;
        node[top] = (size_t)t->left[i];
        depth[top++] = d + 1;
    }
    free(node);
    free(depth);
    return best;
}

size_t tree_n_leaves(const struct tree *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n_nodes; i++)
        k += t->left[i] < 0;
    return k;
}

int tree_check(const struct tree *t, struct err *e)
{
    if (!t || !t->n_nodes)
        return err_set(e, ERR_DATA, "tree: expected at least one node, found none");
    if (t->n_nodes > INT_MAX)
        return err_set(e, ERR_DATA, "tree: expected at most %d nodes, found %zu", INT_MAX,
                       t->n_nodes);
    unsigned char *seen = calloc(t->n_nodes, 1);
    if (!seen)
        return err_set(e, ERR_NOMEM, "tree: out of memory");
    int rc = ERR_OK;
    size_t n_seen = 1;
    seen[0] = 1;
    for (size_t i = 0; i < t->n_nodes && !rc; i++) {
        int l = t->left[i], r = t->right[i], f = t->feature[i];
        if (l < 0 || r < 0) {
            if (l != -1 || r != -1 || f != -1)
                rc = err_set(e, ERR_DATA,
                             "tree: node %zu: expected a leaf (-1 -1 -1), found %d %d %d", i, l,
                             r, f);
            continue;
        }
        if (f < 0 || (size_t)f >= t->n_features)
            rc = err_set(e, ERR_DATA, "tree: node %zu: expected a feature in [0, %zu), found %d",
                         i, t->n_features, f);
        else if ((size_t)l >= t->n_nodes || (size_t)r >= t->n_nodes || l == r)
            rc = err_set(e, ERR_DATA,
                         "tree: node %zu: expected two distinct children below %zu, found %d %d",
                         i, t->n_nodes, l, r);
        /* A child's index above its parent's rules out cycles; each node
         * seen once rules out shared subtrees. */
        else if ((size_t)l <= i || (size_t)r <= i || seen[l] || seen[r])
            rc = err_set(e, ERR_DATA,
                         "tree: node %zu: expected children numbered after it and used once, "
                         "found %d %d",
                         i, l, r);
        else if (isnan(t->threshold[i]))
            rc = err_set(e, ERR_DATA, "tree: node %zu: expected a threshold, found nan", i);
        else {
            seen[l] = seen[r] = 1;
            n_seen += 2;
        }
    }
    if (!rc && n_seen != t->n_nodes)
        rc = err_set(e, ERR_DATA, "tree: expected every node reachable from the root, found %zu "
                     "of %zu", n_seen, t->n_nodes);
    free(seen);
    return rc;
}

int tree_write(const struct tree *t, FILE *fp, struct err *e)
{
    if (fprintf(fp, "tree 1\nn_nodes %zu\nn_features %zu\n", t->n_nodes, t->n_features) < 0)
        return err_set(e, ERR_IO, "tree: write failed");
    for (size_t i = 0; i < t->n_nodes; i++)
        if (fprintf(fp, "%d %d %d %.17g %.17g %.17g\n", t->left[i], t->right[i], t->feature[i],
                    t->threshold[i], t->value[i], t->cover[i]) < 0)
            return err_set(e, ERR_IO, "tree: write failed");
    return ERR_OK;
}

int tree_save(const struct tree *t, const char *path, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    rc = tree_write(t, of.fp, e);
    if (rc) {
        outfile_abort(&of);
        return err_prefix(e, "%s: ", path);
    }
    return outfile_commit(&of, e);
}

/* A reader that remembers where it is, for "name:line:col: expected X,
 * found Y" messages. */
struct rd {
    FILE *fp;
    const char *name;
    char *buf;
    size_t cap, line;
    char *pos;
};

static int rd_line(struct rd *r, struct err *e)
{
    errno = 0;
    ssize_t len = getline(&r->buf, &r->cap, r->fp);
    r->line++;
    if (len < 0) {
        if (errno == ENOMEM)
            return err_set(e, ERR_NOMEM, "%s: out of memory", r->name);
        return err_set(e, ERR_DATA, "%s:%zu:1: expected a line, found end of file", r->name,
                       r->line);
    }
    if (len > 0 && r->buf[len - 1] == '\n')
        r->buf[len - 1] = '\0';
    r->pos = r->buf;
    return ERR_OK;
}

static size_t rd_col(const struct rd *r) { return (size_t)(r->pos - r->buf) + 1; }

static int rd_word(struct rd *r, const char *word, struct err *e)
{
    size_t n = strlen(word);
    if (strncmp(r->pos, word, n) || (r->pos[n] != ' ' && r->pos[n] != '\0'))
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected \"%s\", found \"%.40s\"", r->name,
                       r->line, rd_col(r), word, r->pos);
    r->pos += n;
    while (*r->pos == ' ')
        r->pos++;
    return ERR_OK;
}

static int rd_long(struct rd *r, long lo, long hi, long *v, struct err *e)
{
    char *end;
    errno = 0;
    long x = strtol(r->pos, &end, 10);
    if (end == r->pos || errno || x < lo || x > hi || (*end != ' ' && *end != '\0'))
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected an integer in [%ld, %ld], found "
                       "\"%.40s\"", r->name, r->line, rd_col(r), lo, hi, r->pos);
    r->pos = end;
    while (*r->pos == ' ')
        r->pos++;
    *v = x;
    return ERR_OK;
}

static int rd_double(struct rd *r, double *v, struct err *e)
{
    char *end;
    double x = strtod(r->pos, &end);
    if (end == r->pos || (*end != ' ' && *end != '\0'))
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected a number, found \"%.40s\"", r->name,
                       r->line, rd_col(r), r->pos);
    r->pos = end;
    while (*r->pos == ' ')
        r->pos++;
    *v = x;
    return ERR_OK;
}

static int rd_end(struct rd *r, struct err *e)
{
    if (*r->pos)
        return err_set(e, ERR_DATA, "%s:%zu:%zu: expected end of line, found \"%.40s\"", r->name,
                       r->line, rd_col(r), r->pos);
    return ERR_OK;
}

/* Bytes left to read in fp if it is a regular file, else SIZE_MAX. A node
 * count the rest of the file cannot hold is corrupt; when it would also
 * allocate more than 1 MiB it is rejected before allocating, so a 30-byte file
 * cannot take gigabytes. A smaller one goes on and fails on the line where the
 * nodes run out, which names the place. */
static size_t bytes_left(FILE *fp)
{
    struct stat st;
    long pos = ftell(fp);
    if (pos < 0 || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < pos)
        return SIZE_MAX;
    return (size_t)(st.st_size - pos);
}

int tree_read(FILE *fp, const char *name, struct tree **out, struct err *e)
{
    struct rd r = {fp, name ? name : "tree", NULL, 0, 0, NULL};
    struct tree *t = NULL;
    long n_nodes, n_features, v;
    int rc;
    *out = NULL;
    if ((rc = rd_line(&r, e)) || (rc = rd_word(&r, "tree", e)) || (rc = rd_long(&r, 1, 1, &v, e)) ||
        (rc = rd_end(&r, e)) || (rc = rd_line(&r, e)) || (rc = rd_word(&r, "n_nodes", e)) ||
        (rc = rd_long(&r, 1, INT_MAX, &n_nodes, e)) || (rc = rd_end(&r, e)) ||
        (rc = rd_line(&r, e)) || (rc = rd_word(&r, "n_features", e)) ||
        (rc = rd_long(&r, 0, INT_MAX, &n_features, e)) || (rc = rd_end(&r, e)))
        goto done;
    /* The shortest node line, "0 0 0 0 0 0\n", has 12 bytes (11 for the last);
     * a node takes 36 bytes in memory. */
    size_t left = bytes_left(fp);
    if (left != SIZE_MAX && (size_t)n_nodes > (left + 1) / 12 && (size_t)n_nodes > (1u << 20) / 36) {
        rc = err_set(e, ERR_DATA, "%s:%zu:1: expected %ld node lines, found only %zu bytes left in the file",
                     r.name, r.line + 1, n_nodes, left);
        goto done;
    }
    t = tree_alloc((size_t)n_nodes, (size_t)n_features);
    if (!t) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", r.name);
        goto done;
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        long l, rt, f;
        if ((rc = rd_line(&r, e)) || (rc = rd_long(&r, -1, INT_MAX, &l, e)) ||
            (rc = rd_long(&r, -1, INT_MAX, &rt, e)) || (rc = rd_long(&r, -1, INT_MAX, &f, e)) ||
            (rc = rd_double(&r, &t->threshold[i], e)) || (rc = rd_double(&r, &t->value[i], e)) ||
            (rc = rd_double(&r, &t->cover[i], e)) || (rc = rd_end(&r, e)))
            goto done;
        t->left[i] = (int)l;
        t->right[i] = (int)rt;
        t->feature[i] = (int)f;
    }
    if ((rc = tree_check(t, e))) {
        err_prefix(e, "%s: ", r.name);
        goto done;
    }
    *out = t;
    t = NULL;
done:
    tree_free(t);
    free(r.buf);
    return rc;
}

int tree_load(const char *path, struct tree **out, struct err *e)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    int rc = tree_read(fp, path, out, e);
    fclose(fp);
    return rc;
}
