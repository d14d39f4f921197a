/* params: validate params.yaml and split it into one file per section under
 * data/interim/params/, rewriting a file only when its content changed.
 *
 * Make rules depend on the section files a stage reads, not on params.yaml,
 * so editing `segment.*` reruns segment and what follows it, and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/strbuf.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"

/* Every top-level section the toolkit knows. */
static const char *const sections[] = {"seed",  "schema",   "synth",   "load",    "clean",  "merge", "eda", "corr",
                                       "train", "evaluate", "explain", "segment", "report", "bench", NULL};


static void put_quoted(struct strbuf *b, const char *s)
{
    strbuf_add(b, "\"", 1);
    for (; *s; s++) {
        char esc[8];
        if (*s == '"' || *s == '\\') {
            esc[0] = '\\';
            esc[1] = *s;
            strbuf_add(b, esc, 2);
        } else if ((unsigned char)*s < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)*s);
            strbuf_add(b, esc, 6);
        } else {
            strbuf_add(b, s, 1);
        }
    }
    strbuf_add(b, "\"", 1);
}

/* Canonical form: JSON (which is YAML), scalars quoted unless plain, so that a
 * change of value or of quoting (a string versus a number) changes the file. */
static void emit(struct strbuf *b, const struct pnode *n)
{
    if (n->kind == PNODE_SCALAR) {
        if (n->quoted)
            put_quoted(b, n->value);
        else {
            strbuf_add(b, "!plain ", 7);
            put_quoted(b, n->value);
        }
        return;
    }
    strbuf_add(b, n->kind == PNODE_MAP ? "{" : "[", 1);
    for (size_t i = 0; i < n->n; i++) {
        if (i)
            strbuf_add(b, ", ", 2);
        if (n->kind == PNODE_MAP) {
            put_quoted(b, n->items[i]->key);
            strbuf_add(b, ": ", 2);
        }
        emit(b, n->items[i]);
    }
    strbuf_add(b, n->kind == PNODE_MAP ? "}" : "]", 1);
}

/* Write path only if its content differs from text. */
static int write_if_changed(const char *path, const char *text, size_t n, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (f) {
        char *old = malloc(n + 2);
        size_t got = old ? fread(old, 1, n + 1, f) : 0;
        int same = old && got == n && memcmp(old, text, n) == 0;
        free(old);
        fclose(f);
        if (same)
            return 0;
    }
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fwrite(text, 1, n, of.fp);
    return outfile_commit(&of, e);
}

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *out = "data/interim/params";
    const struct cli_opt opts[] = {
        {"params", &params_path, "the study's parameters"},
        {"out", &out, "directory for one file per section"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct strbuf b = {0};
    int rc = stage_start(argc, argv, "Validate params.yaml and split it into one file per section.", opts, &params_path,
                         &p, NULL, &e);
    if (rc < 0)
        return 0;
    /* The reader's text left params.yaml: say where it went. */
    const struct pnode *moved = rc ? NULL : pnode_child(p->root, "labels");
    if (moved)
        rc = err_set(&e, ERR_PARAMS,
                     "%s:%zu:%zu: labels: the reader's text is in "
                     "report/text.ru.yaml now, not in params.yaml",
                     moved->file, moved->line, moved->col);
    if (!rc)
        rc = pnode_check_keys(p->root, "(top level)", sections, &e);
    long seed;
    if (!rc)
        rc = params_long(p, "seed", 0, 4294967295L, &seed, &e);
    /* The schema is everyone's: check it once, here, before any stage runs. */
    if (!rc)
        rc = schema_read(p, &s, &e);
    /* Every known section gets a file, absent ones too, so rules can name them.
     */
    for (size_t i = 0; !rc && sections[i]; i++) {
        const struct pnode *sec = pnode_child(p->root, sections[i]);
        char name[64], path[4096];
        b.n = 0;
        if (sec)
            emit(&b, sec);
        else
            strbuf_add(&b, "null", 4);
        strbuf_add(&b, "\n", 1);
        snprintf(name, sizeof name, "%s.yaml", sections[i]);
        if (b.oom)
            rc = err_set(&e, ERR_NOMEM, "out of memory");
        else
            rc = write_if_changed(cli_path(path, sizeof path, out, name), b.s, b.n, &e);
    }
    free(b.s);
    return stage_finish("params", rc, &e, p, &s);
}
