/* iatk invoke on AWS: a Lambda function (Invoke) or a state machine
 * (StartExecution and wait, or StartSyncExecution).  The answer goes to
 * stdout, the consumer's own failure to stderr with exit status 9. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "invoke_aws.h"

int invoke_aws_option(invoke_aws_opts *o, int opt, const char *arg) {
  switch (opt) {
  case INVOKE_OPT_LAMBDA: o->lambda = arg; return 1;
  case INVOKE_OPT_STATE_MACHINE: o->state_machine = arg; return 1;
  case INVOKE_OPT_NAME: o->name = arg; return 1;
  case INVOKE_OPT_ASYNC: o->async = 1; return 1;
  case INVOKE_OPT_LOG_TAIL: o->log_tail = 1; return 1;
  case INVOKE_OPT_SYNC: o->sync = 1; return 1;
  case CLI_OPT_AWS_PROFILE:
  case CLI_OPT_AWS_REGION:
  case CLI_OPT_AWS_ENDPOINT_URL: return cli_aws_option(&o->aws, opt, arg);
  default: return 0;
  }
}

int invoke_aws_wanted(const invoke_aws_opts *o) {
  return o->lambda || o->state_machine;
}

int invoke_aws_check(const invoke_aws_opts *o, int has_command) {
  if (o->lambda && o->state_machine)
    return cli_usage("--lambda and --state-machine exclude each other");
  if (has_command)
    return cli_usage("a consumer COMMAND and --%s exclude each other",
                     o->lambda ? "lambda" : "state-machine");
  if (o->lambda && (o->sync || o->name))
    return cli_usage("--%s applies to --state-machine only",
                     o->sync ? "sync" : "name");
  if (o->state_machine && (o->async || o->log_tail))
    return cli_usage("--%s applies to --lambda only",
                     o->async ? "async" : "log-tail");
  return 0;
}

/* The answer on stdout, ending with a newline. */
static int print_answer(const char *text, size_t len) {
  if (cli_write(stdout, text, len, "standard output"))
    return 7;
  if ((len == 0 || text[len - 1] != '\n') &&
      cli_write(stdout, "\n", 1, "standard output"))
    return 7;
  return 0;
}

static int run_lambda(const invoke_aws_opts *o, iatk_aws *aws,
                      const char *event, size_t len, iatk_error *err) {
  int flags = (o->async ? IATK_LAMBDA_ASYNC : 0) |
              (o->log_tail ? IATK_LAMBDA_LOG_TAIL : 0);
  iatk_lambda_result r;
  int rc = iatk_lambda_invoke(aws, o->lambda, event, len, flags, &r, err);
  if (r.log_tail)
    cli_write(stderr, r.log_tail, strlen(r.log_tail), "standard error");
  int out = 0;
  if (o->async && rc == IATK_OK)
    fprintf(stderr, "iatk: event queued for %s (HTTP %d)\n", o->lambda,
            r.status_code);
  else if (rc == IATK_OK || (rc == IATK_ECONSUMER && r.payload))
    out = print_answer(r.payload, r.payload_len); /* a function error's too */
  iatk_lambda_result_release(&r);
  return rc != IATK_OK ? cli_fail(err) : out;
}

static int run_state_machine(const invoke_aws_opts *o, iatk_aws *aws,
                             const char *event, size_t len,
                             unsigned long long timeout_s, iatk_error *err) {
  iatk_sfn_result r;
  int rc =
      iatk_sfn_run(aws, o->state_machine, o->name, event, len,
                   o->sync ? IATK_SFN_SYNC : 0, (int)timeout_s * 1000, &r, err);
  int out =
      rc == IATK_OK && r.output ? print_answer(r.output, strlen(r.output)) : 0;
  iatk_sfn_result_release(&r);
  return rc != IATK_OK ? cli_fail(err) : out;
}

int invoke_aws_run(const invoke_aws_opts *o, const char *event, size_t len,
                   unsigned long long timeout_s, int timeout_given) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_aws *aws =
      iatk_aws_new(o->aws.profile, o->aws.region, o->aws.endpoint_url, &err);
  if (!aws)
    return cli_fail(&err);
  if (o->lambda && timeout_given)
    iatk_aws_set_read_timeout(aws, (int)timeout_s * 1000);
  int rc = o->lambda ? run_lambda(o, aws, event, len, &err)
                     : run_state_machine(o, aws, event, len, timeout_s, &err);
  iatk_aws_free(aws);
  return rc;
}
