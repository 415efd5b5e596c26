/* The form EventBridge delivers envelope members in, as checks on string
 * contents: shared by the EventBridge context on a jansson event
 * (eventbridge.c) and on event text (eventbridge_text.c), so both keep
 * and replace exactly the same values.  Lengths are explicit; a caller
 * holding a C string passes strlen, as the checks always read it. */
#include <ctype.h>
#include <string.h>

#include "context/context_internal.h"

static size_t span_of(const char *s, size_t n, const char *set) {
  size_t i = 0;
  while (i < n && s[i] && strchr(set, s[i]))
    i++;
  return i;
}

static int all_digits(const char *s, size_t n) {
  return span_of(s, n, "0123456789") == n;
}

/* "version": EventBridge documents it as "0" in every event. */
int iatk__eventbridge_form_version(const char *s, size_t n) {
  return n == 1 && s[0] == '0';
}

int iatk__eventbridge_form_account(const char *s, size_t n) {
  return n == 12 && all_digits(s, n);
}

/* "id": a UUID, 8-4-4-4-12 hexadecimal digits. */
int iatk__eventbridge_form_uuid(const char *s, size_t n) {
  static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (n != sizeof shape - 1)
    return 0;
  for (size_t i = 0; shape[i]; i++)
    if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

/* A region's shape: a two-letter area, one or more lowercase words and a
 * number (us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1).  A
 * list of real regions would go stale; the shape rejects made-up text. */
int iatk__eventbridge_form_region(const char *s, size_t n) {
  static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
  if (span_of(s, n, lower) != 2 || n < 3 || s[2] != '-')
    return 0;
  size_t at = 3;
  int words = 0;
  for (size_t w; (w = span_of(s + at, n - at, lower)) > 0 && at + w < n &&
                 s[at + w] == '-';
       at += w + 1)
    words++;
  return words > 0 && at < n && all_digits(s + at, n - at);
}
