/* Numbers as JSON text without printf.  A vfprintf per number (three
 * snprintf and three strtod for a real) was most of what a random event
 * cost.  The usual magnitudes are written here with integer arithmetic
 * that is exact, so the text is byte for byte what printf wrote; the rest
 * (huge or tiny magnitudes, NaN) still goes through printf. */
#include <math.h>
#include <string.h>

#include "gen/number_text.h"

#define TWO53 9007199254740992.0
#define TWO63 9223372036854775808.0

typedef unsigned __int128 u128;

/* Writes the digits of v ending at `end`, two at a time; returns how
 * many. */
static size_t u64_digits(uint64_t v, char *end) {
  char *p = end;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    p -= 2;
    memcpy(p, iatk__decimal_pairs + 2 * r, 2);
  }
  if (v >= 10) {
    p -= 2;
    memcpy(p, iatk__decimal_pairs + 2 * v, 2);
  } else {
    *--p = (char)('0' + v);
  }
  return (size_t)(end - p);
}

/* Whether v is an integer of magnitude below `limit` (at most 2^63); no
 * floor() call, and no conversion of a value int64 cannot hold. */
static int integral_below(double v, double limit) {
  return fabs(v) < limit && (double)(int64_t)v == v;
}

void iatk__number_text_int64(iatk_buf *b, int64_t v) {
  char text[24];
  char *end = text + sizeof text;
  uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  size_t n = u64_digits(u, end);
  if (v < 0)
    end[-(ptrdiff_t)++n] = '-';
  iatk__buf_append(b, end - n, n);
}

void iatk__number_text_integer(iatk_buf *b, double v) {
  if (integral_below(v, TWO63)) { /* -0.0 too: its int64 is 0 */
    iatk__number_text_int64(b, (int64_t)v);
    return;
  }
  iatk__buf_printf(b, "%.0f", v); /* wide or not integral: printf's rounding */
}

/* ------------------------------------------------ reals: "%.Pg" exactly
 *
 * A finite double is m * 2^-s with m in [2^52, 2^53).  Its P significant
 * digits are q = round(m * 10^k / 2^s), k = P - 1 - d for its decimal
 * exponent d; between 1e-4 and 1e15 every quantity fits in 128 bits, so
 * the rounding (to nearest, ties to even, as glibc's printf) and the
 * question "does strtod read q * 10^-k back as the same double" are
 * answered exactly. */

#define FAST_MIN 1e-4 /* below, %g switches to exponent notation */
#define FAST_MAX 1e15 /* above, 17 digits may need an exponent too */
#define MAX_K 22      /* m * 10^22 < 2^127 */

#define P10(x) ((u128)(x))
#define E19 10000000000000000000ULL
/* 10^0 .. 10^23 (10^20 and up computed from 10^19, which fits uint64). */
static const u128 pow10_table[MAX_K + 2] = {P10(1ULL),
                                            P10(10ULL),
                                            P10(100ULL),
                                            P10(1000ULL),
                                            P10(10000ULL),
                                            P10(100000ULL),
                                            P10(1000000ULL),
                                            P10(10000000ULL),
                                            P10(100000000ULL),
                                            P10(1000000000ULL),
                                            P10(10000000000ULL),
                                            P10(100000000000ULL),
                                            P10(1000000000000ULL),
                                            P10(10000000000000ULL),
                                            P10(100000000000000ULL),
                                            P10(1000000000000000ULL),
                                            P10(10000000000000000ULL),
                                            P10(100000000000000000ULL),
                                            P10(1000000000000000000ULL),
                                            P10(E19),
                                            P10(E19) * 10,
                                            P10(E19) * 100,
                                            P10(E19) * 1000,
                                            P10(E19) * 10000};

static u128 pow10_128(int k) { return pow10_table[k]; }

typedef struct binary {
  uint64_t m; /* 53-bit significand */
  int s;      /* |v| = m * 2^-s */
} binary;

static binary decompose(double a) {
  uint64_t bits;
  memcpy(&bits, &a, sizeof bits);
  int biased = (int)((bits >> 52) & 0x7ff); /* a is normal here */
  binary x = {(bits & ((1ULL << 52) - 1)) | (1ULL << 52), 1075 - biased};
  return x;
}

