/* Tests for lib/corr_fig: the exact files a heatmap is drawn from, NaN cells,
 * quoting of labels, and that a failed write leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/corr_fig.h"

static char dir[] = "/tmp/test_corr_fig.XXXXXX";

static const char *slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    const char *s = file_text(path);
    assert_non_null(s);
    return s;
}

TEST(test_signed_2x2)
{
    struct err e = {0};
    const double m[] = {1, -0.25, -0.25, 1};
    const char *labels[] = {"Выручка, тек. мес.", "say \"hi\" \\ back"};
    assert_int_equal(corr_fig_heatmap(dir, "heatmap_a", "Пирсон", labels, m, 2, 1, &e), 0);
    assert_string_equal(slurp("heatmap_a.tsv"), "x\ty\tvalue\n0\t0\t1\n1\t0\t-0.25\n0\t1\t-0.25\n1\t1\t1\n");
    assert_string_equal(slurp("heatmap_a.gpv"), "# gnuplot variables for one figure, written by a study stage\n"
                                                "title = \"Пирсон\"\nn = \"2\"\nsigned = \"1\"\n"
                                                "label_0 = \"Выручка, тек. мес.\"\n"
                                                "label_1 = \"say \\\"hi\\\" \\\\ back\"\n");
}

TEST(test_unsigned_nan_exact)
{
    struct err e = {0};
    /* A NaN cell is an empty field; doubles keep all 17 digits. */
    const double m[] = {1, NAN, 0.1, NAN, 1, 2.0 / 3, 0.1, 2.0 / 3, 1};
    const char *labels[] = {"a", "b", "line\nbreak"};
    assert_int_equal(corr_fig_heatmap(dir, "heatmap_b", "φK", labels, m, 3, 0, &e), 0);
    assert_string_equal(slurp("heatmap_b.tsv"), "x\ty\tvalue\n0\t0\t1\n1\t0\t\n2\t0\t0.10000000000000001\n"
                                                "0\t1\t\n1\t1\t1\n2\t1\t0.66666666666666663\n"
                                                "0\t2\t0.10000000000000001\n1\t2\t0.66666666666666663\n2\t2\t1\n");
    assert_non_null(strstr(slurp("heatmap_b.gpv"), "signed = \"0\"\n"));
    /* A label is one line: a newline would end the gnuplot assignment. */
    assert_non_null(strstr(slurp("heatmap_b.gpv"), "label_2 = \"line break\"\n"));
}

TEST(test_missing_dir)
{
    struct err e = {0};
    const double m[] = {1};
    const char *labels[] = {"a"};
    assert_int_equal(corr_fig_heatmap("/nonexistent/dir", "heatmap_c", "t", labels, m, 1, 0, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/dir/heatmap_c.tsv"));
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_2x2),
        cmocka_unit_test(test_unsigned_nan_exact),
        cmocka_unit_test(test_missing_dir),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    const char *names[] = {"heatmap_a.tsv", "heatmap_a.gpv", "heatmap_b.tsv", "heatmap_b.gpv"};
    char path[512];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
    return rc;
}
