#include "core/cli.h"
#include "core/outfile.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

static void usage(const char *prog, const char *summary, const struct cli_opt *opts)
{
    printf("usage: %s [options]\n%s\n\noptions:\n", prog, summary);
    for (const struct cli_opt *o = opts; o->name; o++) {
        /* NULL: required; "": optional, its default in the help text. */
        int shown = *o->value && **o->value;
        printf("  --%-14s %s%s%s%s\n", o->name, o->help, shown ? " (default: " : "", shown ? *o->value : "",
               shown ? ")" : "");
    }
    printf("  --%-14s %s\n", "help", "print this help and exit");
}

int cli_parse(int argc, char **argv, const char *summary, const struct cli_opt *opts, struct err *e)
{
    /* GSL's default error handler aborts the process; every stage reports
     * errors through return codes instead, so turn it off first thing. */
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0], summary, opts);
            return -1;
        }
        const struct cli_opt *o = NULL;
        if (strncmp(a, "--", 2) == 0)
            for (o = opts; o->name && strcmp(o->name, a + 2) != 0; o++)
                ;
        if (!o || !o->name)
            return err_set(e, ERR_USAGE, "unknown option \"%s\" (see --help)", a);
        if (i + 1 >= argc)
            return err_set(e, ERR_USAGE, "option %s needs a value (see --help)", a);
        *o->value = argv[++i];
    }
    for (const struct cli_opt *o = opts; o->name; o++)
        if (!*o->value)
            return err_set(e, ERR_USAGE, "option --%s is required (see --help)", o->name);
    return 0;
}

int cli_finish(const char *stage, int rc, struct err *e)
{
    if (!rc)
        rc = outfile_release(e);
    return rc ? cli_fail(stage, e) : 0;
}

int cli_fail(const char *stage, const struct err *e)
{
    fprintf(stderr, "%s: %s\n", stage, e->msg);
    return err_exit_status(e->code);
}

const char *cli_path(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}
