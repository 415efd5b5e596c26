/* Address -> int hash map used to memoise compiled schema objects, which is
 * also what turns a cyclic $ref into a cyclic plan instead of a hang. */
#include <stdlib.h>

#include "internal.h"

void iatk__ptrmap_init(iatk_ptrmap *m) {
  m->keys = NULL;
  m->values = NULL;
  m->count = m->cap = 0;
}

void iatk__ptrmap_release(iatk_ptrmap *m) {
  free(m->keys);
  free(m->values);
  iatk__ptrmap_init(m);
}

static size_t slot_of(const void *key, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ULL;
  return (size_t)(h >> 17) & (cap - 1);
}

static size_t find_slot(const void **keys, size_t cap, const void *key) {
  size_t i = slot_of(key, cap);
  while (keys[i] && keys[i] != key)
    i = (i + 1) & (cap - 1);
  return i;
}

int iatk__ptrmap_get(const iatk_ptrmap *m, const void *key) {
  if (!m->cap)
    return -1;
  size_t i = find_slot(m->keys, m->cap, key);
  return m->keys[i] ? m->values[i] : -1;
}

static int grow(iatk_ptrmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  const void **keys = calloc(cap, sizeof *keys);
  int *values = calloc(cap, sizeof *values);
  if (!keys || !values) {
    free(keys);
    free(values);
    return IATK_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i])
      continue;
    size_t j = find_slot(keys, cap, m->keys[i]);
    keys[j] = m->keys[i];
    values[j] = m->values[i];
  }
  free(m->keys);
  free(m->values);
  m->keys = keys;
  m->values = values;
  m->cap = cap;
  return IATK_OK;
}

int iatk__ptrmap_put(iatk_ptrmap *m, const void *key, int value) {
  if ((m->count + 1) * 2 > m->cap && grow(m) != IATK_OK)
    return IATK_ENOMEM;
  size_t i = find_slot(m->keys, m->cap, key);
  if (!m->keys[i])
    m->count++;
  m->keys[i] = key;
  m->values[i] = value;
  return IATK_OK;
}
