/* The plan object: node storage, choosing the event inside a document, and
 * the public compile entry point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"
#include "compile/compile_internal.h"
#include "validate/validator.h"

int iatk__plan_add_node(iatk_plan *plan, char *pointer) {
  if (IATK_ARRAY_GROW(plan->nodes, plan->cap, plan->count + 1,
                      PLAN_MAX_NODES) != IATK_OK)
    return -1;
  plan_node *n = &plan->nodes[plan->count];
  memset(n, 0, sizeof *n);
  n->pointer = pointer;
  n->types = JT_ANY;
  n->obj.additional = n->arr.items = NO_NODE;
  n->arr.max_items = n->str.max_length = n->obj.max_properties = -1;
  n->arr.contains = NO_NODE;
  n->escape_variant = -1;
  return (int)plan->count++;
}

void iatk__plan_release_nodes(iatk_plan *plan) {
  for (size_t i = 0; i < plan->count; i++) {
    plan_node *n = &plan->nodes[i];
    free(n->pointer);
    free(n->const_text);
    for (size_t e = 0; n->enum_texts && e < json_array_size(n->enum_values);
         e++)
      free(n->enum_texts[e].text);
    free(n->enum_texts);
    free(n->sample_text.text);
    free(n->unsat_reason);
    free(n->str.pattern);
    iatk__rx_free(n->str.rx);
    json_decref(n->enum_values);
    json_decref(n->samples);
    for (size_t p = 0; p < n->obj.prop_count; p++) {
      free(n->obj.props[p].name);
      free(n->obj.props[p].member.text);
      free(n->obj.props[p].needs);
    }
    for (size_t p = 0; p < n->obj.pattern_prop_count; p++) {
      free(n->obj.pattern_props[p].pattern);
      iatk__rx_free(n->obj.pattern_props[p].rx);
    }
    free(n->obj.pattern_props);
    free(n->obj.name_pattern);
    json_decref(n->obj.name_values);
    iatk__rx_free(n->obj.name_rx);
    free(n->obj.props);
    free(n->variants);
    free(n->arr.prefix);
  }
  free(plan->nodes);
  plan->nodes = NULL;
  plan->count = plan->cap = 0;
}

void iatk_plan_free(iatk_plan *plan) {
  if (!plan)
    return;
  iatk__plan_release_nodes(plan);
  json_decref(plan->doc);
  iatk__id_index_unref(plan->ids);
  free(plan->detail_type);
  free(plan->source);
  free(plan->pointer);
  free(plan);
}

const char *iatk_plan_detail_type(const iatk_plan *plan) {
  return plan ? plan->detail_type : NULL;
}

const char *iatk_plan_source(const iatk_plan *plan) {
  return plan ? plan->source : NULL;
}

const char *iatk_plan_pointer(const iatk_plan *plan) {
  return plan ? plan->pointer : NULL;
}

/* ------------------------------------------- text the generator copies */

/* What every event writes the same way is made once here, not per event:
 * each member's `,"name":` with the name escaped, the compact JSON of
 * enum values and of the first sample (what iatk__json_write would write
 * for them each time). */
static int steal_text(iatk_buf *b, plan_text *out) {
  out->text = iatk__buf_take(b, &out->len);
  return out->text ? 0 : -1;
}

static int value_text(const json_t *v, plan_text *out) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__json_write(&b, v);
  return steal_text(&b, out);
}

static int member_text(const plan_prop *p, plan_text *out) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_putc(&b, ',');
  iatk__buf_json_string(&b, p->name, p->name_len);
  iatk__buf_putc(&b, ':');
  return steal_text(&b, out);
}

static int prepare_node_texts(plan_node *n) {
  for (size_t i = 0; i < n->obj.prop_count; i++)
    if (member_text(&n->obj.props[i], &n->obj.props[i].member) != 0)
      return -1;
  size_t count = json_array_size(n->enum_values);
  if (count && !(n->enum_texts = calloc(count, sizeof *n->enum_texts)))
    return -1;
  for (size_t i = 0; i < count; i++)
    if (value_text(json_array_get(n->enum_values, i), &n->enum_texts[i]) != 0)
      return -1;
  if (json_array_size(n->samples) &&
      value_text(json_array_get(n->samples, 0), &n->sample_text) != 0)
    return -1;
  n->const_len = n->const_text ? strlen(n->const_text) : 0;
  return 0;
}

