/* Private parts of lib/template/: CloudFormation, SAM and CDK templates
 * read into jansson, their intrinsic functions evaluated where that needs
 * no deployed stack, and their EventSchemas resources imported into a
 * registry.  Layered above lib/registry.  Not installed. */
#ifndef IATK_TEMPLATE_INTERNAL_H
#define IATK_TEMPLATE_INTERNAL_H

#include <stddef.h>

#include "common/internal.h"

/* Largest template read (CloudFormation's own limit is 1 MB for a body in
 * S3; CDK output stays far below this), deepest nesting, and how many
 * values a YAML document may expand to once its aliases are followed:
 * the guard against "billion laughs" documents. */
#define IATK_TEMPLATE_MAX_BYTES (8u * 1024u * 1024u)
#define IATK_TEMPLATE_MAX_DEPTH 200
#define IATK_TEMPLATE_MAX_NODES 1000000u

/* ------------------------------------------------------------- reading */

/* Parses YAML text (CloudFormation's dialect: short-form tags such as
 * !Ref, !GetAtt A.B, !Sub become their long Fn:: form) into a new JSON
 * value.  `name` is for messages ("t.yaml:3:5: ...").  EJSON for malformed
 * text, ELIMIT for depth or alias expansion past the limits. */
json_t *iatk__yaml_parse(const char *text, size_t len, const char *name,
                         iatk_error *err);
/* JSON when the text starts with '{' (after blanks), else YAML; the
 * result is an object.  EJSON with line:column. */
json_t *iatk__template_parse(const char *text, size_t len, const char *name,
                             iatk_error *err);

/* ----------------------------------------------------------- evaluating */

typedef struct iatk__eval iatk__eval;

/* Answers Ref (attr NULL) and Fn::GetAtt of a resource: sets *out to a new
 * reference and returns IATK_OK; returns -1 (err untouched) for a resource
 * it does not know, which then needs a deployed stack; else fails. */
typedef int (*iatk__resource_fn)(iatk__eval *ev, const char *logical,
                                 const char *attr, json_t **out,
                                 iatk_error *err);

/* What intrinsic functions are evaluated against. */
struct iatk__eval {
  const json_t *template;   /* the whole template (borrowed) */
  const json_t *parameters; /* --parameter values: name -> string */
  const char *stack, *region, *account, *partition, *url_suffix;
  iatk__resource_fn resource;
  void *userdata;
  const char *source; /* the template's name, for messages */
  const char *what;   /* "resource MySchema", "output X", for messages */
  iatk_buf path;      /* where in `what` evaluation is: "Properties/Content" */
  json_t *no_value;   /* the value of Ref AWS::NoValue (a unique object) */
  int depth;
};

void iatk__eval_init(iatk__eval *ev, const json_t *template,
                     const json_t *parameters);
void iatk__eval_release(iatk__eval *ev);
/* Sets what is being evaluated and resets the path. */
void iatk__eval_begin(iatk__eval *ev, const char *what, const char *path);
/* Evaluates `v` into a new value with every intrinsic function replaced
 * by its result; ev->no_value where Ref AWS::NoValue removes it.  NULL
 * with err filled: EUNSUPPORTED when it needs a deployed stack, EJSON when
 * a function is malformed. */
json_t *iatk__eval_value(iatk__eval *ev, const json_t *v, iatk_error *err);
/* Evaluates the template's condition `name` into *out (0 or 1). */
int iatk__eval_condition(iatk__eval *ev, const char *name, int *out,
                         iatk_error *err);
/* Fills err with "SOURCE: WHAT, at PATH: MESSAGE" and returns `code`. */
int iatk__eval_fail(iatk__eval *ev, iatk_error *err, int code, const char *fmt,
                    ...) IATK_PRINTF(4, 5);
/* Evaluates an argument under path segment `seg`. */
json_t *iatk__eval_arg(iatk__eval *ev, const json_t *v, const char *seg,
                       iatk_error *err);

/* The functions proper (eval_fns.c, eval_sub.c): `args` is the function's
 * unevaluated argument. */
json_t *iatk__fn_sub(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_join(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_select(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_split(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_base64(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_to_json_string(iatk__eval *ev, const json_t *args,
                                iatk_error *err);
json_t *iatk__fn_find_in_map(iatk__eval *ev, const json_t *args,
                             iatk_error *err);
json_t *iatk__fn_get_azs(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_length(iatk__eval *ev, const json_t *args, iatk_error *err);
json_t *iatk__fn_cidr(iatk__eval *ev, const json_t *args, iatk_error *err);
/* Ref / Fn::GetAtt of a name: parameters, pseudo parameters, resources. */
json_t *iatk__eval_ref(iatk__eval *ev, const char *name, iatk_error *err);
json_t *iatk__eval_get_att(iatk__eval *ev, const char *logical,
                           const char *attr, iatk_error *err);
/* A scalar as text (strings as they are, numbers and booleans written as
 * CloudFormation writes them); NULL for anything else. */
char *iatk__scalar_text(const json_t *v);

/* --------------------------------------------------------------- names */

/* "<logicalId>-<12 letters and digits>", the suffix a pure function of
 * the stack name and logical ID, cut to `max` characters as CloudFormation
 * does for EventSchemas names.  Caller frees. */
char *iatk__generated_name(const char *stack, const char *logical, size_t max);
/* "aws", "aws-cn" or "aws-us-gov" for a region; and its URL suffix. */
const char *iatk__partition(const char *region);
const char *iatk__url_suffix(const char *region);

#endif
