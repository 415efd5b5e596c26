/* Function references as Lambda reads them (the FunctionName pattern of
 * the Invoke API): a name, a partial ARN or a full ARN, then an optional
 * version or alias after one more ':'.  Splitting here lets a bad
 * reference fail before anything is sent, and sends the qualifier as the
 * Qualifier parameter, as the SDKs' users usually do. */
#include <string.h>

#include "sink/sink_internal.h"

#define MAX_PARTS 8 /* arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER */

typedef struct parts {
  const char *start[MAX_PARTS];
  size_t len[MAX_PARTS];
  size_t count;
} parts;

/* 0 when there are more than MAX_PARTS ':'-separated parts. */
static int split_colons(const char *s, parts *p) {
  p->count = 0;
  for (;;) {
    if (p->count == MAX_PARTS)
      return 0;
    size_t n = strcspn(s, ":");
    p->start[p->count] = s;
    p->len[p->count++] = n;
    if (!s[n])
      return 1;
    s += n + 1;
  }
}

static int is(const parts *p, size_t i, const char *word) {
  return p->len[i] == strlen(word) && memcmp(p->start[i], word, p->len[i]) == 0;
}

/* Letters, digits, '-', '_' (and '.' in a name), never empty. */
static int word_ok(const char *s, size_t n, int dot_ok) {
  for (size_t i = 0; i < n; i++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789-_",
                s[i]) &&
        !(dot_ok && s[i] == '.'))
      return 0;
  return n > 0;
}

static int qualifier_ok(const char *s, size_t n) {
  return (n == 7 && memcmp(s, "$LATEST", 7) == 0) || word_ok(s, n, 0);
}

/* Which part holds the name, from the form; -1 when no form fits. */
static int name_index(const parts *p) {
  if (is(p, 0, "arn"))
    return p->count >= 7 && p->count <= 8 && is(p, 2, "lambda") &&
                   is(p, 5, "function") && p->len[3] && p->len[4]
               ? 6
               : -1;
  if (p->count >= 3 && is(p, 1, "function"))
    return p->count <= 4 && p->len[0] ? 2 : -1;
  return p->count <= 2 ? 0 : -1;
}

int iatk__lambda_split(const char *function, iatk__lambda_ref *out,
                       iatk_error *err) {
  parts p;
  int name = function && split_colons(function, &p) ? name_index(&p) : -1;
  size_t q = (size_t)name + 1;
  if (name < 0 || !word_ok(p.start[name], p.len[name], 1) ||
      (q < p.count && !qualifier_ok(p.start[q], p.len[q])))
    return iatk__fail(err, IATK_EINVAL,
                      "'%s' is not a Lambda function: expected NAME, "
                      "ACCOUNT:function:NAME or a function ARN, with an "
                      "optional :VERSION or :ALIAS",
                      function ? function : "(null)");
  out->function_len = (size_t)(p.start[name] - function) + p.len[name];
  out->qualifier = q < p.count ? p.start[q] : NULL;
  return IATK_OK;
}
