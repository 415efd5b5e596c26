/* Growing arrays: one doubling policy, with overflow and a size limit
 * checked in one place, for every array the library extends an item at a
 * time. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* Small arrays start here: most hold a handful of items. */
#define ARRAY_FIRST_CAP 8

int iatk__array_grow(void **items, size_t *cap, size_t want, size_t item_size,
                     size_t limit) {
  if (want <= *cap)
    return IATK_OK;
  if (want > limit)
    return IATK_ELIMIT;
  size_t bigger = *cap ? *cap : ARRAY_FIRST_CAP;
  while (bigger < want)
    bigger = bigger > SIZE_MAX / 2 ? want : bigger * 2;
  if (bigger > limit)
    bigger = limit;
  if (bigger > SIZE_MAX / item_size)
    return IATK_ENOMEM;
  void *grown = realloc(*items, bigger * item_size);
  if (!grown)
    return IATK_ENOMEM;
  *items = grown;
  *cap = bigger;
  return IATK_OK;
}
