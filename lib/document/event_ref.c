/* Which schema of a document is the event: event_ref names it (an OpenAPI
 * component, a JSON Schema definition, or a pointer), and a document with
 * a single candidate needs no name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document/document.h"

/* "A, B, C" of the members of an object, for "available: ..." hints. */
static void list_names(const json_t *obj, char *out, size_t size) {
  const char *key;
  json_t *value;
  size_t used = 0;
  out[0] = '\0';
  json_object_foreach((json_t *)obj, key, value) {
    int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", key);
    if (n < 0 || (size_t)n >= size - used)
      break;
    used += (size_t)n;
  }
}

static char *fail_no_event(iatk_error *err, const char *ref,
                           const json_t *container, const char *where) {
  char names[400];
  list_names(container, names, sizeof names);
  iatk__fail_at(err, IATK_ENOEVENT, where,
                "event_ref '%s' not found: no schema named so under %s "
                "(available: %s)",
                ref, where, names[0] ? names : "none");
  return NULL;
}

static char *openapi_event_pointer(const json_t *doc, const char *ref,
                                   iatk_error *err) {
  const json_t *schemas =
      json_object_get(json_object_get(doc, "components"), "schemas");
  if (!json_is_object(schemas)) {
    iatk__fail_at(err, IATK_ESCHEMA, "#/components/schemas",
                  "OpenAPI document has no components/schemas object");
    return NULL;
  }
  if (!ref || !*ref) {
    if (json_object_size(schemas) == 1)
      return iatk__pointer_append(
          "#/components/schemas",
          json_object_iter_key(json_object_iter((json_t *)schemas)));
    char names[400];
    list_names(schemas, names, sizeof names);
    iatk__fail_at(err, IATK_ENOEVENT, "#/components/schemas",
                  "no event_ref given and the document defines %zu schemas "
                  "(%s): name one",
                  json_object_size(schemas), names);
    return NULL;
  }
  if (json_object_get(schemas, ref))
    return iatk__pointer_append("#/components/schemas", ref);
  return fail_no_event(err, ref, schemas, "#/components/schemas");
}

static char *jsonschema_event_pointer(const json_t *doc, const char *ref,
                                      iatk_error *err) {
  if (!ref || !*ref)
    return strdup("#");
  static const char *containers[] = {"definitions", "$defs"};
  for (size_t i = 0; i < 2; i++) {
    const json_t *defs = json_object_get(doc, containers[i]);
    if (json_object_get(defs, ref)) {
      char base[32];
      snprintf(base, sizeof base, "#/%s", containers[i]);
      return iatk__pointer_append(base, ref);
    }
  }
  const json_t *defs = json_object_get(doc, "definitions");
  if (!defs)
    defs = json_object_get(doc, "$defs");
  return fail_no_event(err, ref, defs, "#/definitions");
}

char *iatk__schema_event_pointer(const iatk_schema *schema, const char *ref,
                                 iatk_error *err) {
  if (ref && (ref[0] == '#' || ref[0] == '/')) {
    iatk_buf b;
    iatk__buf_init(&b);
    if (ref[0] == '/')
      iatk__buf_putc(&b, '#');
    iatk__buf_puts(&b, ref);
    return iatk__buf_steal(&b);
  }
  if (strcmp(schema->type, IATK_TYPE_OPENAPI3) == 0)
    return openapi_event_pointer(schema->doc, ref, err);
  return jsonschema_event_pointer(schema->doc, ref, err);
}
