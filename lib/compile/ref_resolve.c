/* References inside schema documents: JSON pointers, and URIs through the
 * document's $id/$anchor index, with the base URIs of schemas the compiler
 * rewrote. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"
#include "validate/validator.h"

iatk_validator *iatk__compile_samples_validator(compile_ctx *c) {
  if (!c->samples_check)
    c->samples_check = iatk__validator_create(c->schema->doc, c->schema->ids,
                                              c->plan->dialect, "#", NULL);
  return c->samples_check;
}

const char *iatk__ref_base_of(compile_ctx *c, const json_t *holder) {
  return c->samples_check ? iatk__validator_base_of(c->samples_check, holder)
                          : iatk__id_index_base_of(c->schema->ids, holder);
}

/* The note is kept by the samples validator, which judges rewritten
 * schemas too: both must resolve their references alike. */
int iatk__ref_note_base(compile_ctx *c, const json_t *holder,
                        const char *base) {
  iatk_validator *v = iatk__compile_samples_validator(c);
  return v ? iatk__validator_note_base(v, holder, base) : IATK_ENOMEM;
}

/* A reference through $id / $anchor; NULL with EREF when it names a
 * document other than this one. */
static const json_t *resolve_by_uri(compile_ctx *c, const json_t *holder,
                                    const char *ref, const char *at) {
  char *uri = iatk__uri_join(holder ? iatk__ref_base_of(c, holder) : "", ref);
  const json_t *target =
      uri ? iatk__id_index_lookup(c->schema->ids, uri) : NULL;
  free(uri);
  if (!target && ref[0] != '#')
    iatk__fail_at(c->err, IATK_EREF, at,
                  "$ref '%s' at %s names another document; only references "
                  "within the document (a JSON pointer, an $id or an $anchor "
                  "in it) are supported",
                  ref, at);
  else if (!target)
    iatk__fail_at(c->err, IATK_EREF, at, "$ref '%s' at %s does not resolve",
                  ref, at);
  return target;
}

const json_t *iatk__ref_resolve(compile_ctx *c, const json_t *holder,
                                const char *ref, const char *at) {
  int plain_pointer = ref[0] == '#' && (ref[1] == '/' || ref[1] == '\0');
  if (!plain_pointer || (holder && *iatk__ref_base_of(c, holder)))
    return resolve_by_uri(c, holder, ref, at);
  const json_t *node = iatk__pointer_get(c->schema->doc, ref + 1, 1);
  if (node)
    return node;
  iatk__fail_at(c->err, IATK_EREF, at, "$ref '%s' at %s does not resolve", ref,
                at);
  return NULL;
}

/* $dynamicRef "#name": the dynamic scope starts at the document's root
 * resource, the outermost one, so its own dynamic anchor of that name wins
 * when it has one; otherwise the reference resolves like $ref. */
const json_t *iatk__ref_resolve_dynamic(compile_ctx *c, const char *ref) {
  if (strcmp(ref, "#") == 0) /* $recursiveRef: the root, if it opts in */
    return json_is_true(json_object_get(c->schema->doc, "$recursiveAnchor"))
               ? c->schema->doc
               : NULL;
  if (ref[0] != '#' || ref[1] == '/' || ref[1] == '\0')
    return NULL;
  const char *root_id =
      json_string_value(json_object_get(c->schema->doc, "$id"));
  char *uri = iatk__uri_join(root_id ? root_id : "", ref);
  const json_t *target =
      uri ? iatk__id_index_lookup(c->schema->ids, uri) : NULL;
  free(uri);
  const char *anchor =
      json_string_value(json_object_get(target, "$dynamicAnchor"));
  return anchor && strcmp(anchor, ref + 1) == 0 ? target : NULL;
}
