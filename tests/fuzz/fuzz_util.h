/* Shared by the fuzz targets: the library reads paths, so each input is
 * written to one scratch file (in /dev/shm when there is one, so the fuzzer
 * does not wait on a disk) that is rewritten for every input. */
#ifndef OC_FUZZ_UTIL_H
#define OC_FUZZ_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

static char fuzz_dir_name[64];

/* At exit: remove the scratch files and their directory (libFuzzer's fork
 * mode starts a process per job, and each made one). */
static inline void fuzz_dir_remove(void)
{
    DIR *d = opendir(fuzz_dir_name);
    if (!d)
        return;
    char p[192];
    for (struct dirent *de; (de = readdir(d));)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", fuzz_dir_name, de->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(fuzz_dir_name);
}

/* A directory for scratch files, made once per process. */
static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_name[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir_name, sizeof fuzz_dir_name, "%s/oc-fuzz.XXXXXX", base);
        if (!mkdtemp(fuzz_dir_name))
            abort();
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir_name;
}

/* A path inside fuzz_dir() (one static buffer per name slot). */
static inline const char *fuzz_path(int slot, const char *name)
{
    static char paths[4][128];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", fuzz_dir(), name);
    return paths[slot];
}

/* Write data to fuzz_path(0, name) and return the path. */
static inline const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = fuzz_path(0, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f))
        abort();
    return path;
}

/* The input as a C string (cut at the first NUL), malloc'ed. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A harness invariant failed: report it and crash so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* A failure must fill the caller's struct err with its code and a message. */
#define FUZZ_CHECK_ERR(rc, e) FUZZ_CHECK((rc) == (e).code && (e).msg[0] != '\0')

/* Whether a reader failed (rc != 0); if it did, its error must be filled
 * and nothing handed out, or the harness crashes as FUZZ_CHECK does. */
static inline int fuzz_failed(int rc, const struct err *e, const void *out, const char *file, int line)
{
    if (!rc)
        return 0;
    if (rc != e->code || e->msg[0] == '\0' || out) {
        fprintf(stderr, "%s:%d: invariant failed: a failed read fills its error and hands out nothing\n", file, line);
        abort();
    }
    return 1;
}
#define FUZZ_FAILED(rc, e, out) fuzz_failed((rc), &(e), (out), __FILE__, __LINE__)

#endif
