/* The set (RFC 6901 pointer assignment) and merge (RFC 7386 merge patch)
 * contexts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"

/* ------------------------------------------------------- pointer walking */

/* Splits "/a/b~1c" into decoded tokens; returns the count or -1 when a '~'
 * is not followed by 0 or 1.  The tokens live in `json` (an array). */
static int split_pointer(const char *p, json_t *tokens) {
  iatk_buf token;
  iatk__buf_init(&token);
  while (*p == '/') {
    if (iatk__pointer_token(&p, 0, &token) != 0) {
      iatk__buf_release(&token);
      return -1;
    }
    json_t *decoded = json_stringn(token.data, token.len);
    if (!decoded || json_array_append_new(tokens, decoded)) {
      iatk__buf_release(&token);
      return -2; /* not UTF-8 */
    }
  }
  iatk__buf_release(&token);
  return (int)json_array_size(tokens);
}

static int fail_pointer(iatk_error *err, const char *pointer, const char *why) {
  return iatk__fail_at(err, IATK_EPOINTER, pointer, "cannot set %s: %s",
                       pointer, why);
}

/* What to create for a missing member: an array when the next token
 * indexes one ("-" or a number), else an object. */
static json_t *container_for(const char *next) {
  return iatk__pointer_index(next, 0) >= 0 ? json_array() : json_object();
}

/* Steps into (or creates) the child `token` of `parent`, or assigns
 * `value` there when `next` is NULL (the last token). */
static json_t *step(json_t *parent, const char *token, const char *next,
                    json_t *value, const char *pointer, iatk_error *err) {
  if (json_is_object(parent)) {
    json_t *child = json_object_get(parent, token);
    if (!next || !child) {
      child = !next ? json_incref(value) : container_for(next);
      json_object_set_new(parent, token, child);
    }
    return child;
  }
  if (!json_is_array(parent)) {
    fail_pointer(err, pointer,
                 "a member on the way is neither an object nor an array");
    return NULL;
  }
  long i = iatk__pointer_index(token, json_array_size(parent));
  if (i < 0) {
    char why[200];
    snprintf(why, sizeof why,
             "'%.60s' is not an array index (use a number or '-' to append)",
             token);
    fail_pointer(err, pointer, why);
    return NULL;
  }
  if ((size_t)i > json_array_size(parent)) {
    fail_pointer(err, pointer, "array index out of range (use '-' to append)");
    return NULL;
  }
  json_t *child = !next ? json_incref(value) : container_for(next);
  if ((size_t)i == json_array_size(parent))
    json_array_append_new(parent, child);
  else if (!next)
    json_array_set_new(parent, (size_t)i, child);
  else {
    json_decref(child);
    child = json_array_get(parent, (size_t)i);
  }
  return child;
}

int iatk__pointer_set(json_t *doc, const char *pointer, json_t *value,
                      iatk_error *err) {
  if (pointer[0] == '\0') { /* the whole event */
    if (!json_is_object(value) || !json_is_object(doc))
      return fail_pointer(err, "\"\"",
                          "the whole event can only be replaced by an object");
    json_object_clear(doc);
    return json_object_update(doc, value)
               ? iatk__fail(err, IATK_ENOMEM, "out of memory")
               : IATK_OK;
  }
  json_t *tokens = json_array();
  int n = tokens ? split_pointer(pointer, tokens) : -1;
  json_t *node = doc;
  for (int i = 0; node && i < n; i++)
    node = step(node, json_string_value(json_array_get(tokens, (size_t)i)),
                i + 1 < n
                    ? json_string_value(json_array_get(tokens, (size_t)i + 1))
                    : NULL,
                value, pointer, err);
  json_decref(tokens);
  if (n == -2)
    return fail_pointer(err, pointer, "a token is not valid UTF-8");
  if (n < 0)
    return fail_pointer(err, pointer, "'~' must be followed by 0 or 1");
  return node ? IATK_OK : iatk__error_code(err, IATK_EPOINTER);
}

/* ------------------------------------------------------------- set */

typedef struct set_data {
  char *pointer;
  json_t *value;
} set_data;

static void set_free(void *userdata) {
  set_data *d = userdata;
  if (!d)
    return;
  free(d->pointer);
  json_decref(d->value);
  free(d);
}

