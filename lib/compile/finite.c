/* Finiteness analysis.  A cyclic $ref makes the plan a cyclic graph; this
 * pass computes for every node the height of its smallest instance (its
 * rank), iterating to a fixed point.  Generation uses the ranks to stop at
 * cycles, and a root with no finite rank is reported here, at compile time,
 * instead of recursing forever later. */
#include <stdio.h>
#include <stdlib.h>

#include "compile/plan.h"

static uint32_t rank_of(const iatk_plan *plan, int node) {
  return node == NO_NODE ? 0 : plan->nodes[node].rank;
}

static uint32_t plus_one(uint32_t r) {
  return r == RANK_INFINITE ? RANK_INFINITE : r + 1;
}

/* A property's rank including what it needs (dependentRequired, one
 * level: needs of needs are rare and the self-check covers them). */
static uint32_t prop_rank(const iatk_plan *plan, const plan_node *n, size_t i) {
  uint32_t worst = rank_of(plan, n->obj.props[i].node);
  for (size_t k = 0; k < n->obj.props[i].need_count; k++) {
    uint32_t r = rank_of(plan, n->obj.props[n->obj.props[i].needs[k]].node);
    worst = r > worst ? r : worst;
  }
  return worst;
}

static uint32_t object_rank(const iatk_plan *plan, const plan_node *n) {
  uint32_t worst = 0;
  for (size_t i = 0; i < n->obj.prop_count; i++) {
    if (!n->obj.props[i].required)
      continue;
    uint32_t r = prop_rank(plan, n, i);
    worst = r > worst ? r : worst;
  }
  return plus_one(worst);
}

static uint32_t array_rank(const iatk_plan *plan, const plan_node *n) {
  uint32_t worst = 0;
  size_t needed = (size_t)n->arr.min_items;
  for (size_t i = 0; i < needed && i <= n->arr.prefix_count; i++) {
    uint32_t r = rank_of(plan, plan_item_node(n, i));
    worst = r > worst ? r : worst;
  }
  if (n->arr.contains != NO_NODE && n->arr.min_contains > 0) {
    uint32_t r = rank_of(plan, n->arr.contains);
    worst = r > worst ? r : worst;
    needed = 1;
  }
  return needed == 0 ? 1 : plus_one(worst);
}

static uint32_t type_rank(const iatk_plan *plan, const plan_node *n,
                          unsigned bit) {
  if (bit == JT_OBJECT)
    return object_rank(plan, n);
  if (bit == JT_ARRAY)
    return array_rank(plan, n);
  return 1;
}

/* Recomputes one node; returns 1 when its rank went down. */
static int relax(iatk_plan *plan, plan_node *n) {
  uint32_t best = RANK_INFINITE;
  unsigned finite = 0;
  if (!n->types) {
    /* a contradiction: no instance at all (iatk__compile_forbid) */
  } else if (n->variant_count) {
    for (size_t v = 0; v < n->variant_count; v++) {
      uint32_t r = plus_one(rank_of(plan, n->variants[v]));
      if (r < best) {
        best = r;
        n->escape_variant = (int)v;
      }
    }
  } else if (n->const_text || n->enum_values) {
    best = 1;
  } else {
    for (unsigned bit = 1; bit < JT_ANY; bit <<= 1) {
      if (!(n->types & bit))
        continue;
      uint32_t r = type_rank(plan, n, bit);
      if (r != RANK_INFINITE)
        finite |= bit;
      best = r < best ? r : best;
    }
  }
  n->finite_types = finite;
  if (best >= n->rank)
    return 0;
  n->rank = best;
  return 1;
}

/* Finds the first member of `n` that admits no finite value. */
static int infinite_member(const iatk_plan *plan, const plan_node *n) {
  for (size_t i = 0; i < n->obj.prop_count; i++) {
    if (!n->obj.props[i].required || prop_rank(plan, n, i) != RANK_INFINITE)
      continue;
    if (rank_of(plan, n->obj.props[i].node) == RANK_INFINITE)
      return n->obj.props[i].node;
    for (size_t k = 0; k < n->obj.props[i].need_count; k++)
      if (rank_of(plan, n->obj.props[n->obj.props[i].needs[k]].node) ==
          RANK_INFINITE)
        return n->obj.props[n->obj.props[i].needs[k]].node;
  }
  for (size_t i = 0; i < (size_t)n->arr.min_items && i <= n->arr.prefix_count;
       i++)
    if (rank_of(plan, plan_item_node(n, i)) == RANK_INFINITE)
      return plan_item_node(n, i);
  if (n->arr.contains != NO_NODE && n->arr.min_contains > 0 &&
      rank_of(plan, n->arr.contains) == RANK_INFINITE)
    return n->arr.contains;
  if (n->variant_count)
    return n->variants[0];
  return NO_NODE;
}

/* Explains an infinite root: either a cycle of required members, or a node
 * that allows no value at all. */
static int explain(const iatk_plan *plan, iatk_error *err) {
  char *seen = calloc(plan->count, 1);
  iatk_buf path;
  iatk__buf_init(&path);
  int node = plan->root, next;
  while (seen && !seen[node] &&
         (next = infinite_member(plan, &plan->nodes[node])) != NO_NODE) {
    seen[node] = 1;
    iatk__buf_printf(&path, "%s -> ", plan->nodes[node].pointer);
    node = next;
  }
  int cyclic = seen && seen[node];
  iatk__buf_puts(&path, plan->nodes[node].pointer);
  if (cyclic)
    iatk__fail_at(err, IATK_ECYCLE, plan->nodes[plan->root].pointer,
                  "required members form a $ref cycle, so no finite event "
                  "exists: %s",
                  path.data);
  else if (node == plan->root)
    iatk__fail_at(err, IATK_EUNSAT, plan->nodes[node].pointer,
                  "schema at %s allows no value: %s", plan->nodes[node].pointer,
                  plan->nodes[node].unsat_reason
                      ? plan->nodes[node].unsat_reason
                      : "its keywords contradict each other");
  else
    iatk__fail_at(err, IATK_EUNSAT, plan->nodes[node].pointer,
                  "schema at %s allows no value: %s (it is required: %s)",
                  plan->nodes[node].pointer,
                  plan->nodes[node].unsat_reason
                      ? plan->nodes[node].unsat_reason
                      : "its keywords contradict each other",
                  path.data);
  free(seen);
  iatk__buf_release(&path);
  return iatk__error_code(err, IATK_ECYCLE);
}

int iatk__plan_analyse(iatk_plan *plan, iatk_error *err) {
  for (size_t i = 0; i < plan->count; i++)
    plan->nodes[i].rank = RANK_INFINITE;
  int changed = 1;
  /* Nodes are stored parents first, so a reverse sweep settles acyclic
   * plans in one pass; cycles take at most one pass per node. */
  for (size_t pass = 0; changed && pass <= plan->count; pass++) {
    changed = 0;
    for (size_t i = plan->count; i-- > 0;)
      changed |= relax(plan, &plan->nodes[i]);
  }
  if (plan->nodes[plan->root].rank == RANK_INFINITE)
    return explain(plan, err);
  return IATK_OK;
}
