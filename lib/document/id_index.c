/* Schema resources inside one document: "$id"/"id" and "$anchor" make
 * schemas addressable by URI, and $ref is resolved against the base URI in
 * force.  Only the document itself is searched: nothing is fetched. */
#include <stdlib.h>
#include <string.h>

#include "document/document.h"
#include "document/keywords.h"

typedef struct id_entry {
  char *uri; /* absolute-ish: base without fragment, or base#anchor */
  const json_t *schema;
  int dynamic; /* base#anchor made by "$dynamicAnchor" */
} id_entry;

struct id_index {
  json_t *doc;
  dialect dialect;       /* the validation dialect (OpenAPI 3.1: 2020-12) */
  int refs;              /* owners: the schema, plans, validators */
  iatk_ptrmap ref_bases; /* object with $ref -> index in bases (lexical base) */
  iatk_ptrmap resources; /* object with $id -> index in ids (its URI) */
  char **bases;
  size_t base_count, base_cap;
  id_entry *ids;
  size_t id_count, id_cap;
};

static int add_id(id_index *v, char *uri, const json_t *schema, int dynamic) {
  if (!uri)
    return IATK_ENOMEM;
  if (IATK_ARRAY_GROW(v->ids, v->id_cap, v->id_count + 1, SIZE_MAX) !=
      IATK_OK) {
    free(uri);
    return IATK_ENOMEM;
  }
  v->ids[v->id_count++] = (id_entry){uri, schema, dynamic};
  return IATK_OK;
}

/* Keywords whose values are data, not schemas: never index inside them. */
static int is_data_keyword(const char *key) {
  const schema_keyword *k = iatk__schema_keyword_find(key);
  return k && (k->flags & KW_DATA);
}

static int index_schema(id_index *v, const json_t *s, const char *base);

