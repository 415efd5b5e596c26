/* The intrinsic functions that compute values from their arguments:
 * Fn::Join, Fn::Select, Fn::Split, Fn::Base64, Fn::ToJsonString,
 * Fn::FindInMap, Fn::GetAZs, Fn::Length and Fn::Cidr. */
#include <stdlib.h>
#include <string.h>

#include "template/template_internal.h"

static json_t *bad(iatk__eval *ev, iatk_error *err, const char *usage) {
  iatk__eval_fail(ev, err, IATK_EJSON, "%s", usage);
  return NULL;
}

/* Evaluates args and checks it is a list of `n` items (0: any length). */
static json_t *list_args(iatk__eval *ev, const json_t *args, size_t n,
                         const char *usage, iatk_error *err) {
  if (!json_is_array(args) || (n && json_array_size(args) != n))
    return bad(ev, err, usage);
  return iatk__eval_value(ev, args, err);
}

json_t *iatk__fn_join(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const char *usage = "Fn::Join takes [Delimiter, [Value, ...]]";
  json_t *a = list_args(ev, args, 2, usage, err);
  if (!a)
    return NULL;
  const char *delim = json_string_value(json_array_get(a, 0));
  json_t *items = json_array_get(a, 1);
  if (!delim || !json_is_array(items)) {
    json_decref(a);
    return bad(ev, err, usage);
  }
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_reserve(&b, 1);
  for (size_t i = 0; i < json_array_size(items); i++) {
    char *text = iatk__scalar_text(json_array_get(items, i));
    if (!text) {
      iatk__eval_fail(ev, err, IATK_EJSON, "Fn::Join: item %zu is not a string",
                      i);
      iatk__buf_release(&b);
      json_decref(a);
      return NULL;
    }
    if (i)
      iatk__buf_puts(&b, delim);
    iatk__buf_puts(&b, text);
    free(text);
  }
  json_t *r = json_stringn(b.data, b.len);
  iatk__buf_release(&b);
  json_decref(a);
  return r;
}

json_t *iatk__fn_select(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const char *usage = "Fn::Select takes [Index, [Value, ...]]";
  json_t *a = list_args(ev, args, 2, usage, err);
  if (!a)
    return NULL;
  char *index = iatk__scalar_text(json_array_get(a, 0));
  json_t *items = json_array_get(a, 1), *r = NULL;
  char *end = NULL;
  long i = index ? strtol(index, &end, 10) : -1;
  if (!index || !*index || *end || !json_is_array(items))
    bad(ev, err, usage);
  else if (i < 0 || (size_t)i >= json_array_size(items))
    iatk__eval_fail(ev, err, IATK_EJSON,
                    "Fn::Select: index %ld is out of range "
                    "(the list has %zu items)",
                    i, json_array_size(items));
  else
    r = json_incref(json_array_get(items, (size_t)i));
  free(index);
  json_decref(a);
  return r;
}

json_t *iatk__fn_split(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const char *usage = "Fn::Split takes [Delimiter, String]";
  json_t *a = list_args(ev, args, 2, usage, err);
  if (!a)
    return NULL;
  const char *delim = json_string_value(json_array_get(a, 0));
  const char *s = json_string_value(json_array_get(a, 1));
  if (!delim || !*delim || !s) {
    json_decref(a);
    return bad(ev, err, usage);
  }
  json_t *r = json_array();
  size_t dl = strlen(delim);
  for (const char *hit; (hit = strstr(s, delim)); s = hit + dl)
    json_array_append_new(r, json_stringn(s, (size_t)(hit - s)));
  json_array_append_new(r, json_string(s));
  json_decref(a);
  return r;
}

json_t *iatk__fn_base64(iatk__eval *ev, const json_t *args, iatk_error *err) {
  static const char digits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  json_t *a = iatk__eval_value(ev, args, err);
  if (!a)
    return NULL;
  if (!json_is_string(a)) {
    json_decref(a);
    return bad(ev, err, "Fn::Base64 takes a string");
  }
  const unsigned char *s = (const unsigned char *)json_string_value(a);
  size_t n = json_string_length(a);
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_reserve(&b, 1);
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16 |
                 (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                 (i + 2 < n ? s[i + 2] : 0);
    char q[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63],
                 i + 1 < n ? digits[v >> 6 & 63] : '=',
                 i + 2 < n ? digits[v & 63] : '='};
    iatk__buf_append(&b, q, 4);
  }
  json_t *r = json_stringn(b.data, b.len);
  iatk__buf_release(&b);
  json_decref(a);
  return r;
}

/* Compact JSON, members in the template's order, as CloudFormation's
 * AWS::LanguageExtensions writes it. */
