/* iatk_import: the handle, and templates from files, text and cdk.out
 * folders, each imported as one stack: plan, write, then Outputs. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "template/import_internal.h"

#define MANIFEST_MAX_BYTES (4u * 1024u * 1024u)

iatk_import *iatk_import_new(iatk_registry *reg, iatk_error *err) {
  if (!reg || !iatk_registry_root(reg)) {
    iatk__fail(err, IATK_EINVAL, "templates import into a local registry tree");
    return NULL;
  }
  iatk_import *imp = calloc(1, sizeof *imp);
  if (imp) {
    imp->reg = reg;
    imp->parameters = json_object();
    imp->outputs = json_object();
    imp->skipped = iatk__strlist_new();
    imp->region = iatk__strdup("us-east-1");
    imp->account = iatk__strdup("123456789012");
  }
  if (!imp || !imp->parameters || !imp->outputs || !imp->skipped ||
      !imp->region || !imp->account) {
    iatk_import_free(imp);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return imp;
}

void iatk_import_free(iatk_import *imp) {
  if (!imp)
    return;
  json_decref(imp->parameters);
  json_decref(imp->outputs);
  iatk_strlist_free(imp->skipped);
  free(imp->stack_name);
  free(imp->region);
  free(imp->account);
  free(imp);
}

int iatk_import_set_parameter(iatk_import *imp, const char *name,
                              const char *value, iatk_error *err) {
  if (!imp || !name || !*name || !value)
    return iatk__fail(err, IATK_EINVAL, "a parameter needs a name and a value");
  return json_object_set_new(imp->parameters, name, json_string(value))
             ? iatk__fail(err, IATK_EINVAL,
                          "parameter %s: the value is not UTF-8", name)
             : IATK_OK;
}

/* Replaces *slot with a copy of value. */
static int set_text(char **slot, const char *value, iatk_error *err) {
  char *copy = iatk__strdup(value);
  if (value && !copy)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(*slot);
  *slot = copy;
  return IATK_OK;
}

int iatk_import_set_stack_name(iatk_import *imp, const char *name,
                               iatk_error *err) {
  if (!imp || (name && !*name))
    return iatk__fail(err, IATK_EINVAL, "a stack name must not be empty");
  return set_text(&imp->stack_name, name, err);
}

int iatk_import_set_region(iatk_import *imp, const char *region,
                           iatk_error *err) {
  size_t n = region ? strlen(region) : 0;
  if (!imp || !n || n > 64 ||
      strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
    return iatk__fail(err, IATK_EINVAL, "invalid region '%s'",
                      region ? region : "");
  return set_text(&imp->region, region, err);
}

int iatk_import_set_account(iatk_import *imp, const char *account,
                            iatk_error *err) {
  if (!imp || !account || strlen(account) != 12 ||
      strspn(account, "0123456789") != 12)
    return iatk__fail(err, IATK_EINVAL,
                      "invalid account ID '%s': twelve digits expected",
                      account ? account : "");
  return set_text(&imp->account, account, err);
}

void iatk_import_set_callback(iatk_import *imp, iatk_import_cb cb,
                              void *userdata) {
  if (imp) {
    imp->cb = cb;
    imp->userdata = userdata;
  }
}

const iatk_strlist *iatk_import_skipped(const iatk_import *imp) {
  return imp ? imp->skipped : NULL;
}

/* ---------------------------------------------------------------- stacks */

/* A macro transform rewrites the template in ways only CloudFormation
 * can run; AWS's own transforms (SAM, LanguageExtensions) leave the
 * EventSchemas resources as they are. */
static int check_transform(const json_t *t, const char *source,
                           iatk_error *err) {
  json_t *one =
      json_is_string(t) ? json_pack("[O]", t) : json_incref((json_t *)t);
  int rc = IATK_OK;
  for (size_t i = 0; rc == IATK_OK && i < json_array_size(one); i++) {
    const char *name = json_string_value(json_array_get(one, i));
    if (!name || strncmp(name, "AWS::", 5))
      rc = iatk__fail(err, IATK_EUNSUPPORTED,
                      "%s: Transform %s is a macro only CloudFormation can run",
                      source, name ? name : "(not a name)");
  }
  json_decref(one);
  return rc;
}

static int import_stack(iatk_import *imp, json_t *template, const char *source,
                        const char *stack, iatk_error *err) {
  iatk__stack st = {imp,  template, source, iatk__strdup(stack),
                    NULL, 0,        {0},    NULL};
  iatk__eval_init(&st.ev, template, imp->parameters);
  st.ev.stack = st.name;
  st.ev.region = imp->region;
  st.ev.account = imp->account;
  st.ev.source = source;
  int rc = st.name && st.ev.no_value
               ? IATK_OK
               : iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (rc == IATK_OK)
    rc = check_transform(json_object_get(template, "Transform"), source, err);
  if (rc == IATK_OK)
    rc = iatk__plan_stack(&st, err);
  if (rc == IATK_OK)
    rc = iatk__write_stack(&st, err);
  if (rc == IATK_OK)
    rc = iatk__eval_outputs(&st, err);
  for (size_t i = 0; i < st.count; i++) {
    free(st.res[i].registry);
    free(st.res[i].schema);
    free(st.res[i].content);
  }
  free(st.res);
  free(st.name);
  iatk__eval_release(&st.ev);
  return rc;
}

int iatk_import_text(iatk_import *imp, const char *text, size_t len,
                     const char *source, const char *stack, iatk_error *err) {
  if (!imp || !text)
    return iatk__fail(err, IATK_EINVAL, "no importer or no text");
  source = source ? source : "template";
  json_t *t = iatk__template_parse(text, len, source, err);
  if (!t)
    return iatk__error_code(err, IATK_EJSON);
  int rc = import_stack(imp, t, source, stack ? stack : "stack", err);
  json_decref(t);
  return rc;
}

/* --------------------------------------------------------------- files */

/* "dir/My-Stack.template.json" -> "My-Stack". */
static char *stack_from_path(const char *path) {
  static const char *const suffixes[] = {
      ".template.json", ".template.yaml", ".template.yml", ".template",
      ".json",          ".yaml",          ".yml"};
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    size_t s = strlen(suffixes[i]);
    if (n > s && !strcmp(base + n - s, suffixes[i])) {
      n -= s;
      break;
    }
  }
  return strndup(base, n);
}

