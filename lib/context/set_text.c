/* The set context (RFC 6901 assignment) on event text: the same edit as
 * iatk__pointer_set (patch.c) on the parsed event, as a splice.  Everything that
 * does not depend on the event is made once here: each token decoded and
 * escaped as a member name, the value's text, and the text of the
 * containers the assignment creates when a member on the way is missing.
 * Whatever iatk__pointer_set would refuse (an index out of range, a scalar on
 * the way) goes to the parsed event, which reports it as it always did. */
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"

/* A text made once, copied into events. */
typedef struct piece {
  char *text;
  size_t len;
} piece;

struct set_text {
  int whole;            /* pointer "": the event becomes the value */
  int refused;          /* a token is not UTF-8: iatk__pointer_set reports it */
  size_t count;         /* tokens */
  char **tokens;        /* decoded, for iatk__pointer_index */
  piece *keys;          /* each token as a member name, "quoted" */
  piece value;          /* the value's compact text */
  piece *creates;       /* creates[j]: what a missing member on the way
                          * becomes (container for tokens j..), or NULL */
  text_member *members; /* the value's members (whole) */
  size_t member_count;
};

void iatk__set_text_free(void *userdata) {
  set_text *s = userdata;
  if (!s)
    return;
  for (size_t i = 0; i < s->count; i++) {
    free(s->tokens[i]);
    free(s->keys[i].text);
    free(s->creates[i].text);
  }
  free(s->tokens);
  free(s->keys);
  free(s->creates);
  free(s->value.text);
  free(s->members);
  free(s);
}

static int take(iatk_buf *b, piece *out) {
  out->text = iatk__buf_take(b, &out->len);
  return out->text ? 0 : -1;
}

/* Decodes the tokens as split_pointer does; a token that is not UTF-8
 * (json_stringn refuses it) leaves the assignment to iatk__pointer_set. */
static int read_tokens(set_text *s, const char *pointer) {
  size_t cap = 0;
  for (const char *p = pointer; *p; p++)
    cap += *p == '/';
  s->tokens = calloc(cap + 1, sizeof *s->tokens);
  s->keys = calloc(cap + 1, sizeof *s->keys);
  s->creates = calloc(cap + 1, sizeof *s->creates);
  if (!s->tokens || !s->keys || !s->creates)
    return -1;
  iatk_buf token;
  iatk__buf_init(&token);
  const char *p = pointer;
  while (*p == '/' && iatk__pointer_token(&p, 0, &token) == 0) {
    json_t *decoded = json_stringn(token.data ? token.data : "", token.len);
    s->refused |=
        !decoded || memchr(token.data ? token.data : "", '\0', token.len);
    json_decref(decoded);
    iatk_buf b;
    iatk__buf_init(&b);
    iatk__buf_json_string(&b, token.data ? token.data : "", token.len);
    s->tokens[s->count] = strndup(token.data ? token.data : "", token.len);
    if (!s->tokens[s->count] || take(&b, &s->keys[s->count]) != 0) {
      iatk__buf_release(&token);
      return -1;
    }
    s->count++;
  }
  iatk__buf_release(&token);
  s->refused |= *p != '\0'; /* a '~' escape iatk__pointer_set refuses */
  return 0;
}

/* What iatk__pointer_set puts under a missing member whose next token is j: an
 * array when token j indexes one (only index 0 or "-" can then be set),
 * else an object; in it, token j's value (the assigned value, or again a
 * container).  NULL text when iatk__pointer_set would fail there. */
static int make_creates(set_text *s) {
  for (size_t j = s->count; j-- > 1;) {
    const piece *inner = j + 1 == s->count ? &s->value : &s->creates[j + 1];
    long index = iatk__pointer_index(s->tokens[j], 0);
    if (!inner->text || index > 0)
      continue; /* creates[j] stays NULL */
    iatk_buf b;
    iatk__buf_init(&b);
    iatk__buf_putc(&b, index == 0 ? '[' : '{');
    if (index != 0) {
      iatk__buf_append(&b, s->keys[j].text, s->keys[j].len);
      iatk__buf_putc(&b, ':');
    }
    iatk__buf_append(&b, inner->text, inner->len);
    iatk__buf_putc(&b, index == 0 ? ']' : '}');
    if (take(&b, &s->creates[j]) != 0)
      return -1;
  }
  return 0;
}

/* The whole event replaced: the value's members are the new index. */
static int index_whole(set_text *s) {
  event_text v;
  iatk__event_text_init(&v);
  if (iatk__event_text_load(&v, s->value.text, s->value.len) && v.is_object) {
    s->members = v.members; /* offsets in the value, which becomes the text */
    s->member_count = v.member_count;
    v.members = NULL;
  } else {
    s->refused = 1; /* deeper than the text checks go: parse */
  }
  iatk__event_text_release(&v);
  return 0;
}

