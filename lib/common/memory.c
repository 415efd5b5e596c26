/* Allocation helpers and the public iatk_free. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void iatk_free(void *ptr) { free(ptr); }

void *iatk_xcalloc(size_t n, size_t size) { return calloc(n ? n : 1, size); }

char *iatk_strdup(const char *s) { return s ? strdup(s) : NULL; }
