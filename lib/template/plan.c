/* What each AWS::EventSchemas resource of a stack becomes: its names,
 * its schema's type and content, and whether that content is a new
 * version.  Planned lazily and in dependency order (a schema's
 * RegistryName may be the GetAtt of a registry), all before anything is
 * written, so a template that fails anywhere writes nothing. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"
#include "template/import_internal.h"

#define TYPE_REGISTRY "AWS::EventSchemas::Registry"
#define TYPE_SCHEMA "AWS::EventSchemas::Schema"
/* CloudFormation's own limit on logical IDs. */
#define LOGICAL_ID_MAX 255

static iatk__res *find(iatk__stack *st, const char *logical) {
  for (size_t i = 0; i < st->count; i++)
    if (!strcmp(st->res[i].logical, logical))
      return &st->res[i];
  return NULL;
}

/* Fails with "SOURCE: resource LOGICAL: MESSAGE". */
static int res_fail(iatk__stack *st, const iatk__res *r, iatk_error *err,
                    int code, const char *msg) {
  char shown[IATK_REGISTRY_DISPLAY_SIZE];
  iatk__registry_display(r->logical, shown);
  return iatk__fail(err, code, "%s: resource '%s': %s", st->source, shown, msg);
}

/* Logical IDs are letters and digits (CloudFormation's rule); a name made
 * from one must not carry anything else into the tree. */
