/* report: the hand-over. Reads what the stages wrote and writes
 *
 *   <out>/study.xlsx      the workbook a manager opens: Сводка first, one
 *                         sheet per step of the study, Параметры last;
 *   <out>/offers.csv      its CRM list, as the CRM team imports it;
 *   <out>/report.html     the literate report: report/report.md with the
 *                         values, tables and figures it cites, one file;
 *   <out>/conclusions.kv  the sentences computed from the numbers (params.yaml
 *                         report.conclusions), which both of them cite;
 *   <out>/tables/NAME.tsv  the Russian tables the HTML shows.
 *
 * Each stage of the study feeds the report through a part (--parts): the
 * part reads that stage's files, sets its facts and adds its summary lines;
 * its sheets follow in the order below. A stage that has not run has no part,
 * and its sheets are left out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/stage.h"
#include "out/mdreport.h"
#include "out/report_sheets.h"

struct part {
    const char *name;
    int (*read)(struct report *r, struct err *e);
    int (*summary)(struct report *r, struct err *e);
};

/* In the order of the study; a part's summary lines appear in this order. */
static const struct part parts[] = {
    {"data", report_data_read, report_data_summary},
    {"eda", report_eda_read, report_eda_summary},
    {"corr", report_corr_read, NULL},
    {"train", report_train_read, NULL},
    {"evaluate", report_evaluate_read, report_evaluate_summary},
    {"explain", report_explain_read, report_explain_summary},
    {"segment", report_segment_read, report_segment_summary},
};
#define NPARTS (sizeof parts / sizeof parts[0])

struct sheet {
    const char *key;  /* report.sheets.<key> is its name */
    const char *part; /* NULL: always there */
    report_sheet_fn write;
};

/* The workbook, left to right. */
static const struct sheet sheets[] = {
    {"summary", NULL, report_sheet_brief},
    {"crm", "segment", report_sheet_crm},
    {"findings", "segment", report_sheet_summary},
    {"glossary", NULL, report_sheet_glossary},
    {"quality", "data", report_sheet_quality},
    {"stats", "eda", report_sheet_stats},
    {"corr", "corr", report_sheet_corr},
    {"models", "train", report_sheet_models},
    {"metrics", "evaluate", report_sheet_metrics},
    {"importance", "explain", report_sheet_importance},
    {"segments", "segment", report_sheet_segments},
    {"recommendations", "segment", report_sheet_recommendations},
    {"targeting", "segment", report_sheet_targeting},
    {"customers", "data", report_sheet_customers},
    {"params", NULL, report_sheet_params},
};

/* The latest modification time of the input files: the workbook's creation
 * time when SOURCE_DATE_EPOCH is not set (never the clock). */
static time_t inputs_time(const struct report *r)
{
    time_t t = 1;
    for (int f = 0; f < FILE_COUNT; f++) {
        char path[4096];
        struct stat st;
        if (stat(cli_path(path, sizeof path, r->data_dir, r->s->files[f].name), &st) == 0 && st.st_mtime > t)
            t = st.st_mtime;
    }
    return t;
}

/* Which parts are on: a comma- or space-separated list of part names. */
static int parse_parts(const char *list, int on[NPARTS], struct err *e)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        size_t k = 0;
        while (k < NPARTS && strcmp(parts[k].name, tok) != 0)
            k++;
        if (k == NPARTS)
            return err_set(e, ERR_USAGE,
                           "--parts: expected one of the report's parts (data, eda, "
                           "corr, train, evaluate, explain, segment), found \"%s\"",
                           tok);
        on[k] = 1;
    }
    return ERR_OK;
}

static int part_on(const char *name, const int on[NPARTS])
{
    for (size_t k = 0; k < NPARTS; k++)
        if (strcmp(parts[k].name, name) == 0)
            return on[k];
    return 0;
}

/* The command line's settings of the report. */
struct report_run {
    const char *interim, *out, *data_dir, *synthetic, *version, *commit;
};

static int write_workbook(struct report *r, const int on[NPARTS], struct err *e)
{
    char path[4096];
    int rc = xlsxout_open(cli_path(path, sizeof path, r->out, "study.xlsx"), r->created, &r->x, e);
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0] && !rc; i++) {
        char key[64];
        const char *name;
        if (sheets[i].part && !part_on(sheets[i].part, on))
            continue;
        snprintf(key, sizeof key, "sheets.%s", sheets[i].key);
        rc = report_label(r, key, &name, e);
        if (!rc)
            rc = sheets[i].write(r, name, e);
    }
    if (rc)
        return rc;
    struct xlsxout *x = r->x;
    r->x = NULL;
    return xlsxout_close(x, e);
}

