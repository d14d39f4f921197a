/* strbuf: a growing, always NUL-terminated string. A failed allocation sets
 * oom, after which every append does nothing: callers append freely and
 * check once at the end. */
#ifndef OC_STRBUF_H
#define OC_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *s; /* NULL until the first append; the caller frees it */
    size_t n, cap;
    int oom;
};

/* Append n bytes of s; 0, or -1 when out of memory (now or before). */
int strbuf_add(struct strbuf *b, const char *s, size_t n);
/* Append the string s. */
int strbuf_puts(struct strbuf *b, const char *s);

#endif
