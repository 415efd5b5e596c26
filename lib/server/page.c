/* Paging through listings: `limit` items at most, and a NextToken that
 * resumes after the last item shown.
 *
 * A token names a position (the last name shown), not an index, so a
 * schema added or removed between two pages neither repeats nor skips
 * anything else.  It is opaque and validated: an HMAC with a key of this
 * server process covers the position and the listing it belongs to
 * (operation, registry, filters), so a token that was edited, made up, or
 * issued for another listing is refused with BadRequestException instead
 * of silently listing something else.  A token outlives neither a
 * restart of the server (the key is new) nor, like AWS's, its purpose. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "server/server_internal.h"

/* Bytes of the HMAC a token keeps: plenty against guessing. */
#define TAG_BYTES 16

static void put_hex(iatk_buf *out, const unsigned char *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    iatk__buf_putc(out, digits[p[i] >> 4]);
    iatk__buf_putc(out, digits[p[i] & 15]);
  }
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes lower-case hex; -1 when it is not. */
static int get_hex(const char *hex, size_t n, unsigned char *out) {
  for (size_t i = 0; i < n; i++) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (unsigned char)(hi * 16 + lo);
  }
  return 0;
}

/* HMAC-SHA256(key, scope NUL position), cut to TAG_BYTES. */
static int tag_of(const iatk_server *srv, const char *scope,
                  const char *position, unsigned char tag[TAG_BYTES]) {
  iatk_buf msg;
  iatk__buf_init(&msg);
  iatk__buf_append(&msg, scope, strlen(scope) + 1);
  iatk__buf_puts(&msg, position);
  unsigned char full[EVP_MAX_MD_SIZE];
  unsigned int full_len = 0;
  int ok =
      !msg.failed &&
      HMAC(EVP_sha256(), srv->token_key, sizeof srv->token_key,
           (const unsigned char *)msg.data, msg.len, full, &full_len) != NULL;
  iatk__buf_release(&msg);
  if (ok)
    memcpy(tag, full, TAG_BYTES);
  return ok ? 0 : -1;
}

/* The token that resumes `scope` after `position`; NULL when out of
 * memory. */
static json_t *make_token(const iatk_server *srv, const char *scope,
                          const char *position) {
  unsigned char tag[TAG_BYTES];
  if (tag_of(srv, scope, position, tag) != 0)
    return NULL;
  iatk_buf token;
  iatk__buf_init(&token);
  put_hex(&token, tag, TAG_BYTES);
  put_hex(&token, (const unsigned char *)position, strlen(position));
  json_t *value = token.failed ? NULL : json_stringn(token.data, token.len);
  iatk__buf_release(&token);
  return value;
}

/* The position a token names, or NULL when it is not a token this server
 * issued for `scope`.  Caller frees. */
static char *read_token(const iatk_server *srv, const char *scope,
                        const char *token) {
  size_t n = strlen(token);
  if (n % 2 || n <= 2 * TAG_BYTES)
    return NULL;
  unsigned char tag[TAG_BYTES], want[TAG_BYTES];
  size_t len = n / 2 - TAG_BYTES;
  char *position = calloc(1, len + 1);
  if (!position || get_hex(token, TAG_BYTES, tag) != 0 ||
      get_hex(token + 2 * TAG_BYTES, len, (unsigned char *)position) != 0 ||
      strlen(position) != len || tag_of(srv, scope, position, want) != 0 ||
      CRYPTO_memcmp(tag, want, TAG_BYTES) != 0) {
    free(position);
    return NULL;
  }
  return position;
}

/* The query's limit: the default when absent, at most IATK__SRV_PAGE_MAX. */
static int read_limit(const iatk__srv_call *call, size_t *limit,
                      iatk__srv_reply *reply) {
  char *text = NULL, *end = NULL;
  int rc = iatk__srv_query_get(call->query, "limit", &text);
  *limit = IATK__SRV_PAGE_DEFAULT;
  if (rc > 0) {
    errno = 0;
    long v = text[0] >= '0' && text[0] <= '9' ? strtol(text, &end, 10) : 0;
    rc = v >= 1 && *end == '\0' && errno == 0 ? 0 : -1;
    *limit = rc == 0 && v < IATK__SRV_PAGE_MAX ? (size_t)v : IATK__SRV_PAGE_MAX;
  }
  free(text);
  if (rc < 0)
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "limit must be a positive integer");
  return rc < 0 ? -1 : 0;
}

/* The position to resume after, NULL for the first page. */
static int read_position(const iatk__srv_call *call, const char *scope,
                         char **position, iatk__srv_reply *reply) {
  char *token = NULL;
  int rc = iatk__srv_query_get(call->query, "nextToken", &token);
  *position = NULL;
  if (rc > 0 && token[0])
    *position = read_token(call->srv, scope, token);
  int bad = rc < 0 || (rc > 0 && token[0] && !*position);
  free(token);
  if (bad)
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "invalid nextToken: pass back a NextToken of the same "
                   "listing, unchanged");
  return bad ? -1 : 0;
}

/* Fills `items` with one page; *next is the last name shown when more
 * follow. */
static int fill(iatk__srv_call *call, const iatk__srv_listing *l,
                const char *after, size_t limit, json_t *items,
                const char **next, iatk__srv_reply *reply) {
  const char *last = NULL;
  size_t shown = 0;
  *next = NULL;
  for (size_t i = 0; i < iatk_strlist_count(l->names); i++) {
    const char *name = iatk_strlist_get(l->names, i);
    if ((after && l->cmp(name, after) <= 0) ||
        (l->keep && !l->keep(name, l->ctx)))
      continue;
    if (shown == limit) {
      *next = last;
      break;
    }
    if (l->emit(call, name, items, l->ctx, reply) != 0)
      return -1;
    shown++;
    last = name;
  }
  return 0;
}

void iatk__srv_page(iatk__srv_call *call, const iatk__srv_listing *listing,
                    iatk__srv_reply *reply) {
  size_t limit;
  char *after = NULL;
  const char *next = NULL;
  if (read_limit(call, &limit, reply) != 0 ||
      read_position(call, listing->scope, &after, reply) != 0)
    return;
  json_t *items = json_array(), *result = json_object();
  int rc = items && result
               ? fill(call, listing, after, limit, items, &next, reply)
               : -1;
  if (rc == 0 && json_object_set(result, listing->member, items) != 0)
    rc = -1;
  if (rc == 0 && next &&
      json_object_set_new(result, "NextToken",
                          make_token(call->srv, listing->scope, next)) != 0)
    rc = -1;
  json_decref(items);
  free(after);
  if (rc == 0)
    iatk__srv_ok(reply, 200, result);
  else
    json_decref(result);
  /* Does nothing when answered: a failing emit answered already. */
  iatk__srv_fail(reply, IATK__SRV_INTERNAL, "out of memory");
}
