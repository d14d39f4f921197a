/* mdreport_fmt: the value formats of report placeholders ({{x|pct}} ...),
 * kept apart from the Markdown mechanics in mdreport.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/mdreport.h"

#define NNBSP "\xE2\x80\xAF" /* U+202F narrow no-break space: Russian digit groups */
#define NBSP "\xC2\xA0"      /* U+00A0 no-break space: before the % sign */

/* A whole, finite number and nothing else: a value that is not one is an
 * error, never a silently wrong figure in the report. */
static int parse_number(const char *raw, double *x, struct err *e)
{
    char *end;
    errno = 0;
    double d = strtod(raw, &end);
    if (!*raw || *end || raw[0] == ' ' || (errno == ERANGE && fabs(d) > 1))
        return err_set(e, ERR_DATA, "expected a number, found \"%s\"", raw);
    if (!isfinite(d))
        return err_set(e, ERR_DATA, "expected a finite number, found \"%s\"", raw);
    *x = d;
    return ERR_OK;
}

/* A printf conversion for one double: %[flags][width][.prec](f|F|e|E|g|G). */
static int printf_spec_ok(const char *f)
{
    if (*f++ != '%')
        return 0;
    f += strspn(f, "-+ 0#");
    f += strspn(f, "0123456789");
    if (*f == '.') {
        f++;
        size_t d = strspn(f, "0123456789");
        if (d == 0)
            return 0;
        f += d;
    }
    return *f && strchr("fFeEgG", *f) && f[1] == '\0';
}

#define MINUS "\xE2\x88\x92" /* U+2212 minus sign: never a hyphen before a digit */

/* Rewrite "-1234567.891" as "−1 234 567,891": the minus sign, U+202F between
 * groups of three integer digits when group is set, a decimal comma. "-0,0"
 * loses its sign. */
static int russian_number(const char *c, int group, char *out, size_t size, struct err *e)
{
    char buf[128];
    size_t n = 0;
    const char *p = c;
    int neg = *p == '-';
    if (neg)
        p++;
    size_t intlen = strspn(p, "0123456789");
    if (neg && strspn(p, "0.,") == strlen(p))
        neg = 0;
    if (neg) {
        memcpy(buf + n, MINUS, 3);
        n += 3;
    }
    for (size_t i = 0; i < intlen; i++) {
        if (group && i > 0 && (intlen - i) % 3 == 0) {
            memcpy(buf + n, NNBSP, 3);
            n += 3;
        }
        buf[n++] = p[i];
        if (n + 8 >= sizeof buf)
            return err_set(e, ERR_DATA, "expected a number of reasonable size, found \"%s\"", c);
    }
    for (p += intlen; *p; p++) {
        buf[n++] = *p == '.' ? ',' : *p;
        if (n + 8 >= sizeof buf)
            return err_set(e, ERR_DATA, "expected a number of reasonable size, found \"%s\"", c);
    }
    buf[n] = '\0';
    if (n + 1 > size)
        return err_set(e, ERR_DATA, "formatted value too long");
    memcpy(out, buf, n + 1);
    return ERR_OK;
}

/* x as a reader writes it: 4,4·10⁻¹⁶ (two significant digits), never the
 * programmer's 4.4e-16; 0 as "0". */
static int scientific(double x, char *out, size_t size, struct err *e)
{
    static const char *const sup[] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                      "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    char tmp[64], mant[32], res[128];
    if (x == 0)
        return snprintf(out, size, "0") < (int)size ? ERR_OK : err_set(e, ERR_DATA, "formatted value too long");
    snprintf(tmp, sizeof tmp, "%.1e", x);
    char *ex = strchr(tmp, 'e');
    int exp10 = ex ? atoi(ex + 1) : 0;
    if (ex)
        *ex = '\0';
    int rc = russian_number(tmp, 0, mant, sizeof mant, e);
    if (rc)
        return rc;
    int n = snprintf(res, sizeof res, "%s\u00b710%s", mant, exp10 < 0 ? "\u207b" : "");
    char digits[16];
    snprintf(digits, sizeof digits, "%d", abs(exp10));
    for (const char *d = digits; *d && n > 0 && (size_t)n < sizeof res - 4; d++)
        n += snprintf(res + n, sizeof res - (size_t)n, "%s", sup[*d - '0']);
    if (n < 0 || (size_t)n + 1 > size)
        return err_set(e, ERR_DATA, "formatted value too long");
    memcpy(out, res, (size_t)n + 1);
    return ERR_OK;
}

