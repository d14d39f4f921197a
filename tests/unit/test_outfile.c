/* Tests for lib/outfile: the temporary file is renamed only on success, and a
 * full disk (simulated with RLIMIT_FSIZE) is an error, not a truncated file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include "fixture.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/outfile.h"

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

static const char *slurp(const char *path)
{
    return file_text(path);
}

TEST(test_commit_renames)
{
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

TEST(test_abort_removes)
{
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

TEST(test_open_missing_dir)
{
    struct outfile of;
    struct err e = {0};
    assert_int_equal(outfile_open("/nonexistent-dir-xyz/out.txt", &of, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent-dir-xyz/out.txt"));
    assert_non_null(strstr(e.msg, "No such file or directory"));
    assert_null(of.fp);
}

TEST(test_disk_full)
{
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

TEST(test_commit_path)
{
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

/* Hold mode is for the whole process and stays on, so each of these runs in
 * a child; the child reports through its exit status (0 = every check held)
 * and the parent looks at what is left on disk. The child inherits the
 * signal handlers the earlier tests' outfiles installed. */
enum { N_HELD = 100 };

static void put(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *at(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* In the child: hold, then write N_HELD files f0..f99 ("new k") and the
 * existing "old" ("new"). Returns non-zero on the first broken expectation. */
static int child_write_held(void)
{
    struct err e = {0};
    outfile_hold();
    char name[64];
    for (int k = 0; k < N_HELD; k++) {
        snprintf(name, sizeof name, "f%d", k);
        struct outfile of;
        if (outfile_open(at(name), &of, &e))
            return 10;
        fprintf(of.fp, "new %d", k);
        if (outfile_commit(&of, &e))
            return 11;
        if (access(at(name), F_OK) == 0)
            return 12; /* visible before the release */
    }
    struct outfile of;
    if (outfile_open(at("old"), &of, &e))
        return 13;
    fputs("new", of.fp);
    if (outfile_commit(&of, &e))
        return 14;
    const char *s = slurp(at("old"));
    if (!s || strcmp(s, "old") != 0)
        return 15; /* the old content must still be there */
    const char *cur = outfile_current(at("old"));
    if (strcmp(cur, at("old")) == 0 || !(s = slurp(cur)) || strcmp(s, "new") != 0)
        return 16; /* ...and the new one readable where it is held */
    if (strcmp(outfile_current(at("never")), at("never")) != 0)
        return 17;
    return 0;
}

static int run_child(int (*body)(void), int *signaled)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        exit(body()); /* exit, not _exit: the atexit handlers are part of it */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *signaled = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int body_release(void)
{
    int rc = child_write_held();
    struct err e = {0};
    return rc ? rc : outfile_release(&e) ? 20 : 0;
}

static int body_no_release(void)
{
    int rc = child_write_held();
    return rc ? rc : 3; /* an error path: main returns without releasing */
}

static int body_signal(void)
{
    int rc = child_write_held();
    if (rc)
        return rc;
    raise(SIGTERM);
    return 30;
}

TEST(test_hold_release)
{
    clear_dir();
    put("old", "old");
    int sig;
    assert_int_equal(run_child(body_release, &sig), 0);
    assert_string_equal(slurp(at("old")), "new");
    assert_string_equal(slurp(at("f0")), "new 0");
    assert_string_equal(slurp(at("f99")), "new 99");
    assert_int_equal(count_entries(), N_HELD + 1); /* no temporary file */
}

TEST(test_hold_exit_keeps_old)
{
    clear_dir();
    put("old", "old");
    int sig;
    assert_int_equal(run_child(body_no_release, &sig), 3);
    assert_string_equal(slurp(at("old")), "old");
    assert_int_equal(count_entries(), 1); /* no new file, no temporary file */
}

TEST(test_hold_signal_keeps_old)
{
    clear_dir();
    put("old", "old");
    int sig;
    run_child(body_signal, &sig);
    assert_int_equal(sig, SIGTERM);
    assert_string_equal(slurp(at("old")), "old");
    assert_int_equal(count_entries(), 1);
}

/* The libxlsxwriter way (reserve, write by name, commit_path) is held too. */
static int body_commit_path(void)
{
    struct err e = {0};
    outfile_hold();
    char *tmp = NULL;
    if (outfile_reserve(at("book"), &tmp, &e))
        return 10;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 11;
    fputs("new book", f);
    fclose(f);
    int rc = outfile_commit_path(tmp, at("book"), &e) ? 12 : 0;
    free(tmp);
    if (!rc && strcmp(slurp(at("book")), "old book") != 0)
        return 13;
    return rc ? rc : outfile_release(&e) ? 14 : 0;
}

TEST(test_hold_commit_path)
{
    clear_dir();
    put("book", "old book");
    int sig;
    assert_int_equal(run_child(body_commit_path, &sig), 0);
    assert_string_equal(slurp(at("book")), "new book");
    assert_int_equal(count_entries(), 1);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_renames), cmocka_unit_test(test_abort_removes),
        cmocka_unit_test(test_open_missing_dir), cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_commit_path),       cmocka_unit_test(test_hold_release),
        cmocka_unit_test(test_hold_exit_keeps_old), cmocka_unit_test(test_hold_signal_keeps_old),
        cmocka_unit_test(test_hold_commit_path),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    clear_dir();
    rmdir(dir);
    return rc;
}