int iatk__plan_prepare_texts(iatk_plan *plan, iatk_error *err) {
  for (size_t i = 0; i < plan->count; i++)
    if (prepare_node_texts(&plan->nodes[i]) != 0)
      return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

static char *string_member(const json_t *a, const json_t *b, const char *key) {
  const char *s = json_string_value(json_object_get(a, key));
  if (!s)
    s = json_string_value(json_object_get(b, key));
  return s ? strdup(s) : NULL;
}

/* Whether `value` is a string the node takes as it is: a plain string
 * schema (no const, enum, pattern, format or branches) that its length
 * bounds admit.  Anything more is left to the generator's own values. */
static int takes_plain_string(const plan_node *n, const char *value) {
  size_t len = 0;
  for (const unsigned char *p = (const unsigned char *)value; *p; p++)
    len += (*p & 0xc0) != 0x80; /* code points, as minLength counts */
  return (n->types & JT_STRING) && !n->const_text && !n->enum_values &&
         !n->str.pattern && n->str.format == FMT_NONE && !n->variant_count &&
         (int64_t)len >= n->str.min_length &&
         (n->str.max_length < 0 || (int64_t)len <= n->str.max_length);
}

/* An EventBridge event declares its `source` and `detail-type`
 * (x-amazon-events-source, -detail-type): in sample and random modes the
 * event carries them, as every real event of the type does, instead of
 * made-up text that the eventbridge context would have to keep (it keeps
 * non-empty values, so that a --set before it wins).  Barebone keeps
 * AWS IATK's "".  Only a property written inline in the event is given
 * the value: a node reached through $ref may serve other places too. */
static void declare_envelope(compile_ctx *c, const char *name,
                             const char *value) {
  const plan_node *root = &c->plan->nodes[c->plan->root];
  for (size_t i = 0; value && i < root->obj.prop_count; i++) {
    const plan_prop *prop = &root->obj.props[i];
    if (strcmp(prop->name, name) != 0 || prop->node == NO_NODE)
      continue;
    plan_node *n = &c->plan->nodes[prop->node];
    size_t base = strlen(c->plan->pointer);
    int inline_here = strncmp(n->pointer, c->plan->pointer, base) == 0 &&
                      strncmp(n->pointer + base, "/properties/", 12) == 0;
    json_t *v = json_string(value);
    if (inline_here && v && n->samples && takes_plain_string(n, value) &&
        json_array_insert(n->samples, 0, v) == 0)
      n->declared = 1;
    json_decref(v);
  }
}

static int compile_root(compile_ctx *c, const char *event_ref) {
  char *pointer = iatk__schema_event_pointer(c->schema, event_ref, c->err);
  if (!pointer)
    return iatk__error_code(c->err, IATK_ENOMEM);
  c->plan->pointer = strdup(pointer);
  if (!c->plan->pointer) {
    free(pointer);
    return iatk__compile_oom(c);
  }
  iatk_error *outer = c->err, local;
  iatk_error_clear(&local);
  c->err = &local; /* an unresolvable root is "event not found", not EREF */
  const json_t *root = iatk__ref_resolve(c, NULL, pointer, pointer);
  c->err = outer;
  if (!root) {
    iatk__fail_at(outer, local.code == IATK_EREF ? IATK_ENOEVENT : local.code,
                  pointer,
                  "event_ref '%s' not found: %s does not exist in the document",
                  event_ref ? event_ref : "", pointer);
    free(pointer);
    return iatk__error_code(outer, IATK_ENOEVENT);
  }
  c->plan->detail_type =
      string_member(root, c->schema->doc, "x-amazon-events-detail-type");
  c->plan->source =
      string_member(root, c->schema->doc, "x-amazon-events-source");
  c->plan->root = iatk__compile_node(c, root, pointer);
  if (c->plan->root < 0)
    return iatk__error_code(c->err, IATK_ENOMEM);
  declare_envelope(c, "source", c->plan->source);
  declare_envelope(c, "detail-type", c->plan->detail_type);
  return IATK_OK;
}

/* 2019-09, 2020-12 and OpenAPI 3.1 apply a $ref's sibling keywords;
 * earlier drafts and OpenAPI 3.0 ignore them. */
static int refs_apply_with_siblings(dialect d) {
  return d == DIALECT_2019 || d == DIALECT_2020 || d == DIALECT_OAS31;
}

iatk_plan *iatk_compile(const iatk_schema *schema, const char *event_ref,
                        iatk_error *err) {
  if (!schema) {
    iatk__fail(err, IATK_EINVAL, "no schema given");
    return NULL;
  }
  iatk_plan *plan = calloc(1, sizeof *plan);
  compile_ctx c = {.schema = schema,
                   .plan = plan,
                   .err = err,
                   .owned = json_array(),
                   .names_node = -1};
  iatk__ptrmap_init(&c.memo);
  int rc =
      plan && c.owned ? IATK_OK : iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (rc == IATK_OK) {
    plan->dialect = schema->dialect;
    plan->openapi = schema->dialect == DIALECT_OAS30;
    plan->openapi_formats =
        schema->dialect == DIALECT_OAS30 || schema->dialect == DIALECT_OAS31;
    plan->doc = json_incref(schema->doc);
    plan->ids = iatk__id_index_ref(schema->ids);
    plan->refs_with_siblings = refs_apply_with_siblings(schema->dialect);
    rc = compile_root(&c, event_ref);
  }
  if (rc == IATK_OK)
    rc = iatk__plan_analyse(plan, err);
  if (rc == IATK_OK)
    rc = iatk__plan_prepare_texts(plan, err);
  iatk__ptrmap_release(&c.memo);
  iatk_validator_free(c.samples_check);
  iatk__regex_cache_free(c.regexes);
  json_decref(c.names);
  json_decref(c.owned);
  if (rc != IATK_OK) {
    iatk_plan_free(plan);
    return NULL;
  }
  return plan;
}
