/* A stack's Outputs, evaluated where no deployed stack is needed, and
 * merged into an outputs file shaped as `cdk deploy --outputs-file`
 * writes it: {"<stack>": {"<OutputKey>": "<value>"}}. */
#include <stdlib.h>
#include <string.h>

#include "template/import_internal.h"

/* An output's value as text: CloudFormation outputs are strings, a list
 * is joined with commas. */
static char *output_text(const json_t *v) {
  if (!json_is_array(v))
    return iatk__scalar_text(v);
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_reserve(&b, 1);
  for (size_t i = 0; i < json_array_size(v); i++) {
    char *item = iatk__scalar_text(json_array_get(v, i));
    if (!item) {
      iatk__buf_release(&b);
      return NULL;
    }
    iatk__buf_puts(&b, i ? "," : "");
    iatk__buf_puts(&b, item);
    free(item);
  }
  return iatk__buf_steal(&b);
}

static void skip(iatk__stack *st, const char *key, const char *why) {
  iatk_buf line;
  iatk__buf_init(&line);
  iatk__buf_printf(&line, "%s.%s: %s", st->name, key, why);
  if (!line.failed)
    iatk__strlist_push(st->imp->skipped, line.data);
  iatk__buf_release(&line);
}

/* Evaluates one output into `into`; what cannot be evaluated is skipped
 * with the reason, which is no failure of the import. */
static int one_output(iatk__stack *st, const char *key, const json_t *def,
                      json_t *into, iatk_error *err) {
  /* Unnamed: a skipped output's reason reads "at Value/Ref: ...". */
  const char *what = NULL;
  iatk__eval_begin(&st->ev, what, "Condition");
  iatk_error e;
  iatk_error_clear(&e);
  int yes = 1;
  const json_t *cond = json_object_get(def, "Condition");
  if (json_is_string(cond) &&
      iatk__eval_condition(&st->ev, json_string_value(cond), &yes, &e) !=
          IATK_OK) {
    skip(st, key, e.message);
    return IATK_OK;
  }
  if (!yes)
    return IATK_OK;
  iatk__eval_begin(&st->ev, what, "Value");
  json_t *v = iatk__eval_value(&st->ev, json_object_get(def, "Value"), &e);
  char *text = v ? output_text(v) : NULL;
  json_decref(v);
  if (!v && e.code == IATK_ENOMEM)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (!text)
    skip(st, key, v ? "the value is not a string" : e.message);
  else
    json_object_set_new(into, key, json_string(text));
  free(text);
  return IATK_OK;
}

int iatk__eval_outputs(iatk__stack *st, iatk_error *err) {
  const json_t *outputs = json_object_get(st->template, "Outputs");
  if (!outputs)
    return IATK_OK;
  if (!json_is_object(outputs))
    return iatk__fail(err, IATK_EJSON, "%s: Outputs must be a mapping",
                      st->source);
  json_t *into = json_object_get(st->imp->outputs, st->name);
  if (!into) {
    into = json_object();
    json_object_set_new(st->imp->outputs, st->name, into);
  }
  const char *key;
  json_t *def;
  int rc = IATK_OK;
  json_object_foreach((json_t *)outputs, key, def) {
    if (rc == IATK_OK)
      rc = one_output(st, key, def, into, err);
  }
  return rc;
}

/* The existing file's object, or a new one; EJSON when it is something
 * other than stacks of outputs. */
static json_t *read_existing(const char *text, size_t len, iatk_error *err) {
  if (!text || !len)
    return json_object();
  json_error_t jerr;
  json_t *v = iatk__json_read(text, len, 0, &jerr, NULL);
  if (!v) {
    iatk__fail(err, IATK_EJSON, "the outputs file is not JSON: %d:%d: %s",
               jerr.line, jerr.column, jerr.text);
    return NULL;
  }
  const char *k;
  json_t *stack;
  int ok = json_is_object(v);
  json_object_foreach(v, k, stack) ok = ok && json_is_object(stack);
  if (ok)
    return v;
  json_decref(v);
  iatk__fail(
      err, IATK_EJSON,
      "the outputs file is not shaped as {\"<stack>\": {\"<key>\": \"<value>\"}}");
  return NULL;
}

char *iatk_import_outputs(iatk_import *imp, const char *existing, size_t len,
                          iatk_error *err) {
  if (!imp) {
    iatk__fail(err, IATK_EINVAL, "no importer");
    return NULL;
  }
  json_t *file = read_existing(existing, len, err);
  if (!file)
    return NULL;
  const char *name, *key;
  json_t *stack, *value;
  json_object_foreach(imp->outputs, name, stack) {
    json_t *into = json_object_get(file, name);
    if (!into) {
      into = json_object();
      json_object_set_new(file, name, into);
    }
    json_object_foreach(stack, key, value) json_object_set(into, key, value);
  }
  iatk_buf compact, pretty;
  iatk__buf_init(&compact);
  iatk__buf_init(&pretty);
  iatk__json_write(&compact, file);
  iatk__json_indent(&pretty, compact.data, compact.len);
  iatk__buf_putc(&pretty, '\n');
  json_decref(file);
  int failed = compact.failed || pretty.failed;
  iatk__buf_release(&compact);
  if (failed) {
    iatk__buf_release(&pretty);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return iatk__buf_steal(&pretty);
}
