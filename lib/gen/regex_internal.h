/* The rx_program representation shared by regex_parse.c and regex_gen.c. */
#ifndef IATK_REGEX_INTERNAL_H
#define IATK_REGEX_INTERNAL_H

#include "gen/regex_gen.h"

#define RX_MAX_GROUPS 9 /* \1..\9 are the back-references ECMA allows here */

typedef enum rx_kind {
  RX_EMPTY,   /* anchors, word boundaries, lookarounds: produce nothing */
  RX_SET,     /* one character from a set */
  RX_SEQ,     /* children in order */
  RX_ALT,     /* one of the children */
  RX_REPEAT,  /* child a..b times (b = -1: unbounded) */
  RX_GROUP,   /* capturing group number a around child `first` */
  RX_BACKREF  /* the text of group a */
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

#endif
