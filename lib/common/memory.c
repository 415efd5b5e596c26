/* Allocation helpers and the public iatk_free. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void iatk_free(void *ptr) { free(ptr); }

char *iatk__strdup(const char *s) { return s ? strdup(s) : NULL; }
