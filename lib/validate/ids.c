/* Schema resources inside one document: "$id"/"id" and "$anchor" make
 * schemas addressable by URI, and $ref is resolved against the base URI in
 * force.  Only the document itself is searched: nothing is fetched. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "validate/validate_internal.h"

static size_t scheme_length(const char *uri) {
  size_t i = 0;
  if (!isalpha((unsigned char)uri[0]))
    return 0;
  while (uri[i] && (isalnum((unsigned char)uri[i]) || strchr("+-.", uri[i])))
    i++;
  return uri[i] == ':' ? i + 1 : 0;
}

static char *concat(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  char *out = malloc(alen + blen + 1);
  if (!out)
    return NULL;
  memcpy(out, a, alen);
  memcpy(out + alen, b, blen + 1);
  return out;
}

/* Drops the last segment written to out[0..*n) (RFC 3986 5.2.4 step C). */
static void drop_segment(char *out, size_t *n) {
  while (*n > 0 && out[*n - 1] != '/')
    (*n)--;
  if (*n > 0)
    (*n)--;
}

/* RFC 3986 remove_dot_segments on path[0..len), in place; returns the new
 * length.  "a/b/../c" and "a/./c" are "a/c": relative ids and refs such as
 * "./bar.json" must name the resource its id names. */
static size_t remove_dots(char *path, size_t len) {
  size_t in = 0, n = 0; /* n <= in: the output overwrites read input only */
  while (in < len) {
    const char *p = path + in;
    size_t rest = len - in;
    if (rest >= 3 && !strncmp(p, "../", 3)) {
      in += 3;
    } else if (rest >= 2 && !strncmp(p, "./", 2)) {
      in += 2;
    } else if (rest >= 3 && !strncmp(p, "/./", 3)) {
      in += 2;
    } else if (rest == 2 && !strncmp(p, "/.", 2)) {
      path[n++] = '/';
      in = len;
    } else if (rest >= 4 && !strncmp(p, "/../", 4)) {
      drop_segment(path, &n);
      in += 3;
    } else if (rest == 3 && !strncmp(p, "/..", 3)) {
      drop_segment(path, &n);
      path[n++] = '/';
      in = len;
    } else if ((rest == 1 && p[0] == '.') || (rest == 2 && !strncmp(p, "..", 2))) {
      in = len;
    } else {
      do
        path[n++] = path[in++];
      while (in < len && path[in] != '/');
    }
  }
  return n;
}

/* Where the path of an absolute URI starts: after "scheme://authority", or
 * after "scheme:" (urn:...); 0 for a relative one. */
static size_t path_start(const char *uri) {
  size_t s = scheme_length(uri);
  if (s && uri[s] == '/' && uri[s + 1] == '/')
    return s + 2 + strcspn(uri + s + 2, "/?#");
  return s;
}

static char *normalize(char *uri) {
  if (!uri)
    return NULL;
  size_t start = path_start(uri), len = strcspn(uri + start, "?#");
  size_t kept = remove_dots(uri + start, len);
  memmove(uri + start + kept, uri + start + len, strlen(uri + start + len) + 1);
  return uri;
}

static char *join(const char *base, const char *ref) {
  if (scheme_length(ref))
    return strdup(ref);
  size_t doc_len = strcspn(base, "#");
  if (ref[0] == '#' || ref[0] == '\0')
    return concat(base, doc_len, ref);
  if (ref[0] == '/') {
    size_t s = scheme_length(base);
    if (s && base[s] == '/' && base[s + 1] == '/') {
      const char *path = strchr(base + s + 2, '/');
      return concat(base, path ? (size_t)(path - base) : doc_len, ref);
    }
    return strdup(ref);
  }
  size_t dir = doc_len;
  while (dir > 0 && base[dir - 1] != '/')
    dir--;
  return concat(base, dir, ref);
}

char *uri_join(const char *base, const char *ref) {
  return normalize(join(base, ref));
}

static int add_id(iatk_validator *v, char *uri, const json_t *schema, int dynamic) {
  if (!uri)
    return IATK_ENOMEM;
  if (v->id_count == v->id_cap) {
    size_t cap = v->id_cap ? v->id_cap * 2 : 16;
    id_entry *ids = realloc(v->ids, cap * sizeof *ids);
    if (!ids) {
      free(uri);
      return IATK_ENOMEM;
    }
    v->ids = ids;
    v->id_cap = cap;
  }
  v->ids[v->id_count++] = (id_entry){uri, schema, dynamic};
  return IATK_OK;
}

/* Keywords whose values are data, not schemas: never index inside them. */
static int is_data_keyword(const char *key) {
  return !strcmp(key, "enum") || !strcmp(key, "const") ||
         !strcmp(key, "examples") || !strcmp(key, "example") ||
         !strcmp(key, "default");
}

static int index_schema(iatk_validator *v, const json_t *s, const char *base);

static int index_children(iatk_validator *v, const json_t *node, const char *base) {
  const char *key;
  json_t *child;
  size_t i;
  if (json_is_array(node)) {
    json_array_foreach(node, i, child) if (index_schema(v, child, base))
      return IATK_ENOMEM;
    return IATK_OK;
  }
  json_object_foreach((json_t *)node, key, child) {
    if (!is_data_keyword(key) && index_schema(v, child, base))
      return IATK_ENOMEM;
  }
  return IATK_OK;
}

/* Whether `$ref` replaces its siblings, $id included (draft-07 and before,
 * OpenAPI 3.0). */
static int ref_overrides(const iatk_validator *v) {
  return v->dialect != DIALECT_2019 && v->dialect != DIALECT_2020;
}

