/* Tests for lib/outfile: the temporary file is renamed only on success, and a
 * full disk (simulated with RLIMIT_FSIZE) is an error, not a truncated file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static char dir[] = "/tmp/test_outfile.XXXXXX";

static int count_entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void clear_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            unlink(p);
        }
    closedir(d);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_commit_renames(void **state)
{
    (void)state;
    clear_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    struct outfile of;
    struct err e = {0};
    assert_int_equal(outfile_open(path, &of, &e), 0);
    assert_non_null(of.fp);
    assert_non_null(strstr(of.tmp, "/out.txt.tmp."));
    /* The final name does not exist until the commit. */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_entries(), 1);
    fprintf(of.fp, "hello\n");
    assert_int_equal(outfile_commit(&of, &e), 0);
    assert_null(of.fp);
    assert_string_equal(slurp(path), "hello\n");
    assert_int_equal(count_entries(), 1);
    /* Permissions: the usual 0666 minus the umask, not mkstemp's 0600. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);

    /* Overwriting keeps the old content until the commit. */
    assert_int_equal(outfile_open(path, &of, &e), 0);
    fprintf(of.fp, "second\n");
    assert_string_equal(slurp(path), "hello\n");
    assert_int_equal(outfile_commit(&of, &e), 0);
    assert_string_equal(slurp(path), "second\n");
}

static void test_abort_removes(void **state)
{
    (void)state;
    clear_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/aborted.txt", dir);
    struct outfile of;
    struct err e = {0};
    assert_int_equal(outfile_open(path, &of, &e), 0);
    fprintf(of.fp, "partial");
    outfile_abort(&of);
    assert_int_equal(count_entries(), 0);
    outfile_abort(&of); /* idempotent */
}

static void test_open_missing_dir(void **state)
{
    (void)state;
    struct outfile of;
    struct err e = {0};
    assert_int_equal(outfile_open("/nonexistent-dir-xyz/out.txt", &of, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent-dir-xyz/out.txt"));
    assert_non_null(strstr(e.msg, "No such file or directory"));
    assert_null(of.fp);
}

static void test_disk_full(void **state)
{
    (void)state;
    clear_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/big.txt", dir);
    /* RLIMIT_FSIZE makes write() fail with EFBIG past the limit, which is
     * what a full disk looks like to the program (SIGXFSZ ignored). */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_IGN);
    struct outfile of;
    struct err e = {0};
    assert_int_equal(outfile_open(path, &of, &e), 0);
    lim = old;
    lim.rlim_cur = 10000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (int i = 0; i < 5000; i++)
        fprintf(of.fp, "line %d\n", i);
    int rc = outfile_commit(&of, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(rc, ERR_IO);
    assert_non_null(strstr(e.msg, "big.txt"));
    assert_non_null(strstr(e.msg, "write failed"));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_entries(), 0);
}

static void test_commit_path(void **state)
{
    (void)state;
    clear_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/lib.bin", dir);
    char *tmp;
    struct err e = {0};
    assert_int_equal(outfile_reserve(path, &tmp, &e), 0);
    assert_int_equal(access(tmp, F_OK), 0);
    FILE *f = fopen(tmp, "wb");
    fputs("by name", f);
    fclose(f);
    assert_int_equal(outfile_commit_path(tmp, path, &e), 0);
    assert_string_equal(slurp(path), "by name");
    assert_int_equal(count_entries(), 1);
    free(tmp);

    /* Renaming onto a directory fails: the temporary file is removed. */
    char sub[256];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0777);
    char subfile[300];
    snprintf(subfile, sizeof subfile, "%s/x", sub);
    f = fopen(subfile, "w");
    fclose(f);
    assert_int_equal(outfile_reserve(path, &tmp, &e), 0);
    assert_int_equal(outfile_commit_path(tmp, sub, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "rename"));
    assert_int_equal(access(tmp, F_OK), -1);
    free(tmp);
    unlink(subfile);
    rmdir(sub);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_renames), cmocka_unit_test(test_abort_removes),
        cmocka_unit_test(test_open_missing_dir), cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_commit_path),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    clear_dir();
    rmdir(dir);
    return rc;
}
