/* Characters for classes the generator cannot enumerate itself: Unicode
 * properties (\p{L}, \p{Script=Greek}, \P{Nd}) and classes holding them or
 * \D \W \S.  PCRE2, through the same translation the matcher uses, decides
 * which of a fixed list of representative characters belong to the class:
 * what is generated is what is matched, whatever the Unicode tables say. */
#include <stdlib.h>
#include <string.h>

#include "regex/regex_internal.h"
#include "regex/regex.h"

/* Printable ASCII, in the order the generator prefers (barebone takes the
 * first member: "a" for \p{L}, "A" for \p{Lu}, "0" for \p{Nd}). */
static const char ascii_order[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " _-.!#$%&()*+,/:;<=>?@[]^{|}~'\"\\`";

/* Beyond ASCII: at least one character of every general category, script
 * and binary property ECMA-262 knows (Unicode 14, the tables of PCRE2
 * 10.42; a newer PCRE2 keeps them all).  Surrogates (Cs) cannot be written
 * in UTF-8, so none are here. */
static const uint32_t representatives[] = {
    /* readable ones first, by general category */
    0xE9, 0xDF, 0xF1, 0xC0, 0xDC, 0x3B1, 0x3A9, 0x434, 0x416, 0x1C5, 0x2B0,
    0xAA, 0x5D0, 0x627, 0x905, 0x4E00, 0x3042, 0x30A2, 0xAC00, 0x300, 0x903,
    0x20DD, 0x663, 0x969, 0xFF10, 0x216B, 0x3007, 0xB2, 0xBD, 0x2460, 0x203F,
    0x2013, 0x2014, 0x300C, 0x300D, 0x201C, 0x201D, 0xBF, 0xB7, 0x3001, 0xB1,
    0xD7, 0xF7, 0x221E, 0x20AC, 0xA3, 0xA5, 0xB4, 0xA9, 0xAE, 0xB0, 0x2603,
    0x1F600, 0x3000, 0x2003, 0x200B, 0x200D, 0xFEFF,
    /* the first of every general category */
    0xB5, 0x488, 0x660, 0x16EE, 0x58A, 0xF3A, 0xF3B, 0xAB, 0xBB, 0xA1, 0xAC,
    0xA2, 0xA8, 0xA6, 0xA0, 0x2028, 0x2029, 0x80, 0xAD, 0xE000, 0x378,
    /* a letter of every script */
    0x1E900, 0x10530, 0x11700, 0x620, 0x10840, 0x531, 0x10B00, 0x1B05, 0xA6A0,
    0x16AD0, 0x1BC0, 0x980, 0x11C00, 0x3105, 0x11003, 0x2800, 0x1A00, 0x1740,
    0x11103, 0x1401, 0x102A0, 0xAA00, 0x13A0, 0x10FB0, 0x3E2, 0x12F90, 0x10800,
    0x400, 0x904, 0x11900, 0x11800, 0x10400, 0x1BC00, 0x13000, 0x10500, 0x10FE0,
    0x1200, 0x10A0, 0x2C00, 0x11D60, 0x11D00, 0x10330, 0x11305, 0x370, 0xA85,
    0xA05, 0x1100, 0x3005, 0x1720, 0x108E0, 0x3041, 0x14400, 0x16B00, 0x1E100,
    0x10C80, 0x10300, 0xA984, 0xA90A, 0x30A1, 0x10A00, 0x1780, 0x11200, 0x18B00,
    0xC80, 0x11083, 0x1A20, 0xE81, 0x1C00, 0x1900, 0x10600, 0x10000, 0xA4D0,
    0x10280, 0x10920, 0x11150, 0x11EE0, 0x840, 0x10AC0, 0x11C72, 0x16E40,
    0x1E800, 0x109A0, 0x10980, 0xD04, 0x11600, 0x1820, 0x16A40, 0xAAE0, 0x11280,
    0x1000, 0x119A0, 0x10A80, 0x10880, 0x11400, 0x7CA, 0x16FE1, 0x1681, 0x1C5A,
    0x10C00, 0xB05, 0x104B0, 0x10480, 0x10F70, 0x10860, 0x11AC0, 0x10350,
    0xA840, 0x10B60, 0x10B80, 0x10900, 0x16F00, 0x10B40, 0xA930, 0x10D00,
    0x16A0, 0x800, 0x10A60, 0xA882, 0x1D800, 0x10450, 0x11183, 0x11580, 0x112B0,
    0xD85, 0x10F30, 0x10F00, 0x110D0, 0x11A50, 0x1B83, 0xA800, 0x710, 0x1760,
    0x11680, 0x1950, 0x1980, 0xB83, 0x16FE0, 0xAA80, 0xC05, 0x2D30, 0x1700,
    0x780, 0xE01, 0xF00, 0x11480, 0x16A70, 0x1E290, 0x10380, 0xA500, 0x10570,
    0x118A0, 0x1E2C0, 0x103A0, 0x12000, 0x10E80, 0xA000, 0x11A00,
    /* the first of every binary property ECMA-262 names */
    0x61C, 0x149, 0x1F3FB, 0x261D, 0x231A, 0x2FF0, 0x2FF2, 0x3006, 0x200C,
    0xE40, 0xFDD0, 0x85, 0x2E80, 0x1F1E6, 0x589, 0x12F, 0x37E, 0x3400, 0x180B,
    0x9F};

/* When no representative matches: code points tried per PCRE2 search, and
 * how many members are enough.  The scan stops at the end of plane 3 (after
 * it come only tags, variation selectors and private use, which have
 * representatives) and takes a few milliseconds. */
#define SCAN_CHUNK 4096
#define SCAN_WANTED 8
#define SCAN_END 0x40000

typedef struct probe {
  pcre2_code *re;
  pcre2_match_data *md;
  uint32_t *out;
  int count;
} probe;

static int matches(probe *pr, uint32_t cp) {
  char b[4];
  size_t n = iatk__rx_utf8(cp, b);
  return pcre2_match(pr->re, (PCRE2_SPTR)b, n, 0, PCRE2_ANCHORED, pr->md,
                     NULL) >= 0;
}

static void try_member(probe *pr, uint32_t cp) {
  if (pr->count < RX_MEMBERS_MAX && matches(pr, cp))
    pr->out[pr->count++] = cp;
}

/* Every character from `lo` on: one search per chunk of code points, as
 * UTF-8 text, until SCAN_WANTED members are found. */
static int scan(probe *pr, uint32_t lo) {
  char *text = malloc(SCAN_CHUNK * 4);
  if (!text)
    return -1;
  for (; lo < SCAN_END && pr->count < SCAN_WANTED; lo += SCAN_CHUNK) {
    size_t len = 0;
    for (uint32_t cp = lo; cp < lo + SCAN_CHUNK; cp++)
      if (cp < 0xd800 || cp > 0xdfff)
        len += iatk__rx_utf8(cp, text + len);
    PCRE2_SIZE *at = pcre2_get_ovector_pointer(pr->md);
    size_t from = 0;
    while (pr->count < SCAN_WANTED &&
           pcre2_match(pr->re, (PCRE2_SPTR)text, len, from, 0, pr->md, NULL) >=
               0 &&
           at[1] > at[0]) {
      pr->out[pr->count++] = iatk__rx_utf8_decode(text + at[0]);
      from = at[1];
    }
  }
  free(text);
  return 0;
}

int iatk__rx_class_members(const char *text, size_t len, uint32_t *out,
                           int *scans) {
  int code;
  size_t offset;
  probe pr = {.re = iatk__regex_compile(text, len, &code, &offset), .out = out};
  if (!pr.re)
    return -1;
  pr.md = pcre2_match_data_create_from_pattern(pr.re, NULL);
  int rc = pr.md ? 0 : -1;
  for (const char *a = ascii_order; *a && rc == 0; a++)
    try_member(&pr, (unsigned char)*a);
  for (size_t i = 0;
       i < sizeof representatives / sizeof *representatives && rc == 0; i++)
    try_member(&pr, representatives[i]);
  for (uint32_t cp = 1; cp <= 0x20 && rc == 0; cp++)
    try_member(&pr, cp == 0x20 ? 0x7f : cp); /* controls last */
  if (rc == 0)
    try_member(&pr, 0); /* and U+0000 after them */
  if (rc == 0 && pr.count == 0 && *scans > 0) {
    --*scans;
    rc = scan(&pr, 0x80);
  }
  pcre2_match_data_free(pr.md);
  pcre2_code_free(pr.re);
  return rc == 0 ? pr.count : -1;
}
