/* split: stratified train/test splits and stratified K-fold, as scikit-learn.
 *
 * Labels are ints (any values; classes are the sorted distinct labels, as
 * np.unique). Randomness is a GSL mt19937 seeded with `seed`.
 *
 * Why these match scikit-learn 1.2 row for row, not only in counts: GSL's
 * mt19937 seeding is the reference init_genrand, the same as numpy's legacy
 * RandomState(seed) for 1 <= seed < 2^32, and gsl_rng_get returns the same
 * 32-bit words. numpy's legacy shuffle (Fisher–Yates from the end, with a
 * masked rejection draw per position) is reproduced here on those words, so
 * - split_train_test(y, test_size, seed) returns the same train and test
 *   index arrays, in the same order, as
 *   train_test_split(range(n), test_size=test_size, stratify=y,
 *                    random_state=seed);
 * - split_stratified_kfold(y, k, shuffle, seed) gives the same fold of every
 *   row as StratifiedKFold(k, shuffle=shuffle, random_state=seed).
 * The class counts per side / per fold never depend on this (except where
 * sklearn's _approximate_mode breaks a tie of remainders at random, which the
 * real target does: 802/498 rows at test_size 0.25 gives 601.5/373.5), so
 * the count allocation matches sklearn exactly for those seeds too.
 * Seed 0 is the exception: GSL replaces it by 4357, numpy does not, so with
 * seed 0 the rows differ from sklearn's (counts still follow the same rule). */
#ifndef OC_SPLIT_H
#define OC_SPLIT_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/err.h"

/* sklearn's utils._approximate_mode: how many of n_draws to take from each
 * class so that the proportions are kept (floor, then the largest
 * remainders; ties of remainders broken with r as numpy's rng.choice). */
int split_approximate_mode(const size_t *class_counts, size_t nclass, size_t n_draws,
                           gsl_rng *r, size_t *out, struct err *e);

/* numpy's legacy RandomState.shuffle of a size_t array on r. */
void split_shuffle(gsl_rng *r, size_t *a, size_t n);

struct split_tt {
    size_t ntrain, ntest;
    size_t *train, *test; /* row indices, in sklearn's (shuffled) order */
};

/* Stratified shuffle split: n_test = ceil(test_size * n), n_train = n - n_test.
 * ERR_PARAMS when test_size is not in (0, 1) or a side would have fewer rows
 * than there are classes; ERR_DATA when a class has fewer than 2 rows. */
int split_train_test(const int *y, size_t n, double test_size, unsigned long seed,
                     struct split_tt **out, struct err *e);
void split_tt_free(struct split_tt *s);

/* Stratified K-fold: fold[i] in 0..k-1 is the test fold of row i. With
 * shuffle = 0 the seed is unused and folds are sklearn's contiguous blocks
 * per class. ERR_PARAMS when k < 2 or k exceeds the size of every class. */
int split_stratified_kfold(const int *y, size_t n, size_t k, int shuffle, unsigned long seed,
                           int *fold, struct err *e);

/* The rows of fold f as StratifiedKFold.split yields them: test = rows with
 * fold[i] == f, train = the others, both in increasing order. train and
 * test need room for n entries. */
void split_fold_indices(const int *fold, size_t n, int f, size_t *train, size_t *ntrain,
                        size_t *test, size_t *ntest);

/* ---- with groups (lib/models/groups.h) -----------------------------------
 * Rows with the same group label (any size_t: the first row of the group)
 * stay together: each group is one unit, labelled by the y of its first row,
 * units in the order of their first rows. The units are split as above and
 * each row follows its unit, so that without any group of two rows these are
 * split_train_test and split_stratified_kfold exactly. group NULL: those. */
int split_group_train_test(const int *y, const size_t *group, size_t n, double test_size, unsigned long seed,
                           struct split_tt **out, struct err *e);
int split_group_kfold(const int *y, const size_t *group, size_t n, size_t k, int shuffle, unsigned long seed,
                      int *fold, struct err *e);

/* ---- fewer rows than there are ------------------------------------------
 * The k of rows[0..n) (rows NULL: 0..n-1) that a fit on at most k rows keeps:
 * of each class its share of k (rounded half up, so that a larger k never
 * keeps fewer of a class), the rows whose index has the smallest fixed hash.
 * The hash depends on the row index alone, so every candidate and every
 * family sees the same rows, and a smaller choice lies inside a larger one
 * (the halving search's rounds, a family's cap). out gets them in the order
 * of rows; *nout their count (k, or n when k >= n). */
int split_subsample(const size_t *rows, size_t n, const int *y, size_t k, size_t *out, size_t *nout, struct err *e);

/* ---- train/split.tsv: the one owner of the file ---------------------------
 * Which customers the final model learned from: a header `id<TAB>set`, then
 * one row per customer, in table order, set = train or test. train writes it;
 * explain, segment and predict read it (lib/models/split_file.c). */

/* Write ids[0..n) with is_test[i] atomically. */
int split_file_write(const char *path, char *const *ids, size_t n, const unsigned char *is_test, struct err *e);

/* What split_file_read checks beyond the format. */
enum {
    SPLIT_EVERY_CUSTOMER = 1, /* each of ids needs a row */
    SPLIT_ONLY_CUSTOMERS = 2, /* each row's id is one of ids (else the split is stale) */
};
/* For each of the n customers ids[i] (of the file `of`, for messages):
 * found[i] (may be NULL) = it has a row, is_test[i] = its set is test.
 * ERR_DATA naming path and line for a set that is neither train nor test, and
 * for what `checks` rules out. */
int split_file_read(const char *path, char *const *ids, size_t n, const char *of, int checks,
                    unsigned char *is_test, unsigned char *found, struct err *e);

#endif
