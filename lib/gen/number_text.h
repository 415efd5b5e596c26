/* Numbers as JSON text without printf, byte for byte what the printf
 * forms the generator used before write (see number_text.c). */
#ifndef IATK_GEN_NUMBER_TEXT_H
#define IATK_GEN_NUMBER_TEXT_H

#include "common/internal.h"

/* What iatk__buf_printf(b, "%.0f", v == 0 ? 0.0 : v) writes: all digits,
 * never an exponent, never "-0". */
void iatk__number_text_integer(iatk_buf *b, double v);
/* What iatk__buf_double(b, v) writes: "%.0f" for integral values below
 * 2^53, else the first of "%.15g", "%.16g", "%.17g" that reads back as v. */
void iatk__number_text_double(iatk_buf *b, double v);
/* The decimal digits of an int64 (with '-'), for callers writing integers. */
void iatk__number_text_int64(iatk_buf *b, int64_t v);

#endif
