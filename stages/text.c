/* text: a figure's data with the reader's words put in, just before gnuplot
 * draws it (or one TSV or kv file of a stage, for a reader or a test). The
 * stages write references to report/text.ru.yaml (lib/out/textref.h) into
 * IN.gpv and IN.tsv; this resolves them into OUT.gpv and OUT.tsv. So a title
 * edited in the text file redraws the figures and nothing upstream. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "io/params.h"
#include "out/textref.h"

/* A gnuplot assignment `key = "value"`: the value unescaped, resolved and
 * escaped again; any other line (a comment) as it is. */
static int gpv_line(const struct params *t, char *line, const char *where, FILE *out, struct err *e)
{
    char *q = strstr(line, " = \"");
    size_t len = strlen(line);
    if (!q || len < 2 || line[len - 1] != '"') {
        fputs(line, out);
        return ERR_OK;
    }
    char *v = q + 4, *w = v, *resolved = NULL;
    line[len - 1] = '\0';
    for (char *s = v; *s; s++)
        *w++ = *s == '\\' && s[1] ? *++s : *s;
    *w = '\0';
    int rc = textref_resolve(t, v, where, &resolved, e);
    if (rc)
        return rc;
    fprintf(out, "%.*s = \"", (int)(q - line), line);
    for (const char *s = resolved; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
    free(resolved);
    return ERR_OK;
}

/* The whole of a file, NUL-terminated (*out, the caller frees). */
static int slurp(const char *path, char **out, struct err *e)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n + 4096 + 1 > cap) {
            char *v = realloc(buf, cap = 2 * cap + 4096 + 1);
            if (!v) {
                free(buf);
                fclose(fp);
                return err_set(e, ERR_NOMEM, "out of memory");
            }
            buf = v;
        }
        n += got = fread(buf + n, 1, 4096, fp);
    } while (got > 0);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return err_set(e, ERR_IO, "%s: cannot read", path);
    }
    buf[n] = '\0';
    *out = buf;
    return ERR_OK;
}

/* IN with its references resolved, line by line, into OUT (atomically). */
static int resolve_file(const struct params *t, const char *in, const char *out, int gpv, struct err *e)
{
    char *buf = NULL, where[4200];
    struct outfile of;
    int rc = slurp(in, &buf, e);
    if (!rc)
        rc = outfile_open(out, &of, e);
    if (rc) {
        free(buf);
        return rc;
    }
    size_t line = 0;
    for (char *s = buf; *s && !rc;) {
        char *end = strchr(s, '\n'), *resolved = NULL;
        if (end)
            *end = '\0';
        snprintf(where, sizeof where, "%s:%zu", in, ++line);
        if (gpv)
            rc = gpv_line(t, s, where, of.fp, e);
        else if (!(rc = textref_resolve(t, s, where, &resolved, e)))
            fputs(resolved, of.fp);
        free(resolved);
        if (end)
            fputc('\n', of.fp);
        s = end ? end + 1 : s + strlen(s);
    }
    free(buf);
    if (rc) {
        outfile_abort(&of);
        return rc;
    }
    return outfile_commit(&of, e);
}

int main(int argc, char **argv)
{
    const char *text_path = "report/text.ru.yaml", *in = NULL, *out = NULL;
    const struct cli_opt opts[] = {
        {"text", &text_path, "the reader's text (report/text.ru.yaml)"},
        {"in", &in,
         "the figure's data without extension: IN.gpv and IN.tsv (or one file: "
         "IN.tsv, IN.kv)"},
        {"out", &out, "where the resolved OUT.gpv and OUT.tsv go (or the one file)"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *t = NULL;
    char src[4096], dst[4096];
    int rc = cli_parse(argc, argv, "Put the reader's words into a figure's data (IN.gpv, IN.tsv -> OUT.*).", opts, &e);
    if (rc < 0)
        return 0;
    outfile_hold(); /* both files land together, at cli_finish */
    if (!rc && (!in || !out))
        rc = err_set(&e, ERR_USAGE, "--in and --out: expected both, found %s", in ? "no --out" : "no --in");
    if (!rc)
        rc = params_load(text_path, &t, &e);
    size_t len = in ? strlen(in) : 0;
    int one = len > 4 && (strcmp(in + len - 4, ".tsv") == 0 || strcmp(in + len - 3, ".kv") == 0);
    if (!rc && one)
        rc = resolve_file(t, in, out, 0, &e);
    for (int k = 0; k < 2 && !rc && !one; k++) {
        const char *ext = k ? "tsv" : "gpv";
        snprintf(src, sizeof src, "%s.%s", in, ext);
        snprintf(dst, sizeof dst, "%s.%s", out, ext);
        rc = resolve_file(t, src, dst, !k, &e);
    }
    int status = cli_finish("text", rc, &e);
    params_free(t);
    return status;
}
