/* utf8: strict UTF-8, the one decoder every reader and writer uses. Strict:
 * no overlong forms, no surrogates, nothing above U+10FFFF; a bad byte would
 * end up in the HTML or make the workbook's XML unreadable. */
#ifndef OC_UTF8_H
#define OC_UTF8_H

#include <stddef.h>

/* The length (1 to 4) of the valid sequence at s, of which n bytes are
 * available; 0 if invalid; -1 if the n bytes are a valid but incomplete
 * start (a reader with more to come can wait for them). */
int utf8_seq(const unsigned char *s, size_t n);

/* 1 if the NUL-terminated s is valid UTF-8. */
int utf8_valid(const char *s);

/* How many code points the first n bytes of s hold (what an editor counts as
 * columns, or a spreadsheet as characters). */
size_t utf8_count(const char *s, size_t n);

/* s is a plain ASCII name, [A-Za-z0-9_]+ (a key, a file name part, a kv key). */
int ascii_name(const char *s);

#endif
