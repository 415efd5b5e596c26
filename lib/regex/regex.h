/* ECMA-262 patterns, as JSON Schema writes them: one reading of the
 * pattern text (translate.c) shared by the matcher (PCRE2, match.c) and
 * the parser into a program that generates matching strings (parse.c,
 * generate.c), so that what is generated and what is matched agree.
 * Patterns are (pointer, length): a JSON string may hold U+0000, and a
 * pattern is not cut there. */
#ifndef IATK_REGEX_H
#define IATK_REGEX_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "common/internal.h"

typedef struct regex_cache regex_cache;

/* Compiles the ECMA-262 pattern of `len` bytes for PCRE2 (translated, see
 * translate.c).  NULL when it is not valid: *errcode is PCRE2's code (for
 * pcre2_get_error_message; PCRE2_ERROR_NOMEMORY when memory ran out) and
 * *offset the byte offset of the error in `pattern`. */
pcre2_code *iatk__regex_compile(const char *pattern, size_t len, int *errcode,
                                size_t *offset);

/* Patterns compiled once each, for repeated matching (match.c). */
regex_cache *iatk__regex_cache_new(void);
void iatk__regex_cache_free(regex_cache *rc);
/* 1 match, 0 no match, -1 pattern does not compile, -2 matching failed
 * (a PCRE2 match, depth or heap limit, bad UTF-8, no memory) */
int iatk__regex_search(regex_cache *rc, const char *pattern, const char *text,
                       size_t len);
/* iatk__regex_search for a pattern of `pattern_len` bytes. */
int iatk__regex_search_n(regex_cache *rc, const char *pattern,
                         size_t pattern_len, const char *text, size_t len);

/* Capturing groups of the pattern: their count when `name` is NULL, else the
 * number of the group named `name` (name_len bytes), 0 if there is none.
 * ECMA counts every group of the pattern, even those after a reference. */
int iatk__regex_groups(const char *pattern, size_t len, const char *name,
                       size_t name_len);

/* A '\' followed by a decimal digit: `p` points at the digit, `n` bytes
 * follow.  ECMA-262 with its Annex B (web) grammar: outside a class \N is a
 * back-reference when the pattern has N groups (*backref = N), else a legacy
 * octal escape (\101 is "A", at most \377) or, for \8 and \9, the digit
 * itself (*value = the code point); \0 not followed by a digit is U+0000.
 * Returns the bytes read after the backslash. */
size_t iatk__regex_decimal_escape(const char *p, size_t n, int in_class,
                                  int groups, int *backref, uint32_t *value);

/* After "\u" (`p` at the 'u', `n` bytes from there): \u{1F600}, \uHHHH, or a
 * surrogate pair \uD83D\uDE00 as one code point.  Returns the bytes read
 * after the backslash, 0 when none of these is there (then \u is a "u"). */
size_t iatk__regex_unicode_escape(const char *p, size_t n, uint32_t *cp);

/* ------------------------------------------------ strings from patterns */

typedef struct rx_program rx_program;

/* Parses the `len` bytes of `pattern` (a JSON string may hold U+0000, so the
 * length is not strlen); NULL when it uses syntax the generator does not
 * know (the caller then relies on the self-check). */
rx_program *iatk__rx_parse_n(const char *pattern, size_t len);
/* iatk__rx_parse_n of a NUL-terminated pattern. */
rx_program *iatk__rx_parse(const char *pattern);
void iatk__rx_free(rx_program *p);

/* Appends one candidate string (UTF-8, unescaped; it may contain U+0000) to
 * `out`.  `minimal` takes the first alternative and the fewest repetitions;
 * otherwise the choices are drawn from `rng`, with up to `extra` repetitions
 * beyond each minimum. */
void iatk__rx_generate(const rx_program *p, iatk_rng *rng, int minimal,
                       int extra, iatk_buf *out);

#endif
