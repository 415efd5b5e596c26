/* Patterns: the ECMA-262 reading shared by the generator (iatk__rx_parse_n,
 * iatk__rx_generate) and the matcher (iatk__regex_compile, iatk__regex_search_n). */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

#include "regex/regex.h"
#include "validate/validate_internal.h"

#define RANDOM_DRAWS 40

/* 1 match, 0 no match, -1 the pattern does not compile. */
static int search(const char *pattern, size_t plen, const char *text,
                  size_t len) {
  regex_cache *rc = iatk__regex_cache_new();
  assert_non_null(rc);
  int m = iatk__regex_search_n(rc, pattern, plen, text, len);
  iatk__regex_cache_free(rc);
  return m;
}

static int compiles(const char *pattern, size_t len) {
  int code;
  size_t offset;
  pcre2_code *re = iatk__regex_compile(pattern, len, &code, &offset);
  pcre2_code_free(re);
  return re != NULL;
}

/* The minimal candidate, then random ones: PCRE2 must match each.  Returns
 * the minimal one (to free). */
static char *generate_n(const char *pattern, size_t plen, size_t *len) {
  rx_program *p = iatk__rx_parse_n(pattern, plen);
  if (!p)
    fail_msg("/%s/ does not parse", pattern);
  iatk_buf out;
  iatk__buf_init(&out);
  iatk_rng rng;
  iatk__rng_init(&rng, 7, 0);
  iatk__rx_generate(p, &rng, 1, 0, &out);
  char *minimal = malloc(out.len + 1);
  memcpy(minimal, out.data ? out.data : "", out.len + 1);
  *len = out.len;
  if (search(pattern, plen, minimal, out.len) != 1)
    fail_msg("/%s/ does not match its minimal candidate '%s'", pattern,
             minimal);
  for (int i = 0; i < RANDOM_DRAWS; i++) {
    iatk__buf_reset(&out);
    iatk__rx_generate(p, &rng, 0, 3, &out);
    if (search(pattern, plen, out.data ? out.data : "", out.len) != 1)
      fail_msg("/%s/ does not match its candidate '%s'", pattern, out.data);
  }
  iatk__buf_release(&out);
  iatk__rx_free(p);
  return minimal;
}

static char *generate(const char *pattern) {
  size_t len;
  return generate_n(pattern, strlen(pattern), &len);
}

static void assert_minimal(const char *pattern, const char *expected) {
  char *got = generate(pattern);
  assert_string_equal(got, expected);
  free(got);
}

/* Whether one of 16 random candidates matches (patterns the minimal one
 * cannot satisfy, like lookarounds that must produce text). */
static int some_candidate_matches(const char *pattern) {
  rx_program *p = iatk__rx_parse(pattern);
  assert_non_null(p);
  iatk_buf out;
  iatk__buf_init(&out);
  iatk_rng rng;
  iatk__rng_init(&rng, 3, 0);
  int found = 0;
  for (int i = 0; i < 16 && !found; i++) {
    iatk__buf_reset(&out);
    iatk__rx_generate(p, &rng, 0, 2, &out);
    found = search(pattern, strlen(pattern), out.data ? out.data : "",
                   out.len) == 1;
  }
  iatk__buf_release(&out);
  iatk__rx_free(p);
  return found;
}

/* ----------------------------------------------------- 1: U+0000 */

