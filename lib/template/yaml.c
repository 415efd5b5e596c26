/* CloudFormation YAML into jansson, through libyaml's event parser.
 *
 * Events rather than libyaml's document loader, because the loader
 * expands nothing but also bounds nothing: an alias is a shared node, and
 * turning shared nodes into a JSON tree is where a "billion laughs"
 * document explodes.  Here every value carries its expanded size, an alias
 * adds its anchor's size, and the total is capped
 * (IATK_TEMPLATE_MAX_NODES); aliased values are shared by reference, never
 * copied, and never modified afterwards.
 *
 * Short-form tags become the long form: `!Ref X` -> {"Ref": "X"},
 * `!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]}, `!Sub s` -> {"Fn::Sub": s},
 * `!Condition c` -> {"Condition": "c"}, and so on. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "template/template_internal.h"

/* The short-form tags CloudFormation knows, X-macro style: the tag after
 * '!' and the long key it becomes. */
#define IATK_YAML_TAGS(XX)                                                     \
  XX("Ref", "Ref")                                                             \
  XX("Condition", "Condition")                                                 \
  XX("GetAtt", "Fn::GetAtt")                                                   \
  XX("Sub", "Fn::Sub")                                                         \
  XX("Join", "Fn::Join")                                                       \
  XX("Select", "Fn::Select")                                                   \
  XX("Split", "Fn::Split")                                                     \
  XX("If", "Fn::If")                                                           \
  XX("Equals", "Fn::Equals")                                                   \
  XX("And", "Fn::And")                                                         \
  XX("Or", "Fn::Or")                                                           \
  XX("Not", "Fn::Not")                                                         \
  XX("Base64", "Fn::Base64")                                                   \
  XX("GetAZs", "Fn::GetAZs")                                                   \
  XX("ImportValue", "Fn::ImportValue")                                         \
  XX("FindInMap", "Fn::FindInMap")                                             \
  XX("Cidr", "Fn::Cidr")                                                       \
  XX("Transform", "Fn::Transform")                                             \
  XX("ToJsonString", "Fn::ToJsonString")                                       \
  XX("Length", "Fn::Length")                                                   \
  XX("ForEach", "Fn::ForEach")

typedef struct frame {
  json_t *value; /* the object or array being built */
  char *key;     /* an object's pending key, NULL when a key is due */
  char *tag;     /* the node's tag, applied when it ends */
  char *anchor;  /* the node's anchor, registered when it ends */
  size_t size;   /* expanded size so far */
  size_t line, column;
} frame;

typedef struct anchor {
  char *name;
  json_t *value;
  size_t size;
} anchor;

typedef struct builder {
  const char *name;
  frame stack[IATK_TEMPLATE_MAX_DEPTH + 1];
  int depth;
  anchor *anchors;
  size_t anchor_count, anchor_cap;
  size_t total; /* expanded values so far */
  json_t *root;
  int documents;
  iatk_error *err;
} builder;

static int fail_at(builder *b, yaml_mark_t m, int code, const char *what) {
  char where[IATK_ERROR_WHERE_SIZE];
  snprintf(where, sizeof where, "%s:%zu:%zu", b->name, m.line + 1,
           m.column + 1);
  int rc = iatk__fail_at(b->err, code, where, "%s: %s", where, what);
  if (b->err && b->err->line == 0) {
    b->err->line = (int)m.line + 1;
    b->err->column = (int)m.column + 1;
  }
  return rc;
}

/* The long form of a short tag, or NULL. */
static const char *long_form(const char *tag) {
#define IATK_XX_TAG(short_name, long_name)                                     \
  if (strcmp(tag, "!" short_name) == 0)                                        \
    return long_name;
  IATK_YAML_TAGS(IATK_XX_TAG)
#undef IATK_XX_TAG
  return NULL;
}

/* `!GetAtt A.B` -> ["A", "B"]: the attribute is everything after the
 * first dot (attributes such as Endpoint.Address have dots). */
static json_t *get_att_list(json_t *scalar) {
  const char *s = json_string_value(scalar);
  const char *dot = s ? strchr(s, '.') : NULL;
  if (!dot)
    return json_incref(scalar);
  return json_pack("[s#s]", s, (int)(dot - s), dot + 1);
}

/* Applies a node's tag: wraps it into its function, or checks a standard
 * tag.  Steals `v`; NULL with the error set. */
static json_t *apply_tag(builder *b, const char *tag, json_t *v,
                         yaml_mark_t m) {
  if (!tag || !strcmp(tag, "!") || !strncmp(tag, "tag:yaml.org,2002:", 18))
    return v;
  const char *key = long_form(tag);
  if (!key) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "unknown tag '%.200s' (CloudFormation knows !Ref, !GetAtt, "
             "!Sub, !Join, ...)",
             tag);
    json_decref(v);
    fail_at(b, m, IATK_EJSON, msg);
    return NULL;
  }
  if (!strcmp(key, "Fn::GetAtt") && json_is_string(v)) {
    json_t *list = get_att_list(v);
    json_decref(v);
    v = list;
  }
  json_t *wrapped = json_object();
  if (!wrapped || json_object_set_new(wrapped, key, v) != 0) {
    json_decref(wrapped);
    return NULL;
  }
  return wrapped;
}