const char *ids_id_of(const iatk_validator *v, const json_t *s) {
  if (ref_overrides(v) && json_object_get(s, "$ref"))
    return NULL;
  const char *id = json_string_value(json_object_get(s, "$id"));
  if (!id && (v->dialect == DIALECT_DRAFT4 || v->dialect == DIALECT_OAS30))
    id = json_string_value(json_object_get(s, "id"));
  return id;
}

static int remember_base(iatk_validator *v, const json_t *holder, const char *base) {
  if (!*base || (!json_is_string(json_object_get(holder, "$ref")) &&
                 !json_is_string(json_object_get(holder, "$dynamicRef")) &&
                 !json_is_string(json_object_get(holder, "$recursiveRef"))))
    return IATK_OK;
  if (v->base_count == v->base_cap) {
    size_t cap = v->base_cap ? v->base_cap * 2 : 16;
    char **bases = realloc(v->bases, cap * sizeof *bases);
    if (!bases)
      return IATK_ENOMEM;
    v->bases = bases;
    v->base_cap = cap;
  }
  if (!(v->bases[v->base_count] = strdup(base)))
    return IATK_ENOMEM;
  return iatk_ptrmap_put(&v->ref_bases, holder, (int)v->base_count++);
}

int ids_note_base(iatk_validator *v, const json_t *holder, const char *base) {
  return remember_base(v, holder, base);
}

const char *ids_resource_uri(const iatk_validator *v, const json_t *s) {
  int i = iatk_ptrmap_get(&v->resources, s);
  return i >= 0 ? v->ids[i].uri : NULL;
}

const char *ids_base_of(const iatk_validator *v, const json_t *holder) {
  int i = iatk_ptrmap_get(&v->ref_bases, holder);
  return i >= 0 ? v->bases[i] : "";
}

/* `"id": "#name"` (draft-04 to -07) names a schema without changing the
 * base, as $anchor does in later drafts. */
static int index_plain_name(iatk_validator *v, const json_t *s, const char *base,
                            const char *id) {
  return add_id(v, uri_join(base, id), s, 0);
}

/* Registers base#name for an "$anchor" or a "$dynamicAnchor". */
static int add_anchor(iatk_validator *v, const json_t *s, const char *base,
                      const char *keyword) {
  const char *name = json_string_value(json_object_get(s, keyword));
  if (!name)
    return IATK_OK;
  iatk_buf frag;
  iatk_buf_init(&frag);
  iatk_buf_putc(&frag, '#');
  iatk_buf_puts(&frag, name);
  char *uri = frag.failed ? NULL : uri_join(base, frag.data);
  iatk_buf_release(&frag);
  return add_id(v, uri, s, keyword[1] == 'd');
}

static int index_object(iatk_validator *v, const json_t *s, const char *base) {
  int rc = remember_base(v, s, base);
  if (rc == IATK_OK)
    rc = add_anchor(v, s, base, "$anchor");
  if (rc == IATK_OK)
    rc = add_anchor(v, s, base, "$dynamicAnchor");
  return rc;
}

static int index_schema(iatk_validator *v, const json_t *s, const char *base) {
  if (!json_is_object(s) && !json_is_array(s))
    return IATK_OK;
  char *own_base = NULL;
  const char *id = json_is_object(s) ? ids_id_of(v, s) : NULL;
  if (id && id[0] == '#' && id[1]) {
    if (index_plain_name(v, s, base, id) != IATK_OK)
      return IATK_ENOMEM;
    id = NULL;
  }
  if (id) {
    own_base = uri_join(base, id);
    if (own_base) /* "http://x/s#" names the resource "http://x/s" */
      own_base[strcspn(own_base, "#")] = '\0';
    if (!own_base || add_id(v, strdup(own_base), s, 0) ||
        iatk_ptrmap_put(&v->resources, s, (int)v->id_count - 1))
      return free(own_base), IATK_ENOMEM;
    base = own_base;
  }
  int rc = json_is_object(s) ? index_object(v, s, base) : IATK_OK;
  if (rc == IATK_OK)
    rc = index_children(v, s, base);
  free(own_base);
  return rc;
}

int ids_build(iatk_validator *v, iatk_error *err) {
  if (index_schema(v, v->doc, "") != IATK_OK)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

static const json_t *find_exact(const iatk_validator *v, const char *uri,
                                size_t len) {
  for (size_t i = 0; i < v->id_count; i++)
    if (strlen(v->ids[i].uri) == len && !strncmp(v->ids[i].uri, uri, len))
      return v->ids[i].schema;
  /* "http://x/y.json" and "http://x/y.json#" name the same resource */
  return len == 0 ? v->doc : NULL;
}

const json_t *ids_lookup(const iatk_validator *v, const char *uri) {
  const char *hash = strchr(uri, '#');
  size_t doc_len = hash ? (size_t)(hash - uri) : strlen(uri);
  const json_t *resource = find_exact(v, uri, doc_len);
  if (!hash || !hash[1])
    return resource;
  if (hash[1] == '/')
    return resource ? iatk_pointer_get(resource, hash + 1, 1) : NULL;
  return find_exact(v, uri, strlen(uri)); /* an anchor */
}

const json_t *ids_lookup_dynamic(const iatk_validator *v, const char *base,
                                 const char *anchor) {
  size_t base_len = strcspn(base, "#"), anchor_len = strlen(anchor);
  for (size_t i = 0; i < v->id_count; i++) {
    const char *uri = v->ids[i].uri;
    if (v->ids[i].dynamic && !strncmp(uri, base, base_len) && uri[base_len] == '#' &&
        !strncmp(uri + base_len + 1, anchor, anchor_len) &&
        uri[base_len + 1 + anchor_len] == '\0')
      return v->ids[i].schema;
  }
  return NULL;
}
