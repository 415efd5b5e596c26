/* Intrinsic functions evaluated without a deployed stack: the dispatch,
 * Ref, Fn::GetAtt and the condition functions.  A value that only
 * CloudFormation could compute (a resource's runtime attribute, an
 * export of another stack) is an EUNSUPPORTED error that names where it
 * was met. */
#include <stdlib.h>
#include <string.h>

#include "template/template_internal.h"

/* Deep enough for any real template, shallow enough for the C stack. */
#define MAX_EVAL_DEPTH 400

void iatk__eval_init(iatk__eval *ev, const json_t *template,
                     const json_t *parameters) {
  memset(ev, 0, sizeof *ev);
  ev->template = template;
  ev->parameters = parameters;
  ev->stack = "stack";
  ev->region = "us-east-1";
  ev->account = "123456789012";
  iatk__buf_init(&ev->path);
  ev->no_value = json_object();
}

void iatk__eval_release(iatk__eval *ev) {
  iatk__buf_release(&ev->path);
  json_decref(ev->no_value);
  ev->no_value = NULL;
}

void iatk__eval_begin(iatk__eval *ev, const char *what, const char *path) {
  ev->what = what;
  iatk__buf_reset(&ev->path);
  iatk__buf_puts(&ev->path, path ? path : "");
}

/* Fills err with "SOURCE: WHAT, at PATH: MESSAGE", or "at PATH: MESSAGE"
 * when nothing is named (an output's reason to be skipped). */
static int fail(iatk__eval *ev, iatk_error *err, int code, const char *msg) {
  const char *path = ev->path.data && ev->path.len ? ev->path.data : "";
  if (!ev->what)
    return iatk__fail_at(err, code, path, "%s%s%s%s", *path ? "at " : "", path,
                         *path ? ": " : "", msg);
  return iatk__fail_at(err, code, path, "%s: %s%s%s: %s",
                       ev->source ? ev->source : "template", ev->what,
                       *path ? ", at " : "", path, msg);
}