static int set_apply(json_t *event, void *userdata, iatk_error *err) {
  const set_data *d = userdata;
  /* a copy per event: a later step may edit what this one put there, and
   * event i must not depend on event i-1 */
  json_t *value = json_deep_copy(d->value);
  int rc = value ? iatk__pointer_set(event, d->pointer, value, err)
                 : iatk__fail(err, IATK_ENOMEM, "out of memory");
  json_decref(value);
  return rc;
}

static int parse_assignment(const char *assignment, set_data *d,
                            iatk_error *err) {
  const char *eq = assignment ? strchr(assignment, '=') : NULL;
  if (!eq)
    return iatk__fail(err, IATK_EPOINTER,
                      "invalid --set '%s': expected /json/pointer=JSON",
                      assignment ? assignment : "");
  if (eq != assignment && assignment[0] != '/')
    return iatk__fail(
        err, IATK_EPOINTER,
        "invalid --set '%s': the JSON pointer must start with '/'", assignment);
  json_error_t jerr;
  d->value = json_loads(eq + 1, JSON_DECODE_ANY, &jerr);
  if (!d->value)
    return iatk__fail(err, IATK_EINVAL,
                      "invalid --set '%s': the value is not JSON (%d:%d: %s); "
                      "quote strings, e.g. /name='\"text\"'",
                      assignment, jerr.line, jerr.column, jerr.text);
  if (eq == assignment && !json_is_object(d->value))
    return iatk__fail(
        err, IATK_EPOINTER,
        "invalid --set '%s': the whole event can only be replaced "
        "by an object",
        assignment);
  d->pointer = strndup(assignment, (size_t)(eq - assignment));
  return d->pointer ? IATK_OK : iatk__fail(err, IATK_ENOMEM, "out of memory");
}

static int check_pointer_syntax(const char *pointer, iatk_error *err) {
  for (const char *p = pointer; *p; p++)
    if (*p == '~' && p[1] != '0' && p[1] != '1')
      return iatk__fail(err, IATK_EPOINTER,
                        "invalid JSON pointer '%s': '~' must be followed by 0 "
                        "or 1",
                        pointer);
  return IATK_OK;
}

int iatk__set_context_make(const char *assignment, builtin_context *out,
                           iatk_error *err) {
  set_data *d = calloc(1, sizeof *d);
  if (!d)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  int rc = parse_assignment(assignment, d, err);
  if (rc == IATK_OK)
    rc = check_pointer_syntax(d->pointer, err);
  if (rc != IATK_OK) {
    set_free(d);
    return rc;
  }
  /* its text form: the same assignment as a splice of the event text */
  set_text *text = iatk__set_text_new(d->pointer, d->value);
  if (!text) {
    set_free(d);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  *out = (builtin_context){
      set_apply, d, set_free, iatk__set_text_apply, text, iatk__set_text_free};
  return IATK_OK;
}

/* ------------------------------------------------------------- merge */

static void merge_patch(json_t *target, const json_t *patch) {
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)patch, key, value) {
    json_t *old = json_object_get(target, key);
    if (json_is_null(value)) {
      json_object_del(target, key);
    } else if (json_is_object(value) && json_is_object(old)) {
      merge_patch(old, value);
    } else if (json_is_object(value)) {
      json_t *fresh = json_object();
      merge_patch(fresh, value); /* drops nulls nested in the patch */
      json_object_set_new(target, key, fresh);
    } else {
      json_object_set_new(target, key,
                          json_deep_copy(value)); /* see set_apply */
    }
  }
}

static int merge_apply(json_t *event, void *userdata, iatk_error *err) {
  if (!json_is_object(event))
    return iatk__fail(err, IATK_ECONTEXT, "the event is not a JSON object");
  merge_patch(event, userdata);
  return IATK_OK;
}

static void merge_free(void *userdata) { json_decref(userdata); }

int iatk__merge_context_make(const char *patch_json, builtin_context *out,
                             iatk_error *err) {
  json_error_t jerr;
  json_t *patch = patch_json ? json_loads(patch_json, 0, &jerr) : NULL;
  if (!patch)
    return iatk__fail_at(
        err, IATK_EJSON, "<merge patch>",
        "merge patch is not valid JSON: %d:%d: %s", patch_json ? jerr.line : 0,
        patch_json ? jerr.column : 0, patch_json ? jerr.text : "no text");
  if (!json_is_object(patch)) {
    json_decref(patch);
    return iatk__fail(err, IATK_EINVAL, "merge patch must be a JSON object");
  }
  /* no text form: a merge patch works on the parsed event */
  *out = (builtin_context){merge_apply, patch, merge_free, NULL, NULL, NULL};
  return IATK_OK;
}