static int is_plain(const yaml_event_t *e) {
  return e->data.scalar.plain_implicit &&
         e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A number when the whole text is one, as YAML 1.2's core schema reads
 * it; NULL otherwise. */
static json_t *plain_number(const char *s) {
  char *end;
  if (!*s || strchr(" \t", *s))
    return NULL;
  errno = 0;
  if (strspn(s + (*s == '-' || *s == '+'), "0123456789") ==
      strlen(s + (*s == '-' || *s == '+'))) {
    long long n = strtoll(s, &end, 10);
    if (!*end && errno == 0)
      return json_integer(n);
  }
  if (strpbrk(s, "0123456789") && !strpbrk(s, "xXnNiI_:")) {
    double d = strtod(s, &end);
    if (!*end && errno == 0 && isfinite(d))
      return json_real(d);
  }
  return NULL;
}

/* A plain scalar's value by the core schema: null, booleans, numbers,
 * else the string.  Quoted scalars and tagged ones are strings. */
static json_t *scalar_value(const yaml_event_t *e) {
  const char *s = (const char *)e->data.scalar.value;
  size_t n = e->data.scalar.length;
  if (!is_plain(e))
    return json_stringn(s, n);
  if (!n || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
      !strcmp(s, "NULL"))
    return json_null();
  if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
    return json_true();
  if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
    return json_false();
  json_t *number = strlen(s) == n ? plain_number(s) : NULL;
  return number ? number : json_stringn(s, n);
}

static int add_anchor(builder *b, const char *name, json_t *v, size_t size) {
  if (IATK_ARRAY_GROW(b->anchors, b->anchor_cap, b->anchor_count + 1,
                      SIZE_MAX) != IATK_OK)
    return iatk__fail(b->err, IATK_ENOMEM, "out of memory");
  /* A later anchor of the same name hides an earlier one (YAML 1.2). */
  anchor *a = &b->anchors[b->anchor_count++];
  a->name = iatk__strdup(name);
  a->value = json_incref(v);
  a->size = size;
  return a->name ? IATK_OK : iatk__fail(b->err, IATK_ENOMEM, "out of memory");
}

static const anchor *find_anchor(const builder *b, const char *name) {
  for (size_t i = b->anchor_count; i-- > 0;)
    if (!strcmp(b->anchors[i].name, name))
      return &b->anchors[i];
  return NULL;
}

/* Counts `size` more expanded values against the limit. */
static int count(builder *b, size_t size, yaml_mark_t m) {
  b->total += size;
  if (size <= IATK_TEMPLATE_MAX_NODES && b->total <= IATK_TEMPLATE_MAX_NODES)
    return IATK_OK;
  char msg[200];
  snprintf(msg, sizeof msg,
           "the document expands to more than %u values through its "
           "aliases (refused: an alias bomb?)",
           IATK_TEMPLATE_MAX_NODES);
  return fail_at(b, m, IATK_ELIMIT, msg);
}

/* Puts a finished value (reference stolen) where it belongs: the root, an
 * array's next item, an object's pending key, or an object's next key. */
static int place(builder *b, json_t *v, size_t size, yaml_mark_t m) {
  if (!v)
    return iatk__fail(b->err, IATK_ENOMEM, "out of memory");
  if (b->depth == 0) {
    b->root = v;
    return IATK_OK;
  }
  frame *f = &b->stack[b->depth - 1];
  f->size += size;
  if (json_is_array(f->value))
    return json_array_append_new(f->value, v)
               ? iatk__fail(b->err, IATK_ENOMEM, "out of memory")
               : IATK_OK;
  if (!f->key) {
    const char *k = json_string_value(v);
    int rc = k ? IATK_OK
               : fail_at(b, m, IATK_EJSON, "a mapping key must be a string");
    if (k && !(f->key = iatk__strdup(k)))
      rc = iatk__fail(b->err, IATK_ENOMEM, "out of memory");
    json_decref(v);
    return rc;
  }
  if (json_object_get(f->value, f->key)) {
    char msg[300];
    snprintf(msg, sizeof msg, "duplicate key '%.200s'", f->key);
    json_decref(v);
    return fail_at(b, m, IATK_EJSON, msg);
  }
  int rc = json_object_set_new(f->value, f->key, v);
  free(f->key);
  f->key = NULL;
  return rc ? iatk__fail(b->err, IATK_ENOMEM, "out of memory") : IATK_OK;
}

/* A finished node: tag applied, anchor registered, placed. */
static int finish(builder *b, json_t *v, const char *tag,
                  const char *anchor_name, size_t size, yaml_mark_t m) {
  if (!v)
    return iatk__fail(b->err, IATK_ENOMEM, "out of memory");
  v = apply_tag(b, tag, v, m);
  if (!v)
    return iatk__error_code(b->err, IATK_ENOMEM);
  if (anchor_name && add_anchor(b, anchor_name, v, size) != IATK_OK) {
    json_decref(v);
    return iatk__error_code(b->err, IATK_ENOMEM);
  }
  return place(b, v, size, m);
}

static int on_scalar(builder *b, const yaml_event_t *e) {
  if (count(b, 1, e->start_mark) != IATK_OK)
    return IATK_ELIMIT;
  const char *tag = (const char *)e->data.scalar.tag;
  json_t *v = tag && strcmp(tag, "!")
                  ? json_stringn((const char *)e->data.scalar.value,
                                 e->data.scalar.length)
                  : scalar_value(e);
  return finish(b, v, tag, (const char *)e->data.scalar.anchor, 1,
                e->start_mark);
}

static int on_alias(builder *b, const yaml_event_t *e) {
  const char *name = (const char *)e->data.alias.anchor;
  const anchor *a = find_anchor(b, name);
  if (!a) {
    char msg[300];
    snprintf(msg, sizeof msg, "alias '*%.200s' names no finished anchor", name);
    return fail_at(b, e->start_mark, IATK_EJSON, msg);
  }
  if (count(b, a->size, e->start_mark) != IATK_OK)
    return IATK_ELIMIT;
  return place(b, json_incref(a->value), a->size, e->start_mark);
}

static int on_start(builder *b, const yaml_event_t *e, int mapping) {
  if (b->depth >= IATK_TEMPLATE_MAX_DEPTH) {
    char msg[100];
    snprintf(msg, sizeof msg, "nested deeper than %d levels",
             IATK_TEMPLATE_MAX_DEPTH);
    return fail_at(b, e->start_mark, IATK_ELIMIT, msg);
  }
  if (count(b, 1, e->start_mark) != IATK_OK)
    return IATK_ELIMIT;
  const yaml_char_t *tag =
      mapping ? e->data.mapping_start.tag : e->data.sequence_start.tag;
  const yaml_char_t *anc =
      mapping ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
  frame *f = &b->stack[b->depth++];
  memset(f, 0, sizeof *f);
  f->value = mapping ? json_object() : json_array();
  f->tag = iatk__strdup((const char *)tag);
  f->anchor = iatk__strdup((const char *)anc);
  f->size = 1;
  f->line = e->start_mark.line;
  f->column = e->start_mark.column;
  return f->value ? IATK_OK : iatk__fail(b->err, IATK_ENOMEM, "out of memory");
}

static int on_end(builder *b, const yaml_event_t *e) {
  frame f = b->stack[--b->depth];
  yaml_mark_t m = {0, f.line, f.column};
  int rc = finish(b, f.value, f.tag, f.anchor, f.size, m);
  free(f.tag);
  free(f.anchor);
  free(f.key);
  return rc;
}

static int on_event(builder *b, const yaml_event_t *e) {
  switch (e->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++b->documents > 1)
      return fail_at(b, e->start_mark, IATK_EJSON,
                     "a template is one YAML document, this is a second one");
    return IATK_OK;
  case YAML_SCALAR_EVENT: return on_scalar(b, e);
  case YAML_ALIAS_EVENT: return on_alias(b, e);
  case YAML_MAPPING_START_EVENT: return on_start(b, e, 1);
  case YAML_SEQUENCE_START_EVENT: return on_start(b, e, 0);
  case YAML_MAPPING_END_EVENT:
  case YAML_SEQUENCE_END_EVENT: return on_end(b, e);
  default: return IATK_OK;
  }
}