json_t *iatk__fn_to_json_string(iatk__eval *ev, const json_t *args,
                                iatk_error *err) {
  json_t *a = iatk__eval_value(ev, args, err);
  if (!a)
    return NULL;
  if (!json_is_object(a) && !json_is_array(a)) {
    json_decref(a);
    return bad(ev, err, "Fn::ToJsonString takes an object or a list");
  }
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__json_write(&b, a);
  json_t *r = b.failed ? NULL : json_stringn(b.data, b.len);
  iatk__buf_release(&b);
  json_decref(a);
  return r;
}

json_t *iatk__fn_find_in_map(iatk__eval *ev, const json_t *args,
                             iatk_error *err) {
  const char *usage =
      "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]";
  json_t *a = list_args(ev, args, 3, usage, err);
  if (!a)
    return NULL;
  char *k[3];
  for (int i = 0; i < 3; i++)
    k[i] = iatk__scalar_text(json_array_get(a, (size_t)i));
  const json_t *v = NULL;
  if (k[0] && k[1] && k[2])
    v = json_object_get(
        json_object_get(
            json_object_get(json_object_get(ev->template, "Mappings"), k[0]),
            k[1]),
        k[2]);
  if (!k[0] || !k[1] || !k[2])
    bad(ev, err, usage);
  else if (!v)
    iatk__eval_fail(ev, err, IATK_EJSON,
                    "Fn::FindInMap: Mappings has no %s/%s/%s", k[0], k[1],
                    k[2]);
  for (int i = 0; i < 3; i++)
    free(k[i]);
  json_decref(a);
  return v ? json_incref((json_t *)v) : NULL;
}

/* Three zones named after the region ("us-east-1a" ... "c"): which zones
 * an account sees is only known to AWS, so a stable stand-in. */
json_t *iatk__fn_get_azs(iatk__eval *ev, const json_t *args, iatk_error *err) {
  json_t *a = iatk__eval_value(ev, args, err);
  if (!a)
    return NULL;
  const char *region = json_string_value(a);
  if (!region) {
    json_decref(a);
    return bad(ev, err, "Fn::GetAZs takes a region name");
  }
  if (!*region)
    region = ev->region;
  json_t *r = json_array();
  for (char z = 'a'; z <= 'c'; z++) {
    char name[96];
    snprintf(name, sizeof name, "%.80s%c", region, z);
    json_array_append_new(r, json_string(name));
  }
  json_decref(a);
  return r;
}

json_t *iatk__fn_length(iatk__eval *ev, const json_t *args, iatk_error *err) {
  json_t *a = iatk__eval_value(ev, args, err);
  if (!a)
    return NULL;
  json_t *r = json_is_array(a) ? json_integer((json_int_t)json_array_size(a))
                               : bad(ev, err, "Fn::Length takes a list");
  json_decref(a);
  return r;
}

/* Fn::Cidr [ipBlock, count, cidrBits] for IPv4: `count` consecutive
 * subnets of 32 - cidrBits prefix length, from the block's start. */
static int parse_v4(const char *s, unsigned long *addr, int *prefix) {
  unsigned a, b, c, d;
  int n = 0;
  if (sscanf(s, "%3u.%3u.%3u.%3u/%2d%n", &a, &b, &c, &d, prefix, &n) != 5 ||
      s[n] || a > 255 || b > 255 || c > 255 || d > 255 || *prefix < 0 ||
      *prefix > 32)
    return -1;
  *addr = (unsigned long)a << 24 | b << 16 | c << 8 | d;
  return 0;
}

json_t *iatk__fn_cidr(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const char *usage = "Fn::Cidr takes [IpBlock, Count, CidrBits] (IPv4 here)";
  json_t *a = list_args(ev, args, 3, usage, err);
  if (!a)
    return NULL;
  char *block = iatk__scalar_text(json_array_get(a, 0));
  char *count = iatk__scalar_text(json_array_get(a, 1));
  char *bits = iatk__scalar_text(json_array_get(a, 2));
  unsigned long addr = 0;
  int prefix = 0;
  long n = count ? strtol(count, NULL, 10) : 0,
       cb = bits ? strtol(bits, NULL, 10) : 0;
  json_t *r = NULL;
  if (!block || parse_v4(block, &addr, &prefix) || n < 1 || n > 256 || cb < 1 ||
      cb > 32 - prefix) {
    bad(ev, err, usage);
  } else {
    r = json_array();
    /* Subnets start at the block's network address. */
    unsigned long step = 1ul << cb;
    unsigned long base =
        prefix ? addr & (0xfffffffful << (32 - prefix)) & 0xfffffffful : 0;
    for (long i = 0; i < n && base + (unsigned long)i * step <= 0xfffffffful;
         i++) {
      unsigned long s = base + (unsigned long)i * step;
      char text[64];
      snprintf(text, sizeof text, "%lu.%lu.%lu.%lu/%ld", s >> 24 & 255,
               s >> 16 & 255, s >> 8 & 255, s & 255, 32 - cb);
      json_array_append_new(r, json_string(text));
    }
  }
  free(block);
  free(count);
  free(bits);
  json_decref(a);
  return r;
}