/* The report section's keys, the report's settings, and the tables/ folder. */
static int setup(const struct params *p, const struct params *t, const struct schema *s, const struct report_run *o,
                 struct report **out, struct err *e)
{
    static const char *const keys[] = {"percent_columns", "top_features", "focus_levers", "summary_levers",
                                       "gains_share",     NULL};
    char path[4096];
    struct report *r = NULL;
    int rc = params_check_keys(p, "report", keys, e);
    if (!rc && !(r = report_alloc(p, t, s, e)))
        rc = e->code;
    if (!rc) {
        r->interim = o->interim;
        r->out = o->out;
        r->data_dir = o->data_dir;
        r->synthetic = o->synthetic[0] == '1';
        r->version = o->version;
        r->commit = o->commit;
        rc = xlsxout_created(inputs_time(r), &r->created, e);
    }
    if (!rc && mkdir(cli_path(path, sizeof path, o->out, "tables"), 0777) && errno != EEXIST)
        rc = err_set(e, ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    *out = r;
    return rc;
}

/* Read every part, then say what the numbers say, then summarize; then the
 * conclusions, the workbook and the HTML. */
static int write_all(struct report *r, const int on[NPARTS], const char *tmpl, struct err *e)
{
    char path[4096];
    int rc = 0;
    for (size_t k = 0; k < NPARTS && !rc; k++)
        if (on[k])
            rc = parts[k].read(r, e);
    if (!rc)
        rc = report_conclusions(r, e);
    for (size_t k = 0; k < NPARTS && !rc; k++)
        if (on[k] && parts[k].summary)
            rc = parts[k].summary(r, e);
    if (!rc)
        rc = kv_write(r->concl, cli_path(path, sizeof path, r->out, "conclusions.kv"), e);
    if (!rc)
        rc = write_workbook(r, on, e);
    const char *title = NULL, *banner = NULL;
    if (!rc)
        rc = report_label(r, "title", &title, e);
    if (!rc && r->synthetic)
        rc = report_label(r, "synthetic", &banner, e);
    if (!rc) {
        struct mdreport_opts mo = {.lookup = kvset_lookup,
                                   .ctx = r->kv,
                                   .base_dir = r->out,
                                   .title = title,
                                   .banner = banner,
                                   .template_name = tmpl};
        rc = mdreport_render_file(tmpl, cli_path(path, sizeof path, r->out, "report.html"), &mo, e);
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *text_path = "report/text.ru.yaml", *tmpl = "report/report.md",
               *part_list = "data";
    struct report_run o = {.interim = "data/interim",
                           .out = "report/out",
                           .data_dir = "data/raw",
                           .synthetic = "0",
                           .version = "unknown",
                           .commit = "unknown"};
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, report)"},
        {"text", &text_path, "the reader's text: sheet names, headers, labels, sentences"},
        {"interim", &o.interim, "directory with the files the stages wrote"},
        {"out", &o.out, "directory for study.xlsx, report.html, conclusions.kv, tables/"},
        {"template", &tmpl, "the Markdown template of the literate report"},
        {"parts", &part_list,
         "the stages whose files to show: "
         "data,eda,corr,train,evaluate,explain,segment"},
        {"data-dir", &o.data_dir, "directory of the input CSVs (hashed into the Параметры sheet)"},
        {"synthetic", &o.synthetic,
         "1 if the input was generated (labelled at the top of both files), else "
         "0"},
        {"version", &o.version, "the toolkit's version"},
        {"commit", &o.commit, "the git commit of the toolkit"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL, *t = NULL;
    struct schema s = {0};
    struct report *r = NULL;
    int on[NPARTS] = {0};
    int rc = stage_start(argc, argv, "Write the workbook study.xlsx and the literate report report.html.", opts,
                         &params_path, &p, &s, &e);
    if (rc < 0)
        return 0;
    if (!rc && strcmp(o.synthetic, "0") != 0 && strcmp(o.synthetic, "1") != 0)
        rc = err_set(&e, ERR_USAGE, "--synthetic: expected 0 or 1, found \"%s\"", o.synthetic);
    if (!rc)
        rc = parse_parts(part_list, on, &e);
    if (!rc)
        rc = params_load(text_path, &t, &e);
    if (!rc)
        rc = setup(p, t, &s, &o, &r, &e);
    if (!rc)
        rc = write_all(r, on, tmpl, &e);
    int status = stage_finish("report", rc, &e, p, &s);
    report_free(r);
    params_free(t);
    return status;
}
