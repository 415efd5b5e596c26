/* The importer's state, shared by import.c (the handle, files and cdk.out
 * folders), plan.c (what each EventSchemas resource becomes) and
 * outputs.c (the stack's Outputs).  Not installed. */
#ifndef IATK_IMPORT_INTERNAL_H
#define IATK_IMPORT_INTERNAL_H

#include "template/template_internal.h"

enum { RES_TODO, RES_BUSY, RES_DONE, RES_ABSENT };

/* One AWS::EventSchemas::Registry ('r') or ::Schema ('s') resource. */
typedef struct iatk__res {
  const char *logical; /* key in Resources (borrowed from the template) */
  const json_t *def;   /* its definition (borrowed) */
  int kind, state;
  char *registry, *schema; /* names, as planned */
  const char *type;        /* IATK_TYPE_* of a schema */
  char *content;
  size_t content_len;
  int generated; /* the name was generated */
  int version;   /* the schema's version once imported */
  int status;    /* iatk_import_status */
} iatk__res;

/* One template being imported as one stack. */
typedef struct iatk__stack {
  iatk_import *imp;
  json_t *template;
  const char *source;
  char *name;
  iatk__res *res;
  size_t count;
  iatk__eval ev;
  char *arn_buf; /* scratch */
} iatk__stack;

struct iatk_import {
  iatk_registry *reg;
  json_t *parameters; /* name -> string */
  char *stack_name, *region, *account;
  iatk_import_cb cb;
  void *userdata;
  json_t *outputs; /* {stack: {key: value}} of every stack so far */
  iatk_strlist *skipped;
};

/* Plans every resource of the stack (plan.c): names, content, versions,
 * nothing written.  Installs the Ref/GetAtt resolver in st->ev. */
int iatk__plan_stack(iatk__stack *st, iatk_error *err);
/* Writes what iatk__plan_stack planned and reports each resource. */
int iatk__write_stack(iatk__stack *st, iatk_error *err);
/* Evaluates the stack's Outputs into imp->outputs (outputs.c); the ones
 * that need a deployed stack go to imp->skipped. */
int iatk__eval_outputs(iatk__stack *st, iatk_error *err);

#endif
