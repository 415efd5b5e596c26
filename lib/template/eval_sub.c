/* Fn::Sub: "${Name}" is a variable of the list form, a parameter, a
 * pseudo parameter or a resource's Ref; "${Logical.Attr}" a Fn::GetAtt;
 * "${!Text}" the literal "${Text}". */
#include <stdlib.h>
#include <string.h>

#include "template/template_internal.h"

/* The text that replaces ${name}. */
static char *variable(iatk__eval *ev, const json_t *vars, const char *name,
                      iatk_error *err) {
  json_t *v;
  const json_t *given = json_object_get(vars, name);
  const char *dot = strchr(name, '.');
  if (given) {
    v = iatk__eval_arg(ev, given, name, err);
  } else if (dot && strncmp(name, "AWS::", 5)) {
    char *logical = strndup(name, (size_t)(dot - name));
    v = logical ? iatk__eval_get_att(ev, logical, dot + 1, err) : NULL;
    free(logical);
  } else {
    v = iatk__eval_ref(ev, name, err);
  }
  if (!v)
    return NULL;
  char *text = iatk__scalar_text(v);
  if (!text)
    iatk__eval_fail(ev, err, IATK_EJSON, "Fn::Sub: ${%s} is a %s, not a string",
                    name, json_is_array(v) ? "list" : "object");
  json_decref(v);
  return text;
}

/* Appends the substituted form of `s` to b; 0 or the error code. */
static int substitute(iatk__eval *ev, const char *s, const json_t *vars,
                      iatk_buf *b, iatk_error *err) {
  for (;;) {
    const char *open = strstr(s, "${");
    const char *close = open ? strchr(open + 2, '}') : NULL;
    if (!open || !close) {
      iatk__buf_puts(b, s);
      return IATK_OK;
    }
    iatk__buf_append(b, s, (size_t)(open - s));
    if (open[2] == '!') { /* ${!Literal} keeps "${" and drops the '!' */
      iatk__buf_puts(b, "${");
      s = open + 3;
      continue;
    }
    /* Blanks around the name are CloudFormation's too: "${ Env }". */
    const char *from = open + 2, *to = close;
    while (from < to && (*from == ' ' || *from == '\t'))
      from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t'))
      to--;
    char *name = strndup(from, (size_t)(to - from));
    char *text = name ? variable(ev, vars, name, err) : NULL;
    free(name);
    if (!text)
      return iatk__error_code(err, IATK_EJSON);
    iatk__buf_puts(b, text);
    free(text);
    s = close + 1;
  }
}

json_t *iatk__fn_sub(iatk__eval *ev, const json_t *args, iatk_error *err) {
  const json_t *text = args, *vars = NULL;
  if (json_is_array(args)) {
    text = json_array_get(args, 0);
    vars = json_array_get(args, 1);
    if (json_array_size(args) != 2 || !json_is_object(vars))
      text = NULL;
  }
  if (!json_is_string(text)) {
    iatk__eval_fail(ev, err, IATK_EJSON,
                    "Fn::Sub takes a string or [String, {Name: Value, ...}]");
    return NULL;
  }
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_reserve(&b, 1);
  json_t *r = NULL;
  if (substitute(ev, json_string_value(text), vars, &b, err) == IATK_OK)
    r = json_stringn(b.data, b.len);
  iatk__buf_release(&b);
  return r;
}
