/* JSON pointers inside schema documents: building them for messages and
 * resolving fragment references. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/compile_internal.h"
#include "validate/validate_internal.h"

char *pointer_child(const char *parent, const char *key) {
  iatk_buf b;
  iatk_buf_init(&b);
  iatk_buf_puts(&b, parent);
  iatk_buf_putc(&b, '/');
  for (const char *p = key; *p; p++) {
    if (*p == '~')
      iatk_buf_append(&b, "~0", 2);
    else if (*p == '/')
      iatk_buf_append(&b, "~1", 2);
    else
      iatk_buf_putc(&b, *p);
  }
  if (b.failed) {
    iatk_buf_release(&b);
    return NULL;
  }
  return iatk_buf_steal(&b);
}

char *pointer_index(const char *parent, size_t index) {
  char key[32];
  snprintf(key, sizeof key, "%zu", index);
  return pointer_child(parent, key);
}

iatk_validator *compile_index(compile_ctx *c) {
  if (!c->samples_check)
    c->samples_check = validator_create(c->schema->doc, c->plan->dialect, "#", NULL);
  return c->samples_check;
}

/* A reference through $id / $anchor; NULL with EREF when it names a
 * document other than this one. */
static const json_t *resolve_by_uri(compile_ctx *c, const json_t *holder,
                                    const char *ref, const char *at) {
  iatk_validator *index = compile_index(c);
  char *uri = index ? uri_join(holder ? ids_base_of(index, holder) : "", ref) : NULL;
  const json_t *target = uri ? ids_lookup(index, uri) : NULL;
  free(uri);
  if (!target && ref[0] != '#')
    iatk_fail_at(c->err, IATK_EREF, at,
                 "$ref '%s' at %s names another document; only references "
                 "within the document (a JSON pointer, an $id or an $anchor "
                 "in it) are supported",
                 ref, at);
  else if (!target)
    iatk_fail_at(c->err, IATK_EREF, at, "$ref '%s' at %s does not resolve", ref, at);
  return target;
}

const json_t *ref_resolve(compile_ctx *c, const json_t *holder,
                          const char *ref, const char *at) {
  int plain_pointer = ref[0] == '#' && (ref[1] == '/' || ref[1] == '\0');
  iatk_validator *index = plain_pointer && holder ? compile_index(c) : NULL;
  if (!plain_pointer || (index && *ids_base_of(index, holder)))
    return resolve_by_uri(c, holder, ref, at);
  const json_t *node = iatk_pointer_get(c->schema->doc, ref + 1, 1);
  if (node)
    return node;
  iatk_fail_at(c->err, IATK_EREF, at, "$ref '%s' at %s does not resolve", ref,
               at);
  return NULL;
}

/* $dynamicRef "#name": the dynamic scope starts at the document's root
 * resource, the outermost one, so its own dynamic anchor of that name wins
 * when it has one; otherwise the reference resolves like $ref. */
const json_t *ref_resolve_dynamic(compile_ctx *c, const char *ref) {
  if (strcmp(ref, "#") == 0) /* $recursiveRef: the root, if it opts in */
    return json_is_true(json_object_get(c->schema->doc, "$recursiveAnchor"))
               ? c->schema->doc : NULL;
  if (ref[0] != '#' || ref[1] == '/' || ref[1] == '\0')
    return NULL;
  iatk_validator *index = compile_index(c);
  const char *root_id = json_string_value(json_object_get(c->schema->doc, "$id"));
  char *uri = index ? uri_join(root_id ? root_id : "", ref) : NULL;
  const json_t *target = uri ? ids_lookup(index, uri) : NULL;
  free(uri);
  const char *anchor = json_string_value(json_object_get(target, "$dynamicAnchor"));
  return anchor && strcmp(anchor, ref + 1) == 0 ? target : NULL;
}
