/* Regular expressions of schemas (ECMA-262) matched with PCRE2.  A pattern is
 * first rewritten where PCRE2 reads the same text differently (translate()),
 * then compiled with options that bring PCRE2 close to ECMA semantics: "$"
 * only at the very end, empty classes "[]" and "[^]", references to groups
 * that did not match match the empty string.
 *
 * Patterns are (pointer, length) throughout: a JSON string may contain
 * U+0000 and the pattern goes on after it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"

/* --------------------------------------------------- ECMA-262 lexemes */

int iatk__regex_groups(const char *p, size_t len, const char *name,
                       size_t name_len) {
  int groups = 0, in_class = 0;
  for (size_t i = 0; i < len; i++) {
    if (p[i] == '\\') {
      i++; /* the escaped character is never a bracket */
    } else if (in_class) {
      in_class = p[i] != ']';
    } else if (p[i] == '[') {
      in_class = 1;
    } else if (p[i] == '(' && (i + 1 >= len || p[i + 1] != '?')) {
      groups++;
    } else if (p[i] == '(' && i + 2 < len && p[i + 2] == '<' &&
               (i + 3 >= len || (p[i + 3] != '=' && p[i + 3] != '!'))) {
      groups++; /* (?<name>...) */
      if (name && len - (i + 3) > name_len &&
          !memcmp(p + i + 3, name, name_len) && p[i + 3 + name_len] == '>')
        return groups;
    }
  }
  return name ? 0 : groups;
}

/* Annex B LegacyOctalEscapeSequence: up to three octal digits, at most
 * \377 (so \400 is \40 then "0"). */
static size_t legacy_octal(const char *p, size_t n, uint32_t *value) {
  size_t max = p[0] <= '3' ? 3 : 2, i = 0;
  uint32_t v = 0;
  while (i < n && i < max && p[i] >= '0' && p[i] <= '7')
    v = v * 8 + (uint32_t)(p[i++] - '0');
  *value = v;
  return i;
}

size_t iatk__regex_decimal_escape(const char *p, size_t n, int in_class,
                                  int groups, int *backref, uint32_t *value) {
  *backref = 0;
  if (!in_class && p[0] != '0') {
    size_t i = 0;
    long number = 0;
    while (i < n && isdigit((unsigned char)p[i])) {
      if (number <= groups) /* beyond it the value no longer matters */
        number = number * 10 + (p[i] - '0');
      i++;
    }
    if (number <= groups) {
      *backref = (int)number;
      return i;
    }
  }
  if (p[0] == '8' || p[0] == '9') {
    *value = (uint32_t)p[0]; /* an identity escape */
    return 1;
  }
  return legacy_octal(p, n, value);
}

/* ------------------------------------------------- the translated text */

typedef struct xlat {
  char *text;
  size_t *from; /* per byte of text: its offset in the pattern, for errors */
  size_t len, cap;
  int failed; /* out of memory */
  int error;  /* a PCRE2 error code for ECMA syntax PCRE2 would accept */
  size_t error_at;
} xlat;

/* Appends n bytes written for the pattern text at `from` (all of them map
 * to it); copy() appends pattern bytes unchanged, each mapping to itself. */
static void put(xlat *x, const char *s, size_t n, size_t from) {
  if (x->failed || n == 0)
    return;
  if (x->len + n + 1 > x->cap) {
    size_t cap = x->cap ? x->cap : 64;
    while (cap < x->len + n + 1)
      cap *= 2;
    char *text = realloc(x->text, cap);
    size_t *map = text ? realloc(x->from, cap * sizeof *map) : NULL;
    if (text)
      x->text = text;
    if (!map) {
      x->failed = 1;
      return;
    }
    x->from = map;
    x->cap = cap;
  }
  memcpy(x->text + x->len, s, n);
  for (size_t i = 0; i < n; i++)
    x->from[x->len + i] = from;
  x->len += n;
}

static void copy(xlat *x, const char *p, size_t from, size_t n) {
  size_t at = x->len;
  put(x, p + from, n, from);
  for (size_t i = 0; i < n && !x->failed; i++)
    x->from[at + i] = from + i;
}

