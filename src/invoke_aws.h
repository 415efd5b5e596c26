/* iatk invoke --lambda / --state-machine (invoke_aws.c): the consumer is a
 * Lambda function or a state machine on AWS.  cmd_invoke.c parses these
 * options along with its own and hands the event over. */
#ifndef IATK_INVOKE_AWS_H
#define IATK_INVOKE_AWS_H

#include <stddef.h>

#include "cli.h"

typedef struct invoke_aws_opts {
  const char *lambda, *state_machine, *name;
  int async, log_tail, sync;
  cli_aws aws; /* profile, region, endpoint URL (source unused) */
} invoke_aws_opts;

enum {
  INVOKE_OPT_LAMBDA = 700,
  INVOKE_OPT_STATE_MACHINE,
  INVOKE_OPT_NAME,
  INVOKE_OPT_ASYNC,
  INVOKE_OPT_LOG_TAIL,
  INVOKE_OPT_SYNC
};
#define INVOKE_AWS_LONG_OPTIONS                                                \
  {"lambda", required_argument, 0, INVOKE_OPT_LAMBDA},                         \
      {"state-machine", required_argument, 0, INVOKE_OPT_STATE_MACHINE},       \
      {"name", required_argument, 0, INVOKE_OPT_NAME},                         \
      {"async", no_argument, 0, INVOKE_OPT_ASYNC},                             \
      {"log-tail", no_argument, 0, INVOKE_OPT_LOG_TAIL},                       \
      {"sync", no_argument, 0, INVOKE_OPT_SYNC},                               \
      {"profile", required_argument, 0, CLI_OPT_AWS_PROFILE},                  \
      {"region", required_argument, 0, CLI_OPT_AWS_REGION}, {                  \
    "endpoint-url", required_argument, 0, CLI_OPT_AWS_ENDPOINT_URL             \
  }

#define INVOKE_AWS_USAGE                                                       \
  "       iatk invoke --lambda NAME|ARN[:QUALIFIER] [--async] [--log-tail]\n"  \
  "                   [--event FILE|-] [--timeout SECONDS] [AWS options]\n"    \
  "       iatk invoke --state-machine ARN [--sync] [--name N]\n"               \
  "                   [--event FILE|-] [--timeout SECONDS] [AWS options]\n"

#define INVOKE_AWS_HELP                                                           \
  "\n"                                                                            \
  "On AWS (docs/aws.md, \"Invoking consumers on AWS\"):\n"                        \
  "  --lambda F          Lambda Invoke of function F (name, partial or full\n"    \
  "                      ARN, optional :VERSION or :ALIAS); prints its answer,\n" \
  "                      waiting at most --timeout seconds (default 930: a\n"     \
  "                      function runs 15 minutes at most); an invoke that\n"     \
  "                      went out is never sent twice\n"                          \
  "  --async             InvocationType Event: queue the event, print nothing\n"  \
  "  --log-tail          print the function's last 4 KB of log on stderr\n"       \
  "  --state-machine ARN StartExecution, wait (DescribeExecution with backoff,\n" \
  "                      at most --timeout seconds) and print the output;\n"      \
  "                      past --timeout the execution is left running\n"          \
  "  --sync              StartSyncExecution (Express workflows; host prefix\n"    \
  "                      sync-, off with AWS_DISABLE_HOST_PREFIX_INJECTION)\n"    \
  "  --name N            the execution's name\n"                                  \
  "  --profile P         AWS profile (default $AWS_PROFILE, else default)\n"      \
  "  --region R          AWS region (default $AWS_REGION, the profile's)\n"       \
  "  --endpoint-url URL  send the Lambda or Step Functions requests to URL\n"     \
  "                      (default $AWS_ENDPOINT_URL_LAMBDA / _SFN, ...)\n"

/* Records one of the options above; 1 when `opt` was one, else 0. */
int invoke_aws_option(invoke_aws_opts *o, int opt, const char *arg);
/* Whether the consumer is on AWS (--lambda or --state-machine). */
int invoke_aws_wanted(const invoke_aws_opts *o);
/* Checks the combination; `has_command` when a local COMMAND was given
 * too.  0, or an exit status after a usage message. */
int invoke_aws_check(const invoke_aws_opts *o, int has_command);
/* Delivers the event (len bytes of JSON) and prints the answer; returns
 * the exit status.  timeout_s bounds a state machine's wait (0: none) and,
 * when `timeout_given`, a Lambda function's answer (0: the default). */
int invoke_aws_run(const invoke_aws_opts *o, const char *event, size_t len,
                   unsigned long long timeout_s, int timeout_given);

#endif
