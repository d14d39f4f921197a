/* report_text: sentences the report computes from the numbers.
 *
 * A sentence template (from params.yaml report.conclusions) cites values as
 * the Markdown template does, with single braces:
 *   {stem.key}              the raw value
 *   {stem.key|FMT}          formatted as mdreport_format does (int, pct, money, %.3f)
 *   {stem.key~one~few~many} an integer count and the noun in the Russian form
 *                           its number wants: 1 покупатель, 3 покупателя,
 *                           5 покупателей, 11 покупателей, 21 покупатель
 * A conclusion is a sequence of items, each a template or a map
 * {if: stem.key, text: template} said only when that value is not zero; the
 * items said are joined with single spaces. A key the lookup does not know is
 * an error naming the params.yaml position: a conclusion is never left blank. */
#ifndef OC_REPORT_TEXT_H
#define OC_REPORT_TEXT_H

#include "core/err.h"
#include "out/mdreport.h"
#include "io/params.h"

/* The form index for a count: 0 one (1, 21, 101), 1 few (2-4, 22-24), 2 many
 * (0, 5-20, 25-30, 111-114). Negative counts take the form of their magnitude. */
int report_plural(long n);

/* Fill one template; *out is malloc'ed. `where` prefixes messages
 * ("params.yaml:12:7"). */
int report_fill(const char *tmpl, mdreport_lookup lookup, void *ctx, const char *where, char **out, struct err *e);

/* The conclusion of a params node (a sequence of items as above, or one
 * template); *out is malloc'ed, possibly "" when no item is said. */
int report_conclusion(const struct pnode *node, mdreport_lookup lookup, void *ctx, char **out, struct err *e);

#endif