int mdreport_format(const char *raw, const char *fmt, char *out, size_t size, struct err *e)
{
    char tmp[128];
    double x = 0;
    int rc;
    if (!fmt || !*fmt) {
        if (strlen(raw) + 1 > size)
            return err_set(e, ERR_DATA, "value too long");
        memcpy(out, raw, strlen(raw) + 1);
        return ERR_OK;
    }
    int is_pct = strcmp(fmt, "pct") == 0, is_int = strcmp(fmt, "int") == 0, is_money = strcmp(fmt, "money") == 0;
    int is_rub = strcmp(fmt, "rub") == 0, is_sci = strcmp(fmt, "sci") == 0, is_num = strcmp(fmt, "num") == 0;
    if (!is_pct && !is_int && !is_money && !is_rub && !is_sci && !is_num && !printf_spec_ok(fmt))
        return err_set(e, ERR_DATA, "expected a format (%%.3f-like, pct, int, money, rub, sci, num), found \"%s\"",
                       fmt);
    if ((rc = parse_number(raw, &x, e)))
        return rc;
    /* Beyond 1e15 %.Nf prints long noise digits; no report number is that big. */
    if ((is_pct || is_int || is_money || is_rub || is_num) && fabs(x) >= 1e15)
        return err_set(e, ERR_DATA, "expected a number below 1e15, found \"%s\"", raw);
    if (is_sci)
        return scientific(x, out, size, e);
    if (is_num) {
        /* A measure of any size with the digits that matter: 4 586,7 roubles,
         * 9,84 pages, 0,233 of a share. */
        snprintf(tmp, sizeof tmp, fabs(x) >= 100 ? "%.1f" : fabs(x) >= 1 ? "%.2f" : "%.3f", x);
        return russian_number(tmp, 1, out, size, e);
    }
    if (is_pct) {
        /* 30 %, not 30,0 %: a round share has no tenths to show. */
        snprintf(tmp, sizeof tmp, "%.1f", x * 100.0);
        size_t tl = strlen(tmp);
        if (tl > 2 && strcmp(tmp + tl - 2, ".0") == 0)
            tmp[tl - 2] = '\0';
        if ((rc = russian_number(tmp, 0, out, size, e)))
            return rc;
        if (strlen(out) + sizeof NBSP "%" > size)
            return err_set(e, ERR_DATA, "formatted value too long");
        strcat(out, NBSP "%");
        return ERR_OK;
    }
    if (is_int || is_money || is_rub) {
        /* round() takes halves away from zero, as people do; "%.0f" alone
         * would give 2 for 2.5. Money (thousand roubles) in a sentence has
         * one decimal, a hundred roubles; rub is thousands as whole roubles. */
        snprintf(tmp, sizeof tmp, is_money ? "%.1f" : "%.0f", is_int ? round(x) : is_rub ? round(x * 1000) : x);
        return russian_number(tmp, 1, out, size, e);
    }
    int len = snprintf(tmp, sizeof tmp, fmt, x);
    if (len < 0 || (size_t)len >= sizeof tmp || (size_t)len + 1 > size)
        return err_set(e, ERR_DATA, "formatted value too long");
    /* The report is Russian: a decimal comma and the minus sign, as pct and
     * money write them. */
    char *dot = strchr(tmp, '.');
    if (dot)
        *dot = ',';
    int neg = tmp[0] == '-';
    if (strlen(tmp) + 3 > size)
        return err_set(e, ERR_DATA, "formatted value too long");
    if (neg) {
        memmove(tmp + 3, tmp + 1, strlen(tmp));
        memcpy(tmp, MINUS, 3);
    }
    memcpy(out, tmp, strlen(tmp) + 1);
    return ERR_OK;
}