/* The P digits of x (q in [10^(P-1), 10^P)) before rounding, with the
 * exponent d they stand for; 0 when d falls outside what fits. */
static int truncated_digits(binary x, int P, int *d, u128 *scaled) {
  u128 lo = pow10_128(P - 1), hi = lo * 10;
  for (int tries = 0; tries < 4; tries++) {
    int k = P - 1 - *d;
    if (k < 0 || k > MAX_K)
      return 0;
    *scaled = (u128)x.m * pow10_128(k);
    u128 q = *scaled >> x.s;
    if (q >= hi)
      (*d)++;
    else if (q < lo)
      (*d)--;
    else
      return 1;
  }
  return 0;
}

/* Whether q * 10^-k, at distance |diff| (in units of 2^-s * 10^-k) above
 * or below x, reads back as x: inside half the gap to the neighbour on
 * that side, or on the midpoint with x's significand even (strtod rounds
 * ties to even).  Below a power of two the gap is half as wide. */
static int reads_back(binary x, int k, u128 diff, int above) {
  u128 gap = pow10_128(k);
  u128 twice = diff * (above || x.m != (1ULL << 52) ? 2 : 4);
  return twice < gap || (twice == gap && (x.m & 1) == 0);
}

/* "%.Pg" of a fixed-notation value: the digits of q around the point,
 * trailing fractional zeros dropped. */
static void put_fixed(iatk_buf *b, int negative, uint64_t q, int P, int d) {
  char digits[24], text[48];
  size_t n = u64_digits(q, digits + sizeof digits), len = 0;
  const char *dg = digits + sizeof digits - n;
  size_t frac_end = (size_t)P;
  size_t int_len = d >= 0 ? (size_t)d + 1 : 0;
  while (frac_end > int_len && dg[frac_end - 1] == '0')
    frac_end--;
  if (negative)
    text[len++] = '-';
  if (d >= 0) {
    memcpy(text + len, dg, int_len);
    len += int_len;
  } else {
    text[len++] = '0';
  }
  if (frac_end > int_len) {
    text[len++] = '.';
    for (int z = d + 1; z < 0; z++)
      text[len++] = '0';
    memcpy(text + len, dg + int_len, frac_end - int_len);
    len += frac_end - int_len;
  }
  iatk__buf_append(b, text, len);
}

/* Writes "%.Pg" of v and returns 1 when it reads back as v; 0 when it
 * does not; -1 when this precision is printf's to answer (exponent
 * notation, or digits beyond 128 bits). */
static int try_precision(iatk_buf *b, double v, binary x, int P, int d) {
  u128 scaled;
  if (!truncated_digits(x, P, &d, &scaled))
    return -1;
  int k = P - 1 - d;
  u128 mask = ((u128)1 << x.s) - 1, rem = scaled & mask,
       half = (u128)1 << (x.s - 1);
  uint64_t q = (uint64_t)(scaled >> x.s);
  int up = rem > half || (rem == half && (q & 1));
  if (!reads_back(x, k, up ? mask + 1 - rem : rem, up))
    return 0;
  q += (uint64_t)up;
  if (q == (uint64_t)pow10_128(P)) { /* 9.99.. rounded to 10.0.. */
    q /= 10;
    d++;
  }
  if (d < -4 || d >= P)
    return -1;
  put_fixed(b, v < 0, q, P, d);
  return 1;
}

/* The decimal exponent of a, give or take one (truncated_digits fixes
 * it): floor(e2 * log10(2)) as 78913 / 2^18, exact for small |e2|. */
static int estimate_exponent(binary x) {
  int e2 = 52 - x.s; /* a is in [2^e2, 2^(e2+1)) */
  return (e2 * 78913) >> 18;
}

void iatk__number_text_double(iatk_buf *b, double v) {
  if (integral_below(v, TWO53)) {
    iatk__number_text_int64(b, (int64_t)v);
    return;
  }
  double a = fabs(v);
  if (a >= FAST_MIN && a < FAST_MAX) {
    binary x = decompose(a);
    int d = estimate_exponent(x);
    for (int P = 15; P <= 17; P++) {
      int rc = try_precision(b, v, x, P, d);
      if (rc > 0)
        return;
      if (rc < 0)
        break;
    }
  }
  iatk__buf_double(b, v);
}
