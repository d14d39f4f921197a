/* text: template filling and the decimal comma (see text.h). */
#include "out/text.h"

#include <stdio.h>
#include <string.h>

void text_fill(const char *tmpl, const char *name, const char *value, char *out, size_t size)
{
    char mark[128];
    snprintf(mark, sizeof mark, "{%s}", name);
    size_t mlen = strlen(mark), k = 0;
    if (!size)
        return;
    while (*tmpl && k + 1 < size) {
        if (strncmp(tmpl, mark, mlen) == 0) {
            for (const char *l = value; *l && k + 1 < size; l++)
                out[k++] = *l;
            tmpl += mlen;
        } else {
            out[k++] = *tmpl++;
        }
    }
    /* Cut short: never end inside a UTF-8 sequence. */
    if (*tmpl || k + 1 >= size) {
        size_t j = k;
        while (j > 0 && ((unsigned char)out[j - 1] & 0xC0) == 0x80)
            j--;
        if (j > 0) {
            unsigned char c = (unsigned char)out[j - 1];
            size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (k - (j - 1) < need)
                k = j - 1;
        }
    }
    out[k] = '\0';
}

char *text_decimal_comma(char *s)
{
    for (char *c = s; *c; c++)
        if (*c == '.')
            *c = ',';
    return s;
}

const char *text_number(char *buf, size_t size, const char *fmt, double x)
{
    snprintf(buf, size, fmt, x);
    return text_decimal_comma(buf);
}
