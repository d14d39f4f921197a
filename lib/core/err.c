#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e)
        return ERR_OK;
    char head[512], old[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    /* Truncation is acceptable: the message is one diagnostic line. */
    memcpy(old, e->msg, sizeof old);
    size_t h = strlen(head);
    if (h >= sizeof e->msg)
        h = sizeof e->msg - 1;
    memcpy(e->msg, head, h);
    size_t rest = sizeof e->msg - 1 - h, o = strnlen(old, sizeof old);
    if (o > rest)
        o = rest;
    memcpy(e->msg + h, old, o);
    e->msg[h + o] = '\0';
    return e->code;
}

int err_exit_status(int code)
{
    switch (code) {
    case ERR_OK: return 0;
    case ERR_USAGE:
    case ERR_PARAMS: return 1;
    default: return 2;
    }
}
