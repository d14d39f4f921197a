/* text: the small text operations the reader-facing strings share: a
 * template's {name} filled with a value, and numbers with the Russian
 * decimal comma. (Sentences with {stem.key|format} and plural forms are
 * report_fill's, lib/out/report_text.h.) */
#ifndef OC_TEXT_H
#define OC_TEXT_H

#include <stddef.h>

/* tmpl with every "{name}" replaced by value, into out (size bytes, always
 * terminated); cut short, it never ends inside a UTF-8 sequence. */
void text_fill(const char *tmpl, const char *name, const char *value, char *out, size_t size);

/* Every '.' of s made ',' (a number as the Russian reader writes it); returns s. */
char *text_decimal_comma(char *s);

/* snprintf(buf, size, fmt, x) with the decimal comma; returns buf. */
const char *text_number(char *buf, size_t size, const char *fmt, double x);

#endif
