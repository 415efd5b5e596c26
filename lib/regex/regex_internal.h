/* The rx_program representation shared by regex_parse.c, regex_props.c and
 * regex_gen.c. */
#ifndef IATK_REGEX_INTERNAL_H
#define IATK_REGEX_INTERNAL_H

#include "regex/regex.h"

/* Groups whose text a back-reference can repeat; a reference to a later
 * group makes the pattern unparsable (the self-check decides). */
#define RX_MAX_GROUPS 32

typedef enum rx_kind {
  RX_EMPTY,  /* anchors, word boundaries, lookarounds: produce nothing */
  RX_SET,    /* one character from a set */
  RX_SEQ,    /* children in order */
  RX_ALT,    /* one of the children */
  RX_REPEAT, /* child a..b times (b = -1: unbounded) */
  RX_GROUP,  /* capturing group number a around child `first` */
  RX_BACKREF /* the text of group a */
} rx_kind;

typedef struct rx_node {
  rx_kind kind;
  int a, b;
  int first; /* RX_SEQ/RX_ALT: index into kids; RX_REPEAT/RX_GROUP: node */
  int count; /* RX_SEQ/RX_ALT: number of kids */
  int set;   /* RX_SET: index into sets */
} rx_node;

typedef struct rx_set {
  uint32_t (*ranges)[2]; /* inclusive code point ranges */
  size_t count, cap;
  int negated;
} rx_set;

struct rx_program {
  rx_node *nodes;
  size_t count, cap;
  int *kids;
  size_t kid_count;
  rx_set *sets;
  size_t set_count;
  int root;
};

/* regex_props.c.  The code points a one-character ECMA class matches (`text`
 * is a "[...]" class or a "\p{...}" escape, `len` bytes), found with PCRE2
 * among representatives of every general category, script and binary
 * property, most readable first; when none of those matches and *scans > 0
 * (then decremented), the first few found by scanning Unicode.  Writes at
 * most RX_MEMBERS_MAX code points to `out` and returns how many (0: the
 * class matches nothing generable), or -1 when the class does not compile
 * or memory ran out. */
#define RX_MEMBERS_MAX 1024
int iatk__rx_class_members(const char *text, size_t len, uint32_t *out,
                           int *scans);

/* regex_gen.c: one code point as UTF-8 into out[0..3]; returns the bytes. */
size_t iatk__rx_utf8(uint32_t cp, char out[4]);
/* The code point of the well-formed UTF-8 character at s. */
uint32_t iatk__rx_utf8_decode(const char *s);

#endif