/* One code point as PCRE2's \x{...}: no ambiguity with what follows. */
static void put_code_point(xlat *x, uint32_t cp, size_t from) {
  char esc[16];
  int n = snprintf(esc, sizeof esc, "\\x{%X}", (unsigned)cp);
  put(x, esc, (size_t)n, from);
}

/* ECMA's long general category names (and aliases): PCRE2 knows only the
 * short ones. */
static const char *const category_names[][2] = {{"Cased_Letter", "LC"},
                                                {"Close_Punctuation", "Pe"},
                                                {"Connector_Punctuation", "Pc"},
                                                {"Control", "Cc"},
                                                {"cntrl", "Cc"},
                                                {"Currency_Symbol", "Sc"},
                                                {"Dash_Punctuation", "Pd"},
                                                {"Decimal_Number", "Nd"},
                                                {"digit", "Nd"},
                                                {"Enclosing_Mark", "Me"},
                                                {"Final_Punctuation", "Pf"},
                                                {"Format", "Cf"},
                                                {"Initial_Punctuation", "Pi"},
                                                {"Letter", "L"},
                                                {"Letter_Number", "Nl"},
                                                {"Line_Separator", "Zl"},
                                                {"Lowercase_Letter", "Ll"},
                                                {"Mark", "M"},
                                                {"Combining_Mark", "M"},
                                                {"Math_Symbol", "Sm"},
                                                {"Modifier_Letter", "Lm"},
                                                {"Modifier_Symbol", "Sk"},
                                                {"Nonspacing_Mark", "Mn"},
                                                {"Number", "N"},
                                                {"Open_Punctuation", "Ps"},
                                                {"Other", "C"},
                                                {"Other_Letter", "Lo"},
                                                {"Other_Number", "No"},
                                                {"Other_Punctuation", "Po"},
                                                {"Other_Symbol", "So"},
                                                {"Paragraph_Separator", "Zp"},
                                                {"Private_Use", "Co"},
                                                {"Punctuation", "P"},
                                                {"punct", "P"},
                                                {"Separator", "Z"},
                                                {"Space_Separator", "Zs"},
                                                {"Spacing_Mark", "Mc"},
                                                {"Surrogate", "Cs"},
                                                {"Symbol", "S"},
                                                {"Titlecase_Letter", "Lt"},
                                                {"Unassigned", "Cn"},
                                                {"Uppercase_Letter", "Lu"}};

static int same(const char *s, size_t n, const char *word) {
  return strlen(word) == n && memcmp(s, word, n) == 0;
}

static const char *short_category(const char *name, size_t n) {
  for (size_t i = 0; i < sizeof category_names / sizeof *category_names; i++)
    if (same(name, n, category_names[i][0]))
      return category_names[i][1];
  return NULL;
}

/* \p{name} or \P{name}.  Scripts (Script=, sc=, Script_Extensions=, scx=)
 * and binary properties PCRE2 reads as ECMA writes them; general
 * categories lose their gc= prefix and long names; Assigned is not Cn.
 * Anything else goes through for PCRE2 to accept or reject. */
static void put_property(xlat *x, const char *name, size_t n, int negated,
                         size_t from) {
  const char *eq = memchr(name, '=', n);
  if (eq && (same(name, (size_t)(eq - name), "General_Category") ||
             same(name, (size_t)(eq - name), "gc"))) {
    n -= (size_t)(eq + 1 - name);
    name = eq + 1;
  }
  const char *mapped = short_category(name, n);
  if (!eq && same(name, n, "Assigned")) {
    mapped = "Cn";
    negated = !negated;
  }
  put(x, negated ? "\\P{" : "\\p{", 3, from);
  put(x, mapped ? mapped : name, mapped ? strlen(mapped) : n, from);
  put(x, "}", 1, from);
}

static int hex_value(const char *p, size_t n, uint32_t *out) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isxdigit((unsigned char)p[i]))
      return 0;
    v = v * 16 + (uint32_t)(isdigit((unsigned char)p[i])
                                ? p[i] - '0'
                                : tolower((unsigned char)p[i]) - 'a' + 10);
  }
  *out = v;
  return 1;
}