static int check_logical(iatk__stack *st, const iatk__res *r, iatk_error *err) {
  size_t n = strlen(r->logical);
  int ok = n > 0 && n <= LOGICAL_ID_MAX;
  for (size_t i = 0; ok && i < n; i++) {
    char c = r->logical[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
  }
  return ok ? IATK_OK
            : res_fail(st, r, err, IATK_ENAME,
                       "invalid logical ID: CloudFormation allows letters and "
                       "digits only, at most 255");
}

/* Evaluates Properties/<prop> into a string; *out NULL when absent. */
static int string_prop(iatk__stack *st, const iatk__res *r, const char *prop,
                       int required, char **out, size_t *len, iatk_error *err) {
  *out = NULL;
  const json_t *v =
      json_object_get(json_object_get(r->def, "Properties"), prop);
  if (!v && required) {
    char msg[160];
    snprintf(msg, sizeof msg, "Properties/%s is required", prop);
    return res_fail(st, r, err, IATK_EJSON, msg);
  }
  if (!v)
    return IATK_OK;
  char path[128];
  snprintf(path, sizeof path, "Properties/%s", prop);
  iatk__eval_begin(&st->ev, st->ev.what, path);
  json_t *value = iatk__eval_value(&st->ev, v, err);
  if (!value)
    return iatk__error_code(err, IATK_EJSON);
  int rc = IATK_OK;
  if (value == st->ev.no_value)
    rc = required ? iatk__eval_fail(&st->ev, err, IATK_EJSON,
                                    "a required property is AWS::NoValue")
                  : IATK_OK;
  else if (!json_is_string(value))
    rc = iatk__eval_fail(&st->ev, err, IATK_EJSON, "%s must be a string", prop);
  else if (strlen(json_string_value(value)) != json_string_length(value))
    rc = iatk__eval_fail(&st->ev, err,
                         strcmp(prop, "Content") ? IATK_ENAME : IATK_EJSON,
                         "%s contains a NUL character", prop);
  else if (!(*out =
                 strndup(json_string_value(value), json_string_length(value))))
    rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  else if (len)
    *len = json_string_length(value);
  json_decref(value);
  return rc;
}

/* The given name, else a generated one; checked by the tree's rules. */
static int name_prop(iatk__stack *st, iatk__res *r, const char *prop, char kind,
                     char **out, iatk_error *err) {
  int rc = string_prop(st, r, prop, 0, out, NULL, err);
  if (rc != IATK_OK)
    return rc;
  if (!*out) {
    r->generated = 1;
    *out = iatk__generated_name(st->name, r->logical,
                                kind == 'r' ? IATK_REGISTRY_NAME_MAX
                                            : IATK_SCHEMA_NAME_MAX);
    if (!*out)
      return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  iatk_error name_err;
  iatk_error_clear(&name_err);
  if (iatk_registry_check_name(kind, *out, &name_err) != IATK_OK)
    return res_fail(st, r, err, IATK_ENAME, name_err.message);
  return IATK_OK;
}

/* "arn:PARTITION:schemas:REGION:ACCOUNT:registry/NAME" -> NAME, since
 * Ref of a registry gives its ARN. */
static void registry_from_arn(char *name) {
  if (strncmp(name, "arn:", 4))
    return;
  const char *slash = strstr(name, ":registry/");
  if (slash && strstr(name, ":schemas:"))
    memmove(name, slash + 10, strlen(slash + 10) + 1);
}

static int plan_registry(iatk__stack *st, iatk__res *r, iatk_error *err) {
  int rc = name_prop(st, r, "RegistryName", 'r', &r->registry, err);
  if (rc != IATK_OK)
    return rc;
  iatk_error probe;
  iatk_error_clear(&probe);
  iatk_strlist *l = iatk_registry_list(st->imp->reg, r->registry, &probe);
  r->status = l ? IATK_IMPORT_EXISTS : IATK_IMPORT_CREATED;
  iatk_strlist_free(l);
  return IATK_OK;
}

/* The type, checked: CloudFormation accepts these two. */
static int schema_type(iatk__stack *st, iatk__res *r, iatk_error *err) {
  char *type = NULL;
  int rc = string_prop(st, r, "Type", 1, &type, NULL, err);
  if (rc != IATK_OK)
    return rc;
  r->type = iatk__registry_known_type(type);
  if (!r->type)
    rc = res_fail(st, r, err, IATK_ESCHEMA,
                  "Type must be OpenApi3 or JSONSchemaDraft4");
  free(type);
  return rc;
}

/* The content must load as a schema of its type, as a put would check. */
static int check_content(iatk__stack *st, iatk__res *r, iatk_error *err) {
  iatk_error e;
  iatk_error_clear(&e);
  iatk_schema *s =
      iatk_schema_load(r->content, r->content_len, r->type, "Content", &e);
  iatk_schema_free(s);
  return s ? IATK_OK : res_fail(st, r, err, e.code, e.message);
}

/* Compares with the latest version: same type and bytes -> unchanged. */
static int schema_version(iatk__stack *st, iatk__res *r, iatk_error *err) {
  iatk_error e;
  iatk_error_clear(&e);
  size_t len = 0;
  const char *type = NULL;
  int latest = 0;
  char *held = iatk_registry_read(st->imp->reg, r->registry, r->schema, NULL,
                                  &len, &type, &latest, &e);
  if (!held && e.code != IATK_ENOREGISTRY && e.code != IATK_ENOSCHEMA &&
      e.code != IATK_ENOVERSION)
    return res_fail(st, r, err, e.code, e.message);
  if (!held) {
    r->status = IATK_IMPORT_CREATED;
    r->version = 1;
    return IATK_OK;
  }
  int same = type && !strcmp(type, r->type) && len == r->content_len &&
             !memcmp(held, r->content, len);
  iatk_free(held);
  r->status = same ? IATK_IMPORT_UNCHANGED : IATK_IMPORT_NEW_VERSION;
  r->version = same ? latest : latest + 1;
  return IATK_OK;
}

static int plan_schema(iatk__stack *st, iatk__res *r, iatk_error *err) {
  int rc = string_prop(st, r, "RegistryName", 1, &r->registry, NULL, err);
  if (rc == IATK_OK) {
    registry_from_arn(r->registry);
    iatk_error e;
    iatk_error_clear(&e);
    if (iatk_registry_check_name('r', r->registry, &e) != IATK_OK)
      rc = res_fail(st, r, err, IATK_ENAME, e.message);
  }
  if (rc == IATK_OK)
    rc = name_prop(st, r, "SchemaName", 's', &r->schema, err);
  if (rc == IATK_OK)
    rc = schema_type(st, r, err);
  if (rc == IATK_OK)
    rc = string_prop(st, r, "Content", 1, &r->content, &r->content_len, err);
  if (rc == IATK_OK)
    rc = check_content(st, r, err);
  return rc == IATK_OK ? schema_version(st, r, err) : rc;
}

/* A resource with a Condition that is false is not created. */
static int present(iatk__stack *st, iatk__res *r, int *yes, iatk_error *err) {
  const json_t *cond = json_object_get(r->def, "Condition");
  *yes = 1;
  if (!cond)
    return IATK_OK;
  if (!json_is_string(cond))
    return res_fail(st, r, err, IATK_EJSON,
                    "Condition must be a condition name");
  iatk__eval_begin(&st->ev, st->ev.what, "Condition");
  return iatk__eval_condition(&st->ev, json_string_value(cond), yes, err);
}

/* Plans one resource, saving the evaluation's position around it: it may
 * be reached from the middle of another resource's property. */
static int plan(iatk__stack *st, iatk__res *r, iatk_error *err) {
  if (r->state == RES_DONE || r->state == RES_ABSENT)
    return IATK_OK;
  if (r->state == RES_BUSY)
    return res_fail(st, r, err, IATK_EJSON,
                    "circular reference between resources");
  r->state = RES_BUSY;
  const char *what = st->ev.what;
  char *path = iatk__strdup(st->ev.path.data ? st->ev.path.data : "");
  char shown[IATK_REGISTRY_DISPLAY_SIZE], here[IATK_REGISTRY_DISPLAY_SIZE + 16];
  iatk__registry_display(r->logical, shown);
  snprintf(here, sizeof here, "resource '%s'", shown);
  iatk__eval_begin(&st->ev, here, "");
  int yes = 0, rc = check_logical(st, r, err);
  if (rc == IATK_OK)
    rc = present(st, r, &yes, err);
  if (rc == IATK_OK && yes)
    rc = r->kind == 'r' ? plan_registry(st, r, err) : plan_schema(st, r, err);
  r->state = !yes ? RES_ABSENT : RES_DONE;
  iatk__eval_begin(&st->ev, what, path);
  free(path);
  return rc;
}

/* ------------------------------------------------- Ref and Fn::GetAtt */

static json_t *arn(iatk__stack *st, const iatk__res *r) {
  const iatk__eval *ev = &st->ev;
  const char *partition =
      ev->partition ? ev->partition : iatk__partition(ev->region);
  if (r->kind == 'r')
    return json_sprintf("arn:%s:schemas:%s:%s:registry/%s", partition,
                        ev->region, ev->account, r->registry);
  return json_sprintf("arn:%s:schemas:%s:%s:schema/%s/%s", partition,
                      ev->region, ev->account, r->registry, r->schema);
}

static json_t *attribute(iatk__stack *st, const iatk__res *r,
                         const char *attr) {
  if (!attr || !strcmp(attr, r->kind == 'r' ? "RegistryArn" : "SchemaArn"))
    return arn(st, r);
  if (r->kind == 'r' && !strcmp(attr, "RegistryName"))
    return json_string(r->registry);
  if (r->kind == 's' && !strcmp(attr, "SchemaName"))
    return json_string(r->schema);
  if (r->kind == 's' && !strcmp(attr, "SchemaVersion"))
    return json_sprintf("%d", r->version);
  return NULL;
}

static int resolve(iatk__eval *ev, const char *logical, const char *attr,
                   json_t **out, iatk_error *err) {
  iatk__stack *st = ev->userdata;
  iatk__res *r = find(st, logical);
  if (!r)
    return -1;
  int rc = plan(st, r, err);
  if (rc != IATK_OK)
    return rc;
  if (r->state == RES_ABSENT)
    return iatk__eval_fail(ev, err, IATK_EJSON,
                           "%s is not created: its Condition is false",
                           logical);
  *out = attribute(st, r, attr);
  if (*out)
    return IATK_OK;
  return iatk__eval_fail(
      ev, err, IATK_EJSON, "Fn::GetAtt %s.%s: an %s has %s", logical, attr,
      r->kind == 'r' ? TYPE_REGISTRY : TYPE_SCHEMA,
      r->kind == 'r' ? "RegistryName and RegistryArn"
                     : "SchemaArn, SchemaName and SchemaVersion");
}

/* --------------------------------------------------------------- stack */

/* Collects the EventSchemas resources, in the template's order. */
static int collect(iatk__stack *st, iatk_error *err) {
  const json_t *resources = json_object_get(st->template, "Resources");
  if (resources && !json_is_object(resources))
    return iatk__fail(err, IATK_EJSON, "%s: Resources must be a mapping",
                      st->source);
  st->res = calloc(json_object_size(resources) + 1, sizeof *st->res);
  if (!st->res)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  const char *k;
  json_t *def;
  json_object_foreach((json_t *)resources, k, def) {
    const char *type = json_string_value(json_object_get(def, "Type"));
    int kind = !type                          ? 0
               : !strcmp(type, TYPE_REGISTRY) ? 'r'
               : !strcmp(type, TYPE_SCHEMA)   ? 's'
                                              : 0;
    if (!kind)
      continue;
    iatk__res *r = &st->res[st->count++];
    r->logical = k;
    r->def = def;
    r->kind = kind;
  }
  return IATK_OK;
}

/* Two resources that would write one schema, or name one registry twice,
 * would fight in CloudFormation too. */
static int check_clashes(iatk__stack *st, iatk_error *err) {
  for (size_t i = 0; i < st->count; i++)
    for (size_t j = i + 1; j < st->count; j++) {
      iatk__res *a = &st->res[i], *b = &st->res[j];
      if (a->state != RES_DONE || b->state != RES_DONE || a->kind != b->kind ||
          strcmp(a->registry, b->registry) ||
          (a->kind == 's' && strcmp(a->schema, b->schema)))
        continue;
      return iatk__fail(
          err, IATK_EEXIST, "%s: resources '%s' and '%s' both name %s '%s%s%s'",
          st->source, a->logical, b->logical,
          a->kind == 'r' ? "registry" : "schema", a->registry,
          a->kind == 's' ? "/" : "", a->kind == 's' ? a->schema : "");
    }
  return IATK_OK;
}

int iatk__plan_stack(iatk__stack *st, iatk_error *err) {
  st->ev.resource = resolve;
  st->ev.userdata = st;
  int rc = collect(st, err);
  for (size_t i = 0; rc == IATK_OK && i < st->count; i++)
    rc = plan(st, &st->res[i], err);
  return rc == IATK_OK ? check_clashes(st, err) : rc;
}

/* ---------------------------------------------------------------- write */

static void report(iatk__stack *st, const iatk__res *r) {
  if (st->imp->cb)
    st->imp->cb(st->name, r->logical, r->registry,
                r->kind == 's' ? r->schema : NULL,
                r->kind == 's' ? r->version : 0, r->status, r->generated,
                st->imp->userdata);
}

static int write_registry(iatk__stack *st, iatk__res *r, iatk_error *err) {
  iatk_error e;
  iatk_error_clear(&e);
  int rc = iatk_registry_create(st->imp->reg, r->registry, &e);
  if (rc == IATK_EEXIST)
    r->status = IATK_IMPORT_EXISTS;
  else if (rc != IATK_OK)
    return res_fail(st, r, err, e.code, e.message);
  report(st, r);
  return IATK_OK;
}

static int write_schema(iatk__stack *st, iatk__res *r, iatk_error *err) {
  if (r->status != IATK_IMPORT_UNCHANGED) {
    iatk_error e;
    iatk_error_clear(&e);
    if (iatk_registry_put(st->imp->reg, r->registry, r->schema, r->type,
                          r->content, r->content_len, &r->version,
                          &e) != IATK_OK)
      return res_fail(st, r, err, e.code, e.message);
  }
  report(st, r);
  return IATK_OK;
}

int iatk__write_stack(iatk__stack *st, iatk_error *err) {
  int rc = IATK_OK;
  /* Registries first: a schema's registry exists before its schema. */
  for (size_t i = 0; rc == IATK_OK && i < st->count; i++)
    if (st->res[i].kind == 'r' && st->res[i].state == RES_DONE)
      rc = write_registry(st, &st->res[i], err);
  for (size_t i = 0; rc == IATK_OK && i < st->count; i++)
    if (st->res[i].kind == 's' && st->res[i].state == RES_DONE)
      rc = write_schema(st, &st->res[i], err);
  return rc;
}
