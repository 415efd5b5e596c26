/* Private helpers of the local registry tree (lib/registry/).  Not installed.
 */
#ifndef IATK_REGISTRY_INTERNAL_H
#define IATK_REGISTRY_INTERNAL_H

#include <stddef.h>

#include "common/internal.h"

/* Longest names.  AWS allows 385 characters for a schema name, but a name
 * is a single path component here and file systems cap those at 255. */
#define IATK_REGISTRY_NAME_MAX 64
#define IATK_SCHEMA_NAME_MAX 255

/* Room for a name as iatk_registry_display writes it. */
#define IATK_REGISTRY_DISPLAY_SIZE 400

/* A version string's number when it is canonical (a positive decimal with
 * no sign and no leading zero that fits in an int), else -1.  Canonical
 * only, so that "7" and "007" can never name two directories. */
int iatk_registry_parse_version(const char *text);

/* iatk_registry_parse_version, failing with ENAME and the reason. */
int iatk_registry_check_version(const char *text, int *out, iatk_error *err);

/* Writes `name` for an error message: bytes a terminal would interpret are
 * escaped as \xNN and very long names are cut short with "...". */
void iatk_registry_display(const char *name,
                           char out[IATK_REGISTRY_DISPLAY_SIZE]);

#endif