size_t iatk__regex_unicode_escape(const char *p, size_t n, uint32_t *cp) {
  if (n >= 3 && p[1] == '{') {
    const char *close = memchr(p + 2, '}', n - 2);
    size_t digits = close ? (size_t)(close - p - 2) : 0;
    if (digits == 0 || digits > 6 || !hex_value(p + 2, digits, cp) ||
        *cp > 0x10ffff)
      return 0;
    return digits + 3;
  }
  if (n < 5 || !hex_value(p + 1, 4, cp))
    return 0;
  uint32_t low;
  if (*cp >= 0xd800 && *cp <= 0xdbff && n >= 11 && p[5] == '\\' &&
      p[6] == 'u' && hex_value(p + 7, 4, &low) && low >= 0xdc00 &&
      low <= 0xdfff) {
    *cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
    return 11;
  }
  return 5;
}

/* A letter escape that stands for the letter itself (Annex B), where PCRE2
 * may read something else (\a, \e, \z, \h, \R, ...): any letter ECMA-262
 * gives no meaning, and \x \u \p \P whose valid forms were read before;
 * \k without a group name, and \B in a class. */
static int identity_letter(char c, const char *next, int in_class) {
  if (!isalpha((unsigned char)c))
    return 0;
  if (strchr("xupP", c))
    return 1;
  if (c == 'k')
    return !next || *next != '<';
  if (c == 'B')
    return in_class;
  return !strchr("dDwWsSbfnrtvc", c);
}

/* The escape at p[i] == '\\' (a next byte exists); returns where the text
 * after it starts. */
static size_t translate_escape(xlat *x, const char *p, size_t len, size_t i,
                               int in_class, int groups) {
  const char *e = p + i + 1;
  size_t rest = len - i - 1;
  char c = *e;
  uint32_t cp;
  if (isdigit((unsigned char)c)) {
    int backref;
    size_t used =
        iatk__regex_decimal_escape(e, rest, in_class, groups, &backref, &cp);
    if (backref) {
      char ref[24];
      put(x, ref, (size_t)snprintf(ref, sizeof ref, "\\g{%d}", backref), i);
    } else {
      put_code_point(x, cp, i);
    }
    return i + 1 + used;
  }
  if ((c == 'p' || c == 'P') && rest > 2 && e[1] == '{') {
    const char *close = memchr(e + 2, '}', rest - 2);
    if (close) {
      put_property(x, e + 2, (size_t)(close - e - 2), c == 'P', i);
      return (size_t)(close - p) + 1;
    }
  }
  size_t used = 0;
  if ((c == 'u' && (used = iatk__regex_unicode_escape(e, rest, &cp)) != 0) ||
      (c == 'x' && rest >= 3 && hex_value(e + 1, 2, &cp) && (used = 3)) ||
      (c == 'v' && (cp = 0x0b, used = 1))) {
    put_code_point(x, cp, i);
    return i + 1 + used;
  }
  if (c == 'c' && !(rest > 1 && isalpha((unsigned char)e[1]))) {
    if (in_class && rest > 1 && (isdigit((unsigned char)e[1]) || e[1] == '_')) {
      put_code_point(x, (uint32_t)e[1] % 32, i); /* Annex B [\c1] */
      return i + 3;
    }
    put(x, "\\\\", 2, i); /* a backslash; the 'c' follows as itself */
    return i + 1;
  }
  if (identity_letter(c, rest > 1 ? e + 1 : NULL, in_class)) {
    put(x, e, 1, i);
    return i + 2;
  }
  copy(x, p, i, 2);
  return i + 2;
}

/* The length of a {n}, {n,} or {n,m} quantifier at p[i], else 0 (then
 * the brace is a literal, in Annex B as in PCRE2). */
static size_t brace_quantifier(const char *p, size_t len, size_t i) {
  size_t j = i + 1;
  int digits = 0;
  while (j < len && isdigit((unsigned char)p[j]))
    j++, digits++;
  if (!digits)
    return 0;
  if (j < len && p[j] == ',')
    for (j++; j < len && isdigit((unsigned char)p[j]);)
      j++;
  return j < len && p[j] == '}' ? j + 1 - i : 0;
}

