#include "core/hashset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    char *key; /* NULL = empty */
    uint64_t hash;
    size_t value;
};

struct hashset {
    struct slot *slots;
    size_t cap, n; /* cap is a power of two, kept at most half full */
    char **order;  /* n keys in insertion order (pointers into slots) */
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

struct hashset *hashset_alloc(size_t expected)
{
    struct hashset *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cap = 16;
    while (h->cap < 2 * expected)
        h->cap *= 2;
    h->slots = calloc(h->cap, sizeof *h->slots);
    h->order = malloc(h->cap / 2 * sizeof *h->order);
    if (!h->slots || !h->order) {
        free(h->slots);
        free(h->order);
        free(h);
        return NULL;
    }
    return h;
}

void hashset_free(struct hashset *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->cap; i++)
        free(h->slots[i].key);
    free(h->slots);
    free(h->order);
    free(h);
}

static struct slot *probe(struct slot *slots, size_t cap, const char *key, uint64_t hash)
{
    for (size_t i = hash & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].key || (slots[i].hash == hash && strcmp(slots[i].key, key) == 0))
            return &slots[i];
}

static int grow(struct hashset *h)
{
    size_t cap = h->cap * 2;
    struct slot *s = calloc(cap, sizeof *s);
    char **order = realloc(h->order, cap / 2 * sizeof *order);
    if (!s || !order) {
        free(s);
        if (order)
            h->order = order;
        return -1;
    }
    h->order = order;
    for (size_t i = 0; i < h->cap; i++)
        if (h->slots[i].key)
            *probe(s, cap, h->slots[i].key, h->slots[i].hash) = h->slots[i];
    free(h->slots);
    h->slots = s;
    h->cap = cap;
    return 0;
}

int hashset_insert(struct hashset *h, const char *key, size_t value, size_t *first)
{
    if (2 * (h->n + 1) > h->cap && grow(h) < 0)
        return -1;
    uint64_t hash = fnv1a(key);
    struct slot *s = probe(h->slots, h->cap, key, hash);
    if (s->key) {
        if (first)
            *first = s->value;
        return 1;
    }
    if (!(s->key = strdup(key)))
        return -1;
    s->hash = hash;
    s->value = value;
    h->order[h->n++] = s->key;
    return 0;
}

int hashset_find(const struct hashset *h, const char *key, size_t *value)
{
    const struct slot *s = probe(h->slots, h->cap, key, fnv1a(key));
    if (!s->key)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

size_t hashset_size(const struct hashset *h)
{
    return h->n;
}

const char *hashset_key(const struct hashset *h, size_t i)
{
    return h->order[i];
}
