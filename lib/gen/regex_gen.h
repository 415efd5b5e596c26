/* Strings from regular expressions: a pattern (ECMA-262 syntax, as JSON
 * Schema uses) is parsed once at compile time into a small program that
 * generation walks to produce matching text. */
#ifndef IATK_REGEX_GEN_H
#define IATK_REGEX_GEN_H

#include "common/internal.h"

typedef struct rx_program rx_program;

/* Parses the `len` bytes of `pattern` (a JSON string may hold U+0000, so the
 * length is not strlen); NULL when it uses syntax the generator does not
 * know (the caller then relies on the self-check). */
rx_program *rx_parse_n(const char *pattern, size_t len);
/* rx_parse_n of a NUL-terminated pattern. */
rx_program *rx_parse(const char *pattern);
void rx_free(rx_program *p);

/* Appends one candidate string (UTF-8, unescaped; it may contain U+0000) to
 * `out`.  `minimal` takes the first alternative and the fewest repetitions;
 * otherwise the choices are drawn from `rng`, with up to `extra` repetitions
 * beyond each minimum. */
void rx_generate(const rx_program *p, iatk_rng *rng, int minimal, int extra,
                 iatk_buf *out);

#endif
