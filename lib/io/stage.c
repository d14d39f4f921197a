/* stage: the start and the end of every stage's main (see stage.h). */
#include "io/stage.h"

#include "core/outfile.h"

int stage_start(int argc, char **argv, const char *summary, const struct cli_opt *opts, const char *const *params_path,
                struct params **p, struct schema *s, struct err *e)
{
    int rc = cli_parse(argc, argv, summary, opts, e);
    if (rc < 0)
        return rc;
    outfile_hold(); /* the outputs land together, at stage_finish */
    if (!rc)
        rc = params_load(*params_path, p, e);
    if (!rc && s)
        rc = schema_read(*p, s, e);
    return rc;
}

int stage_finish(const char *stage, int rc, struct err *e, struct params *p, struct schema *s)
{
    int status = cli_finish(stage, rc, e);
    if (s)
        schema_free(s);
    params_free(p);
    return status;
}