set_text *iatk__set_text_new(const char *pointer, const json_t *value) {
  set_text *s = calloc(1, sizeof *s);
  iatk_buf b;
  iatk__buf_init(&b);
  if (!s)
    return NULL;
  iatk__json_write(&b, value);
  s->whole = pointer[0] == '\0';
  if (take(&b, &s->value) != 0 || read_tokens(s, pointer) != 0 ||
      make_creates(s) != 0 || (s->whole && index_whole(s) != 0)) {
    iatk__set_text_free(s);
    return NULL;
  }
  return s;
}

/* ------------------------------------------------------------ applying */

static int replace_whole(event_text *e, const set_text *s) {
  if (!e->is_object)
    return TEXT_DOM; /* iatk__pointer_set refuses: only an object replaces it */
  iatk_buf *b = iatk__event_text_spare(e);
  iatk__buf_append(b, s->value.text, s->value.len);
  iatk__event_text_commit(e);
  iatk__event_text_clear_members(e);
  e->mark_count = 0; /* the event is a constant now */
  for (size_t k = 0; k < s->member_count; k++)
    event_text_add_member(e, s->members[k]);
  return TEXT_DONE;
}

/* Inserts `"key":inner` before the '}' at `close`; a top-level one is
 * indexed. */
static int add_member(event_text *e, const set_text *s, size_t i, size_t close,
                      const piece *inner, int top) {
  int comma = e->text[close - 1] != '{';
  text_piece ins[4] = {{",", (size_t)comma},
                       {s->keys[i].text, s->keys[i].len},
                       {":", 1},
                       {inner->text, inner->len}};
  iatk__event_text_splice(e, close, close, ins, 4);
  if (top) {
    size_t key = close + (size_t)comma, value = key + s->keys[i].len + 1;
    event_text_add_member(
        e, (text_member){key, s->keys[i].len - 2, value, value + inner->len});
  }
  return TEXT_DONE;
}

/* Token i in the object at `at`: replaces its member, adds it, or gives
 * the member to descend into (*at, returns -1). */
static int in_object(event_text *e, const set_text *s, size_t i, size_t *at) {
  int last = i + 1 == s->count;
  const char *key = s->keys[i].text + 1;
  size_t key_len = s->keys[i].len - 2, value = 0, value_end = 0,
         close = e->len - 1;
  int found;
  if (*at == 0) { /* the top level is indexed */
    long k = iatk__event_text_member(e, key, key_len);
    found = k >= 0;
    if (found) {
      value = e->members[k].value;
      value_end = e->members[k].value_end;
    }
  } else {
    found = iatk__event_text_find(e->text, *at, key, key_len, &value,
                                  &value_end, &close);
  }
  if (found && last) {
    iatk__event_text_replace(e, value, value_end, s->value.text, s->value.len);
    return TEXT_DONE;
  }
  if (found) {
    *at = value;
    return -1;
  }
  const piece *inner = last ? &s->value : &s->creates[i + 1];
  return inner->text ? add_member(e, s, i, close, inner, *at == 0) : TEXT_DOM;
}

/* Token i in the array at `at`, as iatk__pointer_set's step does. */
static int in_array(event_text *e, const set_text *s, size_t i, size_t *at) {
  int last = i + 1 == s->count;
  size_t item = 0, item_end = 0, close;
  size_t count = iatk__event_text_items(e->text, *at, (size_t)-1, &item,
                                        &item_end, &close);
  long index = iatk__pointer_index(s->tokens[i], count);
  if (index < 0 || (size_t)index > count)
    return TEXT_DOM; /* not an index, or out of range: iatk__pointer_set says so */
  if ((size_t)index == count) {
    const piece *inner = last ? &s->value : &s->creates[i + 1];
    if (!inner->text)
      return TEXT_DOM;
    text_piece ins[2] = {{",", count ? 1u : 0u}, {inner->text, inner->len}};
    iatk__event_text_splice(e, close, close, ins, 2);
    return TEXT_DONE;
  }
  iatk__event_text_items(e->text, *at, (size_t)index, &item, &item_end, &close);
  if (last) {
    iatk__event_text_replace(e, item, item_end, s->value.text, s->value.len);
    return TEXT_DONE;
  }
  *at = item;
  return -1;
}

int iatk__set_text_apply(event_text *e, const context_env *env,
                         void *userdata) {
  (void)env;
  const set_text *s = userdata;
  if (s->refused || e->failed)
    return TEXT_DOM;
  if (s->whole)
    return replace_whole(e, s);
  size_t at = 0;
  for (size_t i = 0; i < s->count; i++) {
    char c = e->text[at];
    int rc = c == '{'   ? in_object(e, s, i, &at)
             : c == '[' ? in_array(e, s, i, &at)
                        : TEXT_DOM;
    if (rc >= 0)
      return rc;
  }
  return TEXT_DOM; /* no token: not reached (the pointer starts with '/') */
}