static int import_path(iatk_import *imp, const char *path, const char *stack,
                       iatk_error *err) {
  size_t len = 0;
  char *text = iatk__read_file(path, IATK_TEMPLATE_MAX_BYTES, &len, err);
  if (!text)
    return iatk__error_code(err, IATK_EIO);
  int rc = iatk_import_text(imp, text, len, path, stack, err);
  free(text);
  return rc;
}

/* Relative and inside the folder: a manifest is input like any other. */
static int safe_relative(const char *p) {
  if (!p || !*p || *p == '/')
    return 0;
  for (const char *s = p; s; s = strchr(s, '/'), s = s ? s + 1 : NULL)
    if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
      return 0;
  return 1;
}

static int import_assembly(iatk_import *imp, const char *dir, int depth,
                           iatk_error *err);

/* One artifact of a cloud assembly: a stack, or a nested assembly (a CDK
 * Stage); anything else (assets, tree) has no template. */
static int import_artifact(iatk_import *imp, const char *dir, const char *id,
                           const json_t *art, int depth, iatk_error *err) {
  const char *type = json_string_value(json_object_get(art, "type"));
  const json_t *props = json_object_get(art, "properties");
  int nested = type && !strcmp(type, "cdk:cloud-assembly");
  if (!type || (!nested && strcmp(type, "aws:cloudformation:stack")))
    return IATK_OK;
  const char *file = json_string_value(
      json_object_get(props, nested ? "directoryName" : "templateFile"));
  if (!safe_relative(file))
    return iatk__fail(
        err, IATK_EJSON,
        "%s/manifest.json: artifact %s: its %s must be a path inside the folder",
        dir, id, nested ? "directoryName" : "templateFile");
  char *path = NULL;
  if (asprintf(&path, "%s/%s", dir, file) < 0)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  const char *stack = json_string_value(json_object_get(props, "stackName"));
  int rc = nested ? import_assembly(imp, path, depth + 1, err)
                  : import_path(imp, path, stack ? stack : id, err);
  free(path);
  return rc;
}

static int import_assembly(iatk_import *imp, const char *dir, int depth,
                           iatk_error *err) {
  if (depth > 8)
    return iatk__fail(err, IATK_ELIMIT,
                      "%s: cloud assemblies nested too deeply", dir);
  char *path = NULL;
  if (asprintf(&path, "%s/manifest.json", dir) < 0)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  size_t len = 0;
  char *text = iatk__read_file(path, MANIFEST_MAX_BYTES, &len, err);
  json_error_t jerr;
  json_t *m = text ? iatk__json_read(text, len, 0, &jerr, NULL) : NULL;
  int rc = m ? IATK_OK : iatk__error_code(err, IATK_EJSON);
  if (text && !m)
    rc = iatk__fail(err, IATK_EJSON, "%s:%d:%d: malformed JSON: %s", path,
                    jerr.line, jerr.column, jerr.text);
  const char *id;
  json_t *art;
  json_object_foreach(json_object_get(m, "artifacts"), id, art) {
    if (rc == IATK_OK)
      rc = import_artifact(imp, dir, id, art, depth, err);
  }
  json_decref(m);
  free(text);
  free(path);
  return rc;
}

int iatk_import_file(iatk_import *imp, const char *path, iatk_error *err) {
  if (!imp || !path)
    return iatk__fail(err, IATK_EINVAL, "no importer or no path");
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return import_assembly(imp, path, 0, err);
  char *stack =
      imp->stack_name ? iatk__strdup(imp->stack_name) : stack_from_path(path);
  if (!stack)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  int rc = import_path(imp, path, stack, err);
  free(stack);
  return rc;
}
