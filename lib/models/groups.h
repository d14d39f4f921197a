/* groups: customers identical in every model feature ("twins"). A model that
 * sees one twin in training and the other in testing copies the label (a
 * distance-weighted KNN scores it 100 %), so the test score and the
 * out-of-fold probabilities would flatter it. The splits keep each group on
 * one side (scikit-learn's StratifiedGroupKFold semantics: lib/models/split.h
 * split_group_*). */
#ifndef OC_GROUPS_H
#define OC_GROUPS_H

#include <stddef.h>

#include "core/err.h"
#include "models/pipeline.h"

/* group[i] = the first row (in table order) of the rows whose every feature
 * equals row i's (numbers by value, a missing number equal only to another,
 * categories byte for byte). *nmulti: groups of more than one row; *nrows:
 * the rows in them. */
int groups_find(const struct pipe_data *d, size_t *group, size_t *nmulti, size_t *nrows, struct err *e);

#endif