static void release(builder *b) {
  while (b->depth > 0) {
    frame *f = &b->stack[--b->depth];
    json_decref(f->value);
    free(f->tag);
    free(f->anchor);
    free(f->key);
  }
  for (size_t i = 0; i < b->anchor_count; i++) {
    free(b->anchors[i].name);
    json_decref(b->anchors[i].value);
  }
  free(b->anchors);
}

static int parser_error(builder *b, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR)
    return iatk__fail(b->err, IATK_ENOMEM, "out of memory");
  char msg[400];
  snprintf(msg, sizeof msg, "malformed YAML: %s%s%s",
           p->problem ? p->problem : "parse error", p->context ? " " : "",
           p->context ? p->context : "");
  return fail_at(b, p->problem_mark, IATK_EJSON, msg);
}

json_t *iatk__yaml_parse(const char *text, size_t len, const char *name,
                         iatk_error *err) {
  builder *b = calloc(1, sizeof *b);
  if (!b) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  b->name = name;
  b->err = err;
  yaml_parser_t p;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int rc = IATK_OK, done = 0;
  while (rc == IATK_OK && !done) {
    yaml_event_t e;
    if (!yaml_parser_parse(&p, &e)) {
      rc = parser_error(b, &p);
      break;
    }
    done = e.type == YAML_STREAM_END_EVENT;
    rc = on_event(b, &e);
    yaml_event_delete(&e);
  }
  yaml_parser_delete(&p);
  json_t *root = b->root;
  if (rc != IATK_OK) {
    json_decref(root);
    root = NULL;
  } else if (!root) {
    iatk__fail(err, IATK_EJSON, "%s: the template is empty", name);
  }
  release(b);
  free(b);
  return root;
}
