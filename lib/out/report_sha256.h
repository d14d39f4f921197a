/* report_sha256: SHA-256 (FIPS 180-4) of a file, so that the workbook names
 * exactly which inputs it was computed from. No library on the dependency
 * list provides it, and it is short. */
#ifndef OC_REPORT_SHA256_H
#define OC_REPORT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct report_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
};

void report_sha256_init(struct report_sha256 *c);
void report_sha256_update(struct report_sha256 *c, const void *data, size_t n);
/* Finish and write the digest as 64 lowercase hex digits and a NUL. */
void report_sha256_hex(struct report_sha256 *c, char hex[65]);

/* The hex digest of the file at path; ERR_IO naming the path on failure. */
int report_sha256_file(const char *path, char hex[65], struct err *e);

#endif
