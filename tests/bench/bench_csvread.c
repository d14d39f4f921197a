/* bench_csvread: time csv_read on a generated 1,000,000-row, 13-column CRLF
 * file shaped like market_file.csv (about 110 MB, written to a temp dir).
 *
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Ilib lib/core/err.c lib/io/csvread.c \
 *       tests/bench/bench_csvread.c -lcsv -lm -o /tmp/bench_csvread && /tmp/bench_csvread [rows]
 *
 * Target: about one second for a million rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/csvread.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char dir[] = "/tmp/bench_csvread.XXXXXX";
    if (!mkdtemp(dir))
        return perror("mkdtemp"), 2;
    char path[64];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return perror(path), 2;
    fputs("id,Покупательская активность,Тип сервиса,Разрешить сообщать,Маркет_актив_6_мес,"
          "Маркет_актив_тек_мес,Длительность,Акционные_покупки,Популярная_категория,"
          "Средний_просмотр_категорий_за_визит,Неоплаченные_продукты_штук_квартал,Ошибка_сервиса,"
          "Страниц_за_визит\r\n",
          f);
    /* Deterministic filler: the values only need plausible lengths. */
    for (long i = 0; i < n; i++)
        fprintf(f, "%ld,%s,премиум,да,%ld.%ld,%ld,%ld,0.%02ld,Косметика и аксесуары,%ld,%ld,%ld,%ld\r\n",
                215348 + i, i % 3 ? "Прежний уровень" : "Снизилась", i % 7, i % 10, 3 + i % 3, 100 + i % 900,
                i % 100, 1 + i % 6, i % 11, i % 10, 1 + i % 20);
    if (fclose(f))
        return perror(path), 2;

    /* CPU time too: on a loaded machine the wall clock says little. */
    struct timespec t0, t1, c0, c1;
    struct csv_data *d;
    struct err e;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    int rc = csv_read(path, NULL, &d, &e);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    unlink(path);
    rmdir(dir);
    if (rc)
        return fprintf(stderr, "bench_csvread: %s\n", e.msg), 2;
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    printf("csv_read: %zu rows x %zu cols in %.3f s wall, %.3f s cpu (%.0f rows/s cpu)\n", d->nrows, d->ncols, s,
           cpu, (double)d->nrows / cpu);
    csv_data_free(d);
    return 0;
}