int iatk__eval_fail(iatk__eval *ev, iatk_error *err, int code, const char *fmt,
                    ...) {
  char msg[IATK_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return fail(ev, err, code, msg);
}

/* Appends "/seg" to the path; returns the old length for pop(). */
static size_t push(iatk__eval *ev, const char *seg) {
  size_t old = ev->path.len;
  if (old)
    iatk__buf_putc(&ev->path, '/');
  iatk__buf_puts(&ev->path, seg);
  return old;
}

static void pop(iatk__eval *ev, size_t old) {
  ev->path.len = old;
  if (ev->path.data)
    ev->path.data[old] = '\0';
}

json_t *iatk__eval_arg(iatk__eval *ev, const json_t *v, const char *seg,
                       iatk_error *err) {
  size_t old = push(ev, seg);
  json_t *r = iatk__eval_value(ev, v, err);
  if (r)
    pop(ev, old);
  return r;
}

char *iatk__scalar_text(const json_t *v) {
  char num[64];
  if (json_is_string(v))
    return iatk__strdup(json_string_value(v));
  if (json_is_integer(v)) {
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return iatk__strdup(num);
  }
  if (json_is_real(v)) {
    iatk_buf b;
    iatk__buf_init(&b);
    iatk__buf_double(&b, json_real_value(v));
    return iatk__buf_steal(&b);
  }
  if (json_is_boolean(v))
    return iatk__strdup(json_is_true(v) ? "true" : "false");
  return NULL;
}

/* ---------------------------------------------------------------- Ref */

/* A pseudo parameter's value, or NULL when `name` is none we can give. */
static json_t *pseudo(iatk__eval *ev, const char *name, int *known) {
  *known = 1;
  if (!strcmp(name, "AWS::Region"))
    return json_string(ev->region);
  if (!strcmp(name, "AWS::AccountId"))
    return json_string(ev->account);
  if (!strcmp(name, "AWS::StackName"))
    return json_string(ev->stack);
  if (!strcmp(name, "AWS::Partition"))
    return json_string(ev->partition ? ev->partition
                                     : iatk__partition(ev->region));
  if (!strcmp(name, "AWS::URLSuffix"))
    return json_string(ev->url_suffix ? ev->url_suffix
                                      : iatk__url_suffix(ev->region));
  if (!strcmp(name, "AWS::NoValue"))
    return json_incref(ev->no_value);
  *known = !strncmp(name, "AWS::", 5) ? -1 : 0;
  return NULL;
}

/* A parameter's value: --parameter, else its Default; a list type is
 * split at commas as CloudFormation does. */
static json_t *parameter(iatk__eval *ev, const char *name, const json_t *decl,
                         iatk_error *err) {
  const char *type = json_string_value(json_object_get(decl, "Type"));
  const json_t *given = json_object_get(ev->parameters, name);
  const json_t *value = given ? given : json_object_get(decl, "Default");
  if (type && !strncmp(type, "AWS::SSM::Parameter::", 21) && !given) {
    iatk__eval_fail(
        ev, err, IATK_EUNSUPPORTED,
        "Ref %s: parameter of type %s is read from SSM by a deployed stack; "
        "give --parameter %s=VALUE",
        name, type, name);
    return NULL;
  }
  char *text = value ? iatk__scalar_text(value) : NULL;
  if (!text) {
    iatk__eval_fail(ev, err, IATK_EUNSUPPORTED,
                    "Ref %s: the parameter has no value and no Default; give "
                    "--parameter %s=VALUE",
                    name, name);
    return NULL;
  }
  json_t *r;
  if (type &&
      (!strcmp(type, "CommaDelimitedList") || !strncmp(type, "List<", 5))) {
    json_t *args = json_pack("[ss]", ",", text);
    r = iatk__fn_split(ev, args, err);
    json_decref(args);
  } else {
    r = json_string(text);
  }
  free(text);
  return r;
}

json_t *iatk__eval_ref(iatk__eval *ev, const char *name, iatk_error *err) {
  int known;
  json_t *r = pseudo(ev, name, &known);
  if (known > 0)
    return r;
  if (known < 0) {
    iatk__eval_fail(ev, err, IATK_EUNSUPPORTED, "Ref %s needs a deployed stack",
                    name);
    return NULL;
  }
  const json_t *decl =
      json_object_get(json_object_get(ev->template, "Parameters"), name);
  if (decl)
    return parameter(ev, name, decl, err);
  if (json_object_get(json_object_get(ev->template, "Resources"), name))
    return iatk__eval_get_att(ev, name, NULL, err);
  iatk__eval_fail(
      ev, err, IATK_EJSON,
      "Ref %s: no parameter, pseudo parameter or resource of that name", name);
  return NULL;
}

json_t *iatk__eval_get_att(iatk__eval *ev, const char *logical,
                           const char *attr, iatk_error *err) {
  const json_t *res =
      json_object_get(json_object_get(ev->template, "Resources"), logical);
  if (!json_is_object(res)) {
    iatk__eval_fail(ev, err, IATK_EJSON, "%s %s%s%s: no resource of that name",
                    attr ? "Fn::GetAtt" : "Ref", logical, attr ? "." : "",
                    attr ? attr : "");
    return NULL;
  }
  json_t *out = NULL;
  int rc = ev->resource ? ev->resource(ev, logical, attr, &out, err) : -1;
  if (rc == IATK_OK)
    return out;
  if (rc != -1)
    return NULL;
  const char *type = json_string_value(json_object_get(res, "Type"));
  iatk__eval_fail(ev, err, IATK_EUNSUPPORTED,
                  "%s %s%s%s needs a deployed stack (%s is an %s)",
                  attr ? "Fn::GetAtt" : "Ref", logical, attr ? "." : "",
                  attr ? attr : "", logical, type ? type : "untyped resource");
  return NULL;
}

static json_t *fn_ref(iatk__eval *ev, const json_t *args, iatk_error *err) {
  if (!json_is_string(args)) {
    fail(ev, err, IATK_EJSON, "Ref takes a name");
    return NULL;
  }
  return iatk__eval_ref(ev, json_string_value(args), err);
}

/* Fn::GetAtt [A, B] or "A.B"; the attribute may itself be a Ref. */
static json_t *fn_get_att(iatk__eval *ev, const json_t *args, iatk_error *err) {
  if (json_is_string(args)) {
    const char *s = json_string_value(args), *dot = strchr(s, '.');
    if (dot) {
      char *logical = strndup(s, (size_t)(dot - s));
      json_t *r =
          logical ? iatk__eval_get_att(ev, logical, dot + 1, err) : NULL;
      free(logical);
      return r;
    }
  }
  if (!json_is_array(args) || json_array_size(args) != 2 ||
      !json_is_string(json_array_get(args, 0))) {
    fail(ev, err, IATK_EJSON, "Fn::GetAtt takes [LogicalId, Attribute]");
    return NULL;
  }
  json_t *attr = iatk__eval_arg(ev, json_array_get(args, 1), "1", err);
  if (!attr)
    return NULL;
  json_t *r = NULL;
  if (!json_is_string(attr))
    fail(ev, err, IATK_EJSON, "Fn::GetAtt: the attribute name is not a string");
  else
    r = iatk__eval_get_att(ev, json_string_value(json_array_get(args, 0)),
                           json_string_value(attr), err);
  json_decref(attr);
  return r;
}

/* ----------------------------------------------------------- conditions */

int iatk__eval_condition(iatk__eval *ev, const char *name, int *out,
                         iatk_error *err) {
  const json_t *cond =
      json_object_get(json_object_get(ev->template, "Conditions"), name);
  if (!cond)
    return iatk__eval_fail(ev, err, IATK_EJSON, "no condition named '%s'",
                           name);
  size_t old = push(ev, "Condition");
  json_t *v = iatk__eval_value(ev, cond, err);
  if (!v)
    return iatk__error_code(err, IATK_EJSON);
  pop(ev, old);
  int rc = json_is_boolean(v)
               ? IATK_OK
               : iatk__eval_fail(ev, err, IATK_EJSON,
                                 "condition '%s' is not a boolean", name);
  *out = json_is_true(v);
  json_decref(v);
  return rc;
}

/* A condition operand: {"Condition": name} or any boolean expression. */
static int operand(iatk__eval *ev, const json_t *v, const char *seg, int *out,
                   iatk_error *err) {
  const json_t *name =
      json_object_size(v) == 1 ? json_object_get(v, "Condition") : NULL;
  if (json_is_string(name))
    return iatk__eval_condition(ev, json_string_value(name), out, err);
  json_t *r = iatk__eval_arg(ev, v, seg, err);
  if (!r)
    return iatk__error_code(err, IATK_EJSON);
  int rc = json_is_boolean(r) ? IATK_OK
                              : fail(ev, err, IATK_EJSON,
                                     "a condition operand is not a boolean");
  *out = json_is_true(r);
  json_decref(r);
  return rc;
}

static json_t *fn_if(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const json_t *name = json_array_get(args, 0);
  if (json_array_size(args) != 3 || !json_is_string(name)) {
    fail(ev, err, IATK_EJSON, "Fn::If takes [Condition, IfTrue, IfFalse]");
    return NULL;
  }
  int yes;
  if (iatk__eval_condition(ev, json_string_value(name), &yes, err) != IATK_OK)
    return NULL;
  return iatk__eval_arg(ev, json_array_get(args, yes ? 1 : 2), yes ? "1" : "2",
                        err);
}

static json_t *fn_equals(iatk__eval *ev, const json_t *args, iatk_error *err) {
  if (json_array_size(args) != 2) {
    fail(ev, err, IATK_EJSON, "Fn::Equals takes [Value1, Value2]");
    return NULL;
  }
  json_t *a = iatk__eval_arg(ev, json_array_get(args, 0), "0", err);
  json_t *b = a ? iatk__eval_arg(ev, json_array_get(args, 1), "1", err) : NULL;
  json_t *r = NULL;
  if (b) {
    /* CloudFormation compares as strings: "1" equals 1. */
    char *ta = iatk__scalar_text(a), *tb = iatk__scalar_text(b);
    r = json_boolean(ta && tb ? !strcmp(ta, tb) : json_equal(a, b));
    free(ta);
    free(tb);
  }
  json_decref(a);
  json_decref(b);
  return r;
}

/* Fn::And (all), Fn::Or (any), Fn::Not (one operand). */
static json_t *logic(iatk__eval *ev, const json_t *args, int kind,
                     iatk_error *err) {
  size_t n = json_array_size(args);
  if (!json_is_array(args) || (kind == 'n' ? n != 1 : n < 1)) {
    fail(ev, err, IATK_EJSON,
         kind == 'n' ? "Fn::Not takes [Condition]"
                     : "Fn::And / Fn::Or take a list of conditions");
    return NULL;
  }
  int acc = kind == 'a';
  for (size_t i = 0; i < n; i++) {
    char seg[24];
    int v;
    snprintf(seg, sizeof seg, "%zu", i);
    if (operand(ev, json_array_get(args, i), seg, &v, err) != IATK_OK)
      return NULL;
    acc = kind == 'a' ? acc && v : kind == 'o' ? acc || v : !v;
  }
  return json_boolean(acc);
}

static json_t *fn_and(iatk__eval *ev, const json_t *a, iatk_error *err) {
  return logic(ev, a, 'a', err);
}
static json_t *fn_or(iatk__eval *ev, const json_t *a, iatk_error *err) {
  return logic(ev, a, 'o', err);
}
static json_t *fn_not(iatk__eval *ev, const json_t *a, iatk_error *err) {
  return logic(ev, a, 'n', err);
}

static json_t *fn_condition(iatk__eval *ev, const json_t *args,
                            iatk_error *err) {
  int v;
  if (!json_is_string(args)) {
    fail(ev, err, IATK_EJSON, "Condition takes a condition name");
    return NULL;
  }
  return iatk__eval_condition(ev, json_string_value(args), &v, err) == IATK_OK
             ? json_boolean(v)
             : NULL;
}

/* Functions whose value only exists in a deployed account. */
static json_t *deployed_only(iatk__eval *ev, const char *fn, iatk_error *err) {
  iatk__eval_fail(ev, err, IATK_EUNSUPPORTED, "%s needs a deployed stack", fn);
  return NULL;
}
static json_t *fn_import_value(iatk__eval *ev, const json_t *a,
                               iatk_error *err) {
  (void)a;
  return deployed_only(ev, "Fn::ImportValue", err);
}
static json_t *fn_transform(iatk__eval *ev, const json_t *a, iatk_error *err) {
  (void)a;
  return deployed_only(ev, "Fn::Transform (a macro)", err);
}

/* ------------------------------------------------------------- dispatch */

typedef json_t *(*fn_t)(iatk__eval *, const json_t *, iatk_error *);

#define IATK_TEMPLATE_FUNCTIONS(XX)                                            \
  XX("Ref", fn_ref)                                                            \
  XX("Fn::GetAtt", fn_get_att)                                                 \
  XX("Fn::Sub", iatk__fn_sub)                                                  \
  XX("Fn::Join", iatk__fn_join)                                                \
  XX("Fn::Select", iatk__fn_select)                                            \
  XX("Fn::Split", iatk__fn_split)                                              \
  XX("Fn::Base64", iatk__fn_base64)                                            \
  XX("Fn::ToJsonString", iatk__fn_to_json_string)                              \
  XX("Fn::FindInMap", iatk__fn_find_in_map)                                    \
  XX("Fn::GetAZs", iatk__fn_get_azs)                                           \
  XX("Fn::Length", iatk__fn_length)                                            \
  XX("Fn::Cidr", iatk__fn_cidr)                                                \
  XX("Fn::If", fn_if)                                                          \
  XX("Fn::Equals", fn_equals)                                                  \
  XX("Fn::And", fn_and)                                                        \
  XX("Fn::Or", fn_or)                                                          \
  XX("Fn::Not", fn_not)                                                        \
  XX("Condition", fn_condition)                                                \
  XX("Fn::ImportValue", fn_import_value)                                       \
  XX("Fn::Transform", fn_transform)

static fn_t find_function(const char *key) {
#define IATK_XX_FN(name, fn)                                                   \
  if (!strcmp(key, name))                                                      \
    return fn;
  IATK_TEMPLATE_FUNCTIONS(IATK_XX_FN)
#undef IATK_XX_FN
  return NULL;
}

/* An object of one key that names a function; "Condition" counts only
 * where a condition is expected (a property may be called Condition). */
static int is_call(const json_t *v, const char **key) {
  if (json_object_size(v) != 1)
    return 0;
  void *it = json_object_iter((json_t *)v);
  *key = json_object_iter_key(it);
  return !strcmp(*key, "Ref") || !strncmp(*key, "Fn::", 4);
}

static json_t *call(iatk__eval *ev, const char *key, const json_t *args,
                    iatk_error *err) {
  fn_t fn = find_function(key);
  if (!fn) {
    iatk__eval_fail(ev, err, IATK_EJSON, "unknown intrinsic function %s", key);
    return NULL;
  }
  size_t old = push(ev, key);
  json_t *r = fn(ev, args, err);
  if (r)
    pop(ev, old);
  return r;
}

static json_t *eval_object(iatk__eval *ev, const json_t *v, iatk_error *err) {
  json_t *out = json_object();
  const char *k;
  json_t *item;
  json_object_foreach((json_t *)v, k, item) {
    json_t *r = iatk__eval_arg(ev, item, k, err);
    if (!r) {
      json_decref(out);
      return NULL;
    }
    if (r != ev->no_value)
      json_object_set(out, k, r);
    json_decref(r);
  }
  return out;
}

static json_t *eval_array(iatk__eval *ev, const json_t *v, iatk_error *err) {
  json_t *out = json_array();
  for (size_t i = 0; i < json_array_size(v); i++) {
    char seg[24];
    snprintf(seg, sizeof seg, "%zu", i);
    json_t *r = iatk__eval_arg(ev, json_array_get(v, i), seg, err);
    if (!r) {
      json_decref(out);
      return NULL;
    }
    if (r != ev->no_value)
      json_array_append(out, r);
    json_decref(r);
  }
  return out;
}

json_t *iatk__eval_value(iatk__eval *ev, const json_t *v, iatk_error *err) {
  if (ev->depth >= MAX_EVAL_DEPTH) {
    fail(ev, err, IATK_ELIMIT, "intrinsic functions nested too deeply");
    return NULL;
  }
  const char *key;
  json_t *r;
  ev->depth++;
  if (json_is_object(v) && is_call(v, &key))
    r = call(ev, key, json_object_get(v, key), err);
  else if (json_is_object(v))
    r = eval_object(ev, v, err);
  else if (json_is_array(v))
    r = eval_array(ev, v, err);
  else
    r = json_incref((json_t *)v);
  ev->depth--;
  return r;
}