/* Syntax PCRE2 accepts but ECMA-262 rejects, found where it starts (outside
 * classes): "(?" not followed by ":", "=", "!", "<=", "<!" or "<name>"
 * ((?i), (?>, (?P<n>, (?#...)), and a possessive quantifier a*+ a{2}+.
 * Returns the pattern length of a quantifier at p[i] (0 if none) and
 * updates *quantified: 1 after a quantifier, 2 after its lazy "?". */
static size_t check_ecma(xlat *x, const char *p, size_t len, size_t i,
                         int *quantified) {
  char c = p[i];
  if (c == '(' && i + 1 < len && p[i + 1] == '?') {
    char next = i + 2 < len ? p[i + 2] : '\0';
    if (!(next == ':' || next == '=' || next == '!' || next == '<')) {
      x->error = PCRE2_ERROR_INVALID_AFTER_PARENS_QUERY;
      x->error_at = i + 2;
    }
  }
  size_t q =
      c == '{' ? brace_quantifier(p, len, i) : c == '*' || c == '+' || c == '?';
  if (*quantified && c == '+' && !x->error) {
    x->error = PCRE2_ERROR_QUANTIFIER_INVALID; /* possessive */
    x->error_at = i;
  }
  *quantified = *quantified == 1 && c == '?' ? 2 : q ? 1 : 0;
  return q;
}

static const char ecma_dot[] = "[^\\n\\r\\x{2028}\\x{2029}]";

/* ECMA-262 text to PCRE2 text:
 *   \p{Letter}, \p{gc=Lu}, \p{Assigned}: see put_property;
 *   \1..\99: \g{N} when group N exists, else legacy octal or the digit
 *     (PCRE2 reads \1..\9 as references always and rejects \8);
 *   \0 and octal escapes, \u{...}, surrogate pairs, \xHH, \v: \x{...}
 *     (PCRE2's \v is any vertical space; it knows \u only as \uHHHH);
 *   \c not followed by a letter: a backslash (PCRE2 takes any character);
 *   \a, \e, \z, ... (not ECMA escapes): the letter itself;
 *   "." : not \n, \r, U+2028, U+2029 (PCRE2's excludes only \n);
 *   "[" inside a class: a plain "[" (PCRE2 would read [:alpha:]). */
static void translate(xlat *x, const char *p, size_t len) {
  int groups = iatk__regex_groups(p, len, NULL, 0), in_class = 0,
      quantified = 0;
  size_t i = 0;
  while (i < len && !x->failed && !x->error) {
    char c = p[i];
    if (c == '\\' && i + 1 < len) {
      i = translate_escape(x, p, len, i, in_class, groups);
      quantified = 0;
      continue;
    }
    size_t q = in_class ? 0 : check_ecma(x, p, len, i, &quantified);
    if (q > 1) { /* {n,m}: copied whole, its digits are not literals */
      copy(x, p, i, q);
      i += q;
      continue;
    }
    if (in_class && c == '[')
      put(x, "\\[", 2, i);
    else if (!in_class && c == '.')
      put(x, ecma_dot, strlen(ecma_dot), i);
    else
      copy(x, p, i, 1);
    if (in_class)
      in_class = c != ']';
    else
      in_class = c == '[';
    i++;
  }
}

/* No PCRE2_ALT_BSUX: translate() writes every \u and \x escape as \x{...},
 * which that option would turn into a literal "x". */
static const uint32_t ECMA_OPTIONS = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |
                                     PCRE2_ALLOW_EMPTY_CLASS |
                                     PCRE2_MATCH_UNSET_BACKREF;

pcre2_code *iatk__regex_compile(const char *pattern, size_t len, int *errcode,
                                size_t *offset) {
  xlat x = {0};
  translate(&x, pattern, len);
  int code = PCRE2_ERROR_NOMEMORY;
  PCRE2_SIZE at = 0;
  pcre2_code *re = NULL;
  if (x.error) {
    code = x.error;
    at = x.error_at;
  } else if (!x.failed) {
    re = pcre2_compile((PCRE2_SPTR)(x.text ? x.text : ""), x.len, ECMA_OPTIONS,
                       &code, &at, NULL);
    at = at < x.len ? x.from[at] : len;
  }
  free(x.text);
  free(x.from);
  if (errcode)
    *errcode = code;
  if (offset)
    *offset = re ? 0 : (size_t)at;
  return re;
}
