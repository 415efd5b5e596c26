/* abi_layout: the public header's ABI as a C compiler sees it, for the
 * Python binding's test (tests/python/test_abi_layout.py), which compares
 * it with the ctypes declarations of bindings/python/iatk/_lib.py.
 *
 *   abi_layout
 *
 * prints one JSON object on stdout:
 *   {"constants": {"IATK_ERROR_WHERE_SIZE": 512, ...},
 *    "error_names": ["IATK_OK", "IATK_EINVAL", ...],
 *    "structs": {"iatk_error": {"size": N, "align": N, "fields": [
 *        {"name": "code", "offset": 0, "size": 4}, ...]}, ...}}
 * "constants" holds every code of the error table and the macros and enum
 * values a binding has to copy; "error_names" the error table's names in
 * code order; "structs" every public struct whose fields a binding
 * declares, with every field in declaration order.  Uses only
 * include/iatk/iatk.h: that is what the binding has to agree with. */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>

#include "iatk/iatk.h"

typedef struct field {
  const char *name;
  size_t offset, size;
} field;

typedef struct layout {
  const char *name;
  size_t size, align, count;
  const field *fields;
} layout;

#define FIELD(type, member)                                                    \
  { #member, offsetof(type, member), sizeof(((type *)0)->member) }
#define LAYOUT(type, list)                                                     \
  { #type, sizeof(type), alignof(type), sizeof(list) / sizeof(list)[0], list }

static const field error_fields[] = {
    FIELD(iatk_error, code),    FIELD(iatk_error, line),
    FIELD(iatk_error, column),  FIELD(iatk_error, where),
    FIELD(iatk_error, message),
};

static const field send_stats_fields[] = {
    FIELD(iatk_send_stats, added),   FIELD(iatk_send_stats, sent),
    FIELD(iatk_send_stats, failed),  FIELD(iatk_send_stats, refused),
    FIELD(iatk_send_stats, retried), FIELD(iatk_send_stats, pending),
    FIELD(iatk_send_stats, seconds),
};

static const field invoke_result_fields[] = {
    FIELD(iatk_invoke_result, exit_status),
    FIELD(iatk_invoke_result, signal),
    FIELD(iatk_invoke_result, timed_out),
};

static const field lambda_result_fields[] = {
    FIELD(iatk_lambda_result, status_code),
    FIELD(iatk_lambda_result, payload),
    FIELD(iatk_lambda_result, payload_len),
    FIELD(iatk_lambda_result, function_error),
    FIELD(iatk_lambda_result, log_tail),
    FIELD(iatk_lambda_result, executed_version),
};

static const field sfn_result_fields[] = {
    FIELD(iatk_sfn_result, execution_arn), FIELD(iatk_sfn_result, status),
    FIELD(iatk_sfn_result, output),        FIELD(iatk_sfn_result, error),
    FIELD(iatk_sfn_result, cause),         FIELD(iatk_sfn_result, polls),
};

static const layout layouts[] = {
    LAYOUT(iatk_error, error_fields),
    LAYOUT(iatk_send_stats, send_stats_fields),
    LAYOUT(iatk_invoke_result, invoke_result_fields),
    LAYOUT(iatk_lambda_result, lambda_result_fields),
    LAYOUT(iatk_sfn_result, sfn_result_fields),
};

typedef struct constant {
  const char *name;
  long long value;
} constant;

#define CONSTANT(name)                                                         \
  { #name, (long long)(name) }
#define ERROR_CODE(name, exit_status, text) CONSTANT(IATK_##name),

static const constant constants[] = {
    CONSTANT(IATK_ERROR_WHERE_SIZE),
    CONSTANT(IATK_ERROR_MESSAGE_SIZE),
    IATK_ERROR_MAP(ERROR_CODE) /* IATK_OK, IATK_EINVAL, ... */
    CONSTANT(IATK_ERROR_COUNT),
    CONSTANT(IATK_MODE_BAREBONE),
    CONSTANT(IATK_MODE_SAMPLE),
    CONSTANT(IATK_MODE_RANDOM),
    CONSTANT(IATK_SKIP_OPTIONAL_OFF),
    CONSTANT(IATK_SKIP_OPTIONAL_SCHEMA),
    CONSTANT(IATK_SKIP_OPTIONAL_AWS),
    CONSTANT(IATK_SINK_EVENTBRIDGE),
    CONSTANT(IATK_SINK_SQS),
    CONSTANT(IATK_SINK_KINESIS),
    CONSTANT(IATK_SINK_LAMBDA_ASYNC),
    CONSTANT(IATK_SEND_REFUSED),
    CONSTANT(IATK_SEND_AWS),
    CONSTANT(IATK_SEND_NETWORK),
    CONSTANT(IATK_SEND_INTERRUPTED),
    CONSTANT(IATK_SEND_UNSENT),
    CONSTANT(IATK_LAMBDA_ASYNC),
    CONSTANT(IATK_LAMBDA_LOG_TAIL),
    CONSTANT(IATK_SFN_SYNC),
    CONSTANT(IATK_GEN_CHANGED),
};

static void print_layout(const layout *l) {
  printf("  \"%s\": {\"size\": %zu, \"align\": %zu, \"fields\": [", l->name,
         l->size, l->align);
  for (size_t i = 0; i < l->count; i++)
    printf("%s\n    {\"name\": \"%s\", \"offset\": %zu, \"size\": %zu}",
           i ? "," : "", l->fields[i].name, l->fields[i].offset,
           l->fields[i].size);
  printf("]}");
}

#define ERROR_NAME(name, exit_status, text) "IATK_" #name,
static const char *const error_names[] = {IATK_ERROR_MAP(ERROR_NAME)};

int main(void) {
  size_t n = sizeof constants / sizeof constants[0];
  printf("{\"constants\": {");
  for (size_t i = 0; i < n; i++)
    printf("%s\n  \"%s\": %lld", i ? "," : "", constants[i].name,
           constants[i].value);
  printf("},\n \"error_names\": [");
  n = sizeof error_names / sizeof error_names[0];
  for (size_t i = 0; i < n; i++)
    printf("%s\"%s\"", i ? ", " : "", error_names[i]);
  printf("],\n \"structs\": {\n");
  n = sizeof layouts / sizeof layouts[0];
  for (size_t i = 0; i < n; i++) {
    print_layout(&layouts[i]);
    printf("%s\n", i + 1 < n ? "," : "");
  }
  printf("}}\n");
  return ferror(stdout) ? 1 : 0;
}
