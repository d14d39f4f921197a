/* mdreport: render the study's Markdown template into one self-contained
 * HTML file (libcmark), citing the numbers stages wrote.
 *
 * In the template:
 *   {{name.key}}               the value of `key` in the kv file `name` (its stem)
 *   {{name.key|FMT}}           formatted: a printf conversion for doubles, with
 *                              a decimal comma (%.3f, %.2e, %g...), `pct` (0.1234 -> "12,3 %"),
 *                              `int` ("1 300"), `money` ("1 234 567,89"); groups
 *                              of thousands use U+202F, the % sign a U+00A0
 *   {{table:path.tsv}}         a TSV file as an HTML table, alone in its paragraph;
 *   {{table:path.tsv|N}}       its first N data rows;
 *   {{table:path.tsv|N|%.3f}}  numeric cells that are not integers formatted
 *   ![caption](figures/x.png)  a PNG embedded as a data: URI, shown as a figure
 *                              with its caption
 * Placeholders are replaced wherever cmark leaves text: paragraphs, headings,
 * code, raw HTML (HTML-escaped there), link and image targets. A key the lookup
 * does not know, a figure that is missing or not a PNG, a malformed
 * placeholder are errors "template:line:col: expected ..., found ..." (never a
 * blank in the report). Paths are relative to base_dir. The output has no time
 * stamp: the same inputs give the same bytes. */
#ifndef OC_MDREPORT_H
#define OC_MDREPORT_H

#include <stddef.h>

#include "core/err.h"

/* Returns the value of `key` in the values named `name`, or NULL if absent.
 * The string must stay valid until the render returns. kvset_lookup (lib/io/kv.h)
 * has this signature. */
typedef const char *(*mdreport_lookup)(void *ctx, const char *name, const char *key);

struct mdreport_opts {
    mdreport_lookup lookup;
    void *ctx;
    const char *base_dir;      /* figures and tables are read relative to it; NULL = "." */
    const char *title;         /* <title>; NULL = the first heading's text */
    const char *banner;        /* a highlighted line above everything; NULL = none */
    const char *template_name; /* for messages; NULL = "template" (render_file uses the path) */
};

/* Render md[0..len) to a NUL-terminated HTML document in *html (malloc'ed). */
int mdreport_render(const char *md, size_t len, const struct mdreport_opts *o, char **html, struct err *e);

/* Read the template at template_path, render, write out_path atomically. */
int mdreport_render_file(const char *template_path, const char *out_path, const struct mdreport_opts *o,
                         struct err *e);

/* Format one raw value (as a kv file holds it) with FMT as above; fmt NULL or
 * "" copies raw. ERR_DATA with a message naming the problem (no location). */
int mdreport_format(const char *raw, const char *fmt, char *out, size_t size, struct err *e);

#endif
