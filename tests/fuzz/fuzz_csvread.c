/* Fuzz csv_read (sniffed and with each fixed separator) and num_parse.
 * Beyond "no crash, no leak, no UB", a successful read must be a consistent
 * table: every cell non-NULL, row lines increasing, the separator one of the
 * three, header names unique and found by csv_find. */
#include <math.h>

#include "io/csvread.h"
#include "fuzz_util.h"

static void check_table(const struct csv_data *d, char want_sep)
{
    FUZZ_CHECK(d->sep == ',' || d->sep == ';' || d->sep == '\t');
    FUZZ_CHECK(!want_sep || d->sep == want_sep);
    FUZZ_CHECK(d->ncols >= 1 && d->header && d->cells && d->line);
    for (size_t j = 0; j < d->ncols; j++) {
        FUZZ_CHECK(d->header[j] && d->header[j][0]);
        FUZZ_CHECK(csv_find(d, d->header[j]) == (long)j);
    }
    for (size_t i = 0; i < d->nrows; i++) {
        FUZZ_CHECK(d->line[i] >= 2 && (i == 0 || d->line[i] > d->line[i - 1]));
        for (size_t j = 0; j < d->ncols; j++) {
            const char *c = csv_cell(d, i, j);
            FUZZ_CHECK(c != NULL);
            double v;
            if (num_parse(c, '.', &v) == 0)
                FUZZ_CHECK(isfinite(v));
        }
    }
}

static void read_with(const char *path, char sep)
{
    struct csv_opts o = {sep};
    struct csv_data *d = NULL;
    struct err e = {0};
    int rc = csv_read(path, &o, &d, &e);
    if (FUZZ_FAILED(rc, e, d))
        return;
    check_table(d, sep);
    csv_data_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("in.csv", data, size);
    /* Sniffed, then one fixed separator picked by the input's length (each
     * read costs two 1 MiB buffers, which ASan makes slow: four reads per
     * input ran at about 120 inputs/s). */
    read_with(path, 0);
    read_with(path, ",;\t"[size % 3]);

    /* num_parse on the whole input as text: with either decimal mark it
     * either fails or gives a finite number; "1,5" with ',' equals "1.5". */
    char *s = fuzz_cstr(data, size);
    double a, b;
    int ra = num_parse(s, '.', &a), rb = num_parse(s, ',', &b);
    if (ra == 0)
        FUZZ_CHECK(isfinite(a));
    if (rb == 0)
        FUZZ_CHECK(isfinite(b));
    if (!strchr(s, '.') && !strchr(s, ','))
        FUZZ_CHECK(ra == rb && (ra || a == b || (isnan(a) && isnan(b))));
    for (char *p = s; *p; p++)
        if (*p == ',')
            *p = '.';
        else if (*p == '.')
            *p = ',';
    double c;
    int rc = num_parse(s, '.', &c);
    FUZZ_CHECK(rc == rb && (rc || memcmp(&c, &b, sizeof c) == 0));
    free(s);
    return 0;
}
