/* iatk_strlist: the list type returned by listing calls. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct iatk_strlist {
  char **items;
  size_t count;
  size_t cap;
};

iatk_strlist *iatk__strlist_new(void) {
  return calloc(1, sizeof(iatk_strlist));
}

int iatk__strlist_push(iatk_strlist *l, const char *s) {
  if (IATK_ARRAY_GROW(l->items, l->cap, l->count + 1, SIZE_MAX) != IATK_OK)
    return IATK_ENOMEM;
  char *copy = strdup(s);
  if (!copy)
    return IATK_ENOMEM;
  l->items[l->count++] = copy;
  return IATK_OK;
}

/* Insertion sort: qsort's comparator has no userdata slot to carry `cmp`,
 * and listings are short. */
void iatk__strlist_sort(iatk_strlist *l,
                        int (*cmp)(const char *, const char *)) {
  for (size_t i = 1; i < l->count; i++) {
    char *item = l->items[i];
    size_t j = i;
    while (j > 0 && cmp(l->items[j - 1], item) > 0) {
      l->items[j] = l->items[j - 1];
      j--;
    }
    l->items[j] = item;
  }
}

size_t iatk_strlist_count(const iatk_strlist *l) { return l ? l->count : 0; }

const char *iatk_strlist_get(const iatk_strlist *l, size_t i) {
  return l && i < l->count ? l->items[i] : NULL;
}

void iatk_strlist_free(iatk_strlist *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i]);
  free(l->items);
  free(l);
}