static void test_nul_in_pattern(void **state) {
  (void)state;
  static const char pattern[] = "^a\0b$";
  size_t plen = sizeof pattern - 1, len;
  assert_int_equal(search(pattern, plen, "a\0b", 3), 1);
  assert_int_equal(search(pattern, plen, "a", 1), 0); /* not cut at the NUL */
  char *got = generate_n(pattern, plen, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(got, "a\0b", 3);
  free(got);

  static const char no_nul[] = "^[^\0]+$"; /* "[^" alone would not compile */
  assert_true(compiles(no_nul, sizeof no_nul - 1));
  assert_int_equal(search(no_nul, sizeof no_nul - 1, "a\0", 2), 0);
  free(generate_n(no_nul, sizeof no_nul - 1, &len));

  /* an error after the NUL is reported at its offset in the pattern */
  int code;
  size_t offset;
  assert_null(iatk__regex_compile("a\0(", 3, &code, &offset));
  assert_int_equal(offset, 3);
}

/* ------------------------------------------- 2: Unicode properties */

static void test_properties_match(void **state) {
  (void)state;
  const char *cases[][3] = {
      /* pattern, matching, not matching */
      {"^\\p{L}$", "\xc3\xa9", "1"},
      {"^\\p{Letter}$", "\xce\xb1", "-"},
      {"^\\P{L}$", "1", "a"},
      {"^\\p{Lu}$", "\xc3\x80", "a"},
      {"^\\p{Uppercase_Letter}$", "Z", "z"},
      {"^\\p{Nd}$", "\xd9\xa3", "a"},
      {"^\\p{Decimal_Number}$", "7", "x"},
      {"^\\p{gc=Lu}$", "Q", "q"},
      {"^\\p{General_Category=Letter}$", "q", "1"},
      {"^\\p{Script=Greek}$", "\xce\xa9", "W"},
      {"^\\p{sc=Greek}$", "\xce\xb1", "a"},
      {"^\\p{Script_Extensions=Cyrillic}$", "\xd0\x96", "X"},
      {"^\\p{Assigned}$", "a", "\xcd\xb8"}, /* U+0378 is unassigned */
      {"^\\P{Assigned}$", "\xcd\xb8", "a"},
      {"^[\\p{Nd}x]$", "x", "y"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *p = cases[i][0];
    if (search(p, strlen(p), cases[i][1], strlen(cases[i][1])) != 1)
      fail_msg("/%s/ does not match '%s'", p, cases[i][1]);
    if (search(p, strlen(p), cases[i][2], strlen(cases[i][2])) != 0)
      fail_msg("/%s/ matches '%s'", p, cases[i][2]);
  }
  assert_false(compiles("\\p{NoSuchProperty}", 18));
}

static void test_properties_generate(void **state) {
  (void)state;
  assert_minimal("^\\p{L}$", "a");
  assert_minimal("^\\p{Lu}\\p{Ll}$", "Aa");
  assert_minimal("^\\p{Letter}{2}\\p{Nd}$", "aa0");
  assert_minimal("^\\P{L}$", "0");
  assert_minimal("^\\p{Script=Greek}$", "\xce\xb1");
  assert_minimal("^\\p{sc=Cyrillic}$", "\xd0\xb4");
  assert_minimal("^[^\\p{L}\\p{N}]$", " ");
  /* no representative is a Greek titlecase letter: found by a scan */
  assert_minimal("^[^\\P{Script=Greek}\\P{Lt}]$", "\xe1\xbe\x88"); /* U+1F88 */
  const char *more[] = {"^\\p{Lt}$",
                        "^\\p{Lm}\\p{Lo}$",
                        "^\\p{Mn}\\p{Mc}\\p{Me}$",
                        "^\\p{Nl}\\p{No}$",
                        "^\\p{P}\\p{S}$",
                        "^\\p{Zs}\\p{Zl}\\p{Zp}$",
                        "^\\p{Cc}\\p{Cf}$",
                        "^\\p{Co}\\p{Cn}$",
                        "^\\p{Sc}\\p{Sk}\\p{Sm}\\p{So}$",
                        "^\\p{Any}$",
                        "^\\p{ASCII}+$",
                        "^\\p{Alphabetic}$",
                        "^\\p{Emoji}$",
                        "^\\p{White_Space}$",
                        "^\\p{scx=Deva}$",
                        "^\\p{Script=Adlam}$",
                        "^\\p{sc=Han}{2}$",
                        "^[\\p{L}\\d_-]{3,}$",
                        "^[^\\P{Lu}]$",
                        "^[\\D\\S]$",
                        "^[^\\W\\d]+$",
                        "^\\p{Pi}.\\p{Pf}$",
                        "^\\p{Script=Inherited}$"};
  for (size_t i = 0; i < sizeof more / sizeof *more; i++)
    free(generate(more[i]));
}

/* ------------------------------------------------- 3: octal escapes */

static void test_decimal_escapes(void **state) {
  (void)state;
  assert_minimal("^\\101$", "A"); /* octal: there is no group 101 */
  assert_minimal("^\\101\\102\\60$", "AB0");
  assert_minimal("^[\\101-\\103]{3}$", "AAA");
  assert_minimal("^\\400$", " 0");  /* \40 then "0" */
  assert_minimal("^(a)\\1$", "aa"); /* a reference */
  assert_minimal("^\\1(a)$", "a");  /* to a later group: empty */
  assert_minimal("^\\1$", "\x01");  /* no group: octal */
  assert_minimal("^\\8$", "8");     /* an identity escape */
  assert_minimal("^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10$", "abcdefghijj");
  assert_minimal("^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\11$", "abcdefghij\t");
  assert_minimal("^(?<x>ab)\\k<x>$", "abab");
  size_t len;
  char *nul = generate_n("^\\0$", 4, &len);
  assert_int_equal(len, 1);
  assert_int_equal(nul[0], 0);
  free(nul);
  nul = generate_n("^a\\08$", 6, &len); /* \0, then "8" */
  assert_int_equal(len, 3);
  assert_memory_equal(nul,
                      "a\0"
                      "8",
                      3);
  free(nul);
  assert_int_equal(search("^\\12$", 5, "\n", 1), 1);
}

/* -------------------------------------------- 4: empty constructs */

static void test_empty_constructs(void **state) {
  (void)state;
  assert_minimal("()", "");
  assert_minimal("^()$", "");
  assert_minimal("(|a)", "");
  assert_minimal("^a||b$", "a");
  assert_minimal("^(|)(?:)$", "");
  assert_minimal("^[^]$", "a");
  assert_minimal("x(?=)", "x");
  rx_program *p = iatk__rx_parse("^[]$"); /* parses; matches nothing */
  assert_non_null(p);
  iatk__rx_free(p);
  assert_non_null(p = iatk__rx_parse_n(NULL, 0));
  iatk__rx_free(p);
}

/* ----------------------------------- ECMA readings PCRE2 differs on */

static void test_ecma_translation(void **state) {
  (void)state;
  assert_int_equal(search("^\\v$", 4, "\n", 1), 0); /* PCRE2: vertical space */
  assert_int_equal(search("^.$", 3, "\r", 1), 0);
  assert_int_equal(search("^.$", 3, "\xe2\x80\xa8", 3), 0); /* U+2028 */
  assert_int_equal(search("^[[:alpha:]]$", 12, ":]", 2),
                   1); /* no POSIX classes */
  assert_int_equal(search("^\\u{1F600}$", 11, "\xf0\x9f\x98\x80", 4), 1);
  assert_int_equal(search("^\\uD83D\\uDE00$", 14, "\xf0\x9f\x98\x80", 4), 1);
  assert_int_equal(search("^\\a\\e\\z$", 8, "aez", 3),
                   1); /* identity escapes */
  assert_int_equal(search("^\\cJ\\c1$", 8, "\n\\c1", 4), 1);
  assert_minimal("^\\u{1F600}$", "\xf0\x9f\x98\x80");
  assert_minimal("^\\uD83D\\uDE00$", "\xf0\x9f\x98\x80");
  assert_minimal("^\\cJ\\c1$", "\n\\c1");
  assert_minimal("^\\a\\Z$", "aZ");
  assert_true(some_candidate_matches("(?<=a)b")); /* "ab" */
  assert_true(some_candidate_matches("a(?=b)"));  /* "ab" */
  /* PCRE2 syntax that ECMA-262 does not have */
  assert_false(compiles("(?i)a", 5));
  assert_false(compiles("(?P<n>a)", 8));
  assert_false(compiles("(?>a)", 5));
  assert_false(compiles("a*+", 3));
  assert_false(compiles("a{2}+", 5));
  assert_true(compiles("a*?", 3));
  assert_true(compiles("a{2}?b+", 7));
}

/* ---------------------- hostile patterns: an error or a valid string */

static void test_hostile_patterns(void **state) {
  (void)state;
  const char *patterns[] = {
      "(((",
      ")",
      "(a",
      "[a",
      "a]",
      "a{",
      "{",
      "{1}",
      "a{2}{3}",
      "a**",
      "a{99999999}",
      "a{1,99999999}",
      "a{65535}",
      "^(a{300}){300}$",
      "^(a*)*$",
      "^(a+)+b?$",
      "(?=a)b",
      "(?<=a)b",
      "^(?!b)[ab]$",
      "\\2(a)(b)",
      "\\k<y>",
      "\\",
      "a{,3}",
      "^a{3,2}$",
      "[\\d-z]",
      "[a-\\d]",
      "\\p{L",
      "\\pL",
      "\\p{}",
      "\\u{110000}",
      "\\uD800",
      "[\\b\\B]",
      "\\c",
      "[\\c]",
      "(?<a>x)(?<a>y)",
      "((a)|b)+\\2",
      "(a|(b))\\2*",
      "[z-a]",
      "\\x{zz}",
      "^\\p{Cs}$",
  };
  for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
    const char *p = patterns[i];
    if (!compiles(p, strlen(p)))
      continue;
    rx_program *prog = iatk__rx_parse(p);
    if (!prog)
      continue; /* generation falls back on the self-check */
    iatk_buf out;
    iatk__buf_init(&out);
    iatk_rng rng;
    iatk__rng_init(&rng, 1, i);
    for (int k = 0; k < 8; k++) {
      iatk__buf_reset(&out);
      iatk__rx_generate(prog, &rng, k == 0, 4, &out); /* must return, bounded */
      assert_true(out.len <= (1u << 20) + 8);
      assert_true(search(p, strlen(p), out.data ? out.data : "", out.len) >= 0);
    }
    iatk__buf_release(&out);
    iatk__rx_free(prog);
  }
}

/* ((a{1000}){1000}){1000} stops at the output limit instead of making a
 * billion calls (PCRE2 refuses to compile it; the generator must not hang
 * on its program either). */
static void test_huge_repetition_is_bounded(void **state) {
  (void)state;
  rx_program *p = iatk__rx_parse("((a{1000}){1000}){1000}");
  assert_non_null(p);
  iatk_buf out;
  iatk__buf_init(&out);
  iatk_rng rng;
  iatk__rng_init(&rng, 0, 0);
  iatk__rx_generate(p, &rng, 1, 0, &out);
  assert_true(out.len > 1000000 && out.len < 1100000);
  iatk__buf_release(&out);
  iatk__rx_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nul_in_pattern),
      cmocka_unit_test(test_properties_match),
      cmocka_unit_test(test_properties_generate),
      cmocka_unit_test(test_decimal_escapes),
      cmocka_unit_test(test_empty_constructs),
      cmocka_unit_test(test_ecma_translation),
      cmocka_unit_test(test_hostile_patterns),
      cmocka_unit_test(test_huge_repetition_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