static int index_children(id_index *v, const json_t *node, const char *base) {
  const char *key;
  json_t *child;
  size_t i;
  if (json_is_array(node)) {
    json_array_foreach(
        node, i, child) if (index_schema(v, child, base)) return IATK_ENOMEM;
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
static int ref_overrides(const id_index *v) {
  return v->dialect != DIALECT_2019 && v->dialect != DIALECT_2020;
}

const char *iatk__id_index_id_of(const id_index *v, const json_t *s) {
  if (ref_overrides(v) && json_object_get(s, "$ref"))
    return NULL;
  const char *id = json_string_value(json_object_get(s, "$id"));
  if (!id && (v->dialect == DIALECT_DRAFT4 || v->dialect == DIALECT_OAS30))
    id = json_string_value(json_object_get(s, "id"));
  return id;
}

static int remember_base(id_index *v, const json_t *holder, const char *base) {
  if (!*base || (!json_is_string(json_object_get(holder, "$ref")) &&
                 !json_is_string(json_object_get(holder, "$dynamicRef")) &&
                 !json_is_string(json_object_get(holder, "$recursiveRef"))))
    return IATK_OK;
  if (IATK_ARRAY_GROW(v->bases, v->base_cap, v->base_count + 1, SIZE_MAX) !=
      IATK_OK)
    return IATK_ENOMEM;
  if (!(v->bases[v->base_count] = strdup(base)))
    return IATK_ENOMEM;
  return iatk__ptrmap_put(&v->ref_bases, holder, (int)v->base_count++);
}

const char *iatk__id_index_resource_uri(const id_index *v, const json_t *s) {
  int i = iatk__ptrmap_get(&v->resources, s);
  return i >= 0 ? v->ids[i].uri : NULL;
}

const char *iatk__id_index_base_of(const id_index *v, const json_t *holder) {
  int i = iatk__ptrmap_get(&v->ref_bases, holder);
  return i >= 0 ? v->bases[i] : "";
}

/* `"id": "#name"` (draft-04 to -07) names a schema without changing the
 * base, as $anchor does in later drafts. */
static int index_plain_name(id_index *v, const json_t *s, const char *base,
                            const char *id) {
  return add_id(v, iatk__uri_join(base, id), s, 0);
}

/* Registers base#name for an "$anchor" or a "$dynamicAnchor". */
static int add_anchor(id_index *v, const json_t *s, const char *base,
                      const char *keyword) {
  const char *name = json_string_value(json_object_get(s, keyword));
  if (!name)
    return IATK_OK;
  iatk_buf frag;
  iatk__buf_init(&frag);
  iatk__buf_putc(&frag, '#');
  iatk__buf_puts(&frag, name);
  char *uri = frag.failed ? NULL : iatk__uri_join(base, frag.data);
  iatk__buf_release(&frag);
  return add_id(v, uri, s, keyword[1] == 'd');
}

static int index_object(id_index *v, const json_t *s, const char *base) {
  int rc = remember_base(v, s, base);
  if (rc == IATK_OK)
    rc = add_anchor(v, s, base, "$anchor");
  if (rc == IATK_OK)
    rc = add_anchor(v, s, base, "$dynamicAnchor");
  return rc;
}

static int index_schema(id_index *v, const json_t *s, const char *base) {
  if (!json_is_object(s) && !json_is_array(s))
    return IATK_OK;
  char *own_base = NULL;
  const char *id = json_is_object(s) ? iatk__id_index_id_of(v, s) : NULL;
  if (id && id[0] == '#' && id[1]) {
    if (index_plain_name(v, s, base, id) != IATK_OK)
      return IATK_ENOMEM;
    id = NULL;
  }
  if (id) {
    own_base = iatk__uri_join(base, id);
    if (own_base) /* "http://x/s#" names the resource "http://x/s" */
      own_base[strcspn(own_base, "#")] = '\0';
    if (!own_base || add_id(v, strdup(own_base), s, 0) ||
        iatk__ptrmap_put(&v->resources, s, (int)v->id_count - 1))
      return free(own_base), IATK_ENOMEM;
    base = own_base;
  }
  int rc = json_is_object(s) ? index_object(v, s, base) : IATK_OK;
  if (rc == IATK_OK)
    rc = index_children(v, s, base);
  free(own_base);
  return rc;
}

static void release(id_index *v) {
  for (size_t i = 0; i < v->id_count; i++)
    free(v->ids[i].uri);
  free(v->ids);
  for (size_t i = 0; i < v->base_count; i++)
    free(v->bases[i]);
  free(v->bases);
  iatk__ptrmap_release(&v->ref_bases);
  iatk__ptrmap_release(&v->resources);
  json_decref(v->doc);
  free(v);
}

id_index *iatk__id_index_build(json_t *doc, dialect d, iatk_error *err) {
  id_index *v = calloc(1, sizeof *v);
  if (!v) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  v->doc = json_incref(doc);
  v->dialect = iatk__schema_validation_dialect(d);
  v->refs = 1;
  if (index_schema(v, v->doc, "") != IATK_OK) {
    release(v);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return v;
}

id_index *iatk__id_index_ref(id_index *v) {
  if (v)
    __atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
  return v;
}

void iatk__id_index_unref(id_index *v) {
  if (v && __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL) == 0)
    release(v);
}

static const json_t *find_exact(const id_index *v, const char *uri,
                                size_t len) {
  for (size_t i = 0; i < v->id_count; i++)
    if (strlen(v->ids[i].uri) == len && !strncmp(v->ids[i].uri, uri, len))
      return v->ids[i].schema;
  /* "http://x/y.json" and "http://x/y.json#" name the same resource */
  return len == 0 ? v->doc : NULL;
}

const json_t *iatk__id_index_lookup(const id_index *v, const char *uri) {
  const char *hash = strchr(uri, '#');
  size_t doc_len = hash ? (size_t)(hash - uri) : strlen(uri);
  const json_t *resource = find_exact(v, uri, doc_len);
  if (!hash || !hash[1])
    return resource;
  if (hash[1] == '/')
    return resource ? iatk__pointer_get(resource, hash + 1, 1) : NULL;
  return find_exact(v, uri, strlen(uri)); /* an anchor */
}

const json_t *iatk__id_index_lookup_dynamic(const id_index *v, const char *base,
                                            const char *anchor) {
  size_t base_len = strcspn(base, "#"), anchor_len = strlen(anchor);
  for (size_t i = 0; i < v->id_count; i++) {
    const char *uri = v->ids[i].uri;
    if (v->ids[i].dynamic && !strncmp(uri, base, base_len) &&
        uri[base_len] == '#' &&
        !strncmp(uri + base_len + 1, anchor, anchor_len) &&
        uri[base_len + 1 + anchor_len] == '\0')
      return v->ids[i].schema;
  }
  return NULL;
}
