/* iatk invoke: deliver an event to a consumer and print its answer: a
 * local command here, a Lambda function or state machine in invoke_aws.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "invoke_aws.h"

static const char invoke_help[] =
    "usage: iatk invoke [--event FILE|-] [--timeout SECONDS] -- COMMAND [ARGS...]\n" INVOKE_AWS_USAGE
    "       iatk invoke --handler DIR/MODULE.FUNCTION --runtime nodejs|python ...\n"
    "\n"
    "Run COMMAND with the event on its standard input and print what it\n"
    "writes on standard output.  The event must be JSON.\n"
    "\n"
    "options:\n"
    "  --event FILE|-      the event (default: standard input)\n"
    "  --timeout SECONDS   kill the consumer after this long (default 60, 0: never)\n"
    "  -h, --help          show this help\n" INVOKE_AWS_HELP "\n"
    "Exit status 9 when the consumer exits non-zero, dies on a signal or\n"
    "times out (on AWS: a function error, an execution that did not succeed,\n"
    "--timeout passed); 3 when the event is not JSON; 10 when AWS refuses a\n"
    "request, 11 when it cannot be reached.\n";

static const struct option long_options[] = {
    {"event", required_argument, 0, 'e'},
    {"timeout", required_argument, 0, 't'},
    {"help", no_argument, 0, 'h'},
    INVOKE_AWS_LONG_OPTIONS,
    {0, 0, 0, 0}};

typedef struct invoke_opts {
  const char *event;
  unsigned long long timeout_s;
  int timeout_given;
  char **command;
  invoke_aws_opts aws;
} invoke_opts;

static int parse_args(invoke_opts *o, int argc, char **argv) {
  int opt;
  o->event = "-";
  o->timeout_s = 60;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+:h", long_options, NULL)) != -1) {
    if (opt == 'h') {
      fputs(invoke_help, stdout);
      fputs(cli_invoke_handler_help, stdout);
      return -1;
    }
    if (opt == 'e')
      o->event = optarg;
    else if (opt == 't') {
      if (cli_parse_u64("--timeout", optarg, &o->timeout_s))
        return EXIT_USAGE;
      if (o->timeout_s > 86400)
        return cli_usage("--timeout must be between 0 and 86400 seconds");
      o->timeout_given = 1;
    } else if (!invoke_aws_option(&o->aws, opt, optarg))
      return cli_bad_option(opt, argv[optind - 1], "invoke");
  }
  if (invoke_aws_wanted(&o->aws))
    return invoke_aws_check(&o->aws, optind < argc);
  if (optind >= argc)
    return cli_usage("no consumer command given (iatk invoke -- COMMAND)");
  o->command = argv + optind;
  return 0;
}

/* Reads the event and checks it is JSON before any consumer runs. */
char *cli_read_event(const char *path, size_t *len, iatk_error *err) {
  json_error_t jerr;
  int from_stdin = strcmp(path, "-") == 0;
  json_t *doc =
      from_stdin
          ? json_loadf(stdin, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr)
          : json_load_file(path, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  char *compact = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  json_decref(doc);
  /* re-written in iatk's own form, so numbers reach the consumer unchanged */
  char *text =
      compact ? iatk_format_json(compact, strlen(compact), 0, NULL) : NULL;
  free(compact);
  if (!doc) {
    err->code = jerr.line < 0 ? IATK_EIO : IATK_EJSON;
    snprintf(err->message, sizeof err->message,
             "event %s is not valid JSON: %d:%d: %s",
             from_stdin ? "<stdin>" : path, jerr.line, jerr.column, jerr.text);
    if (jerr.line < 0)
      snprintf(err->message, sizeof err->message, "%s", jerr.text);
  }
  *len = text ? strlen(text) : 0;
  return text;
}

int cmd_invoke(int argc, char **argv) {
  invoke_opts o = {0};
  if (cli_invoke_wants_handler(argc, argv))
    return cmd_invoke_handler(argc, argv);
  int rc = parse_args(&o, argc, argv);
  if (rc)
    return rc < 0 ? 0 : rc;
  iatk_error err;
  iatk_error_clear(&err);
  size_t len = 0, out_len = 0;
  char *event = cli_read_event(o.event, &len, &err);
  if (!event)
    return cli_fail(&err);
  if (invoke_aws_wanted(&o.aws)) {
    rc = invoke_aws_run(&o.aws, event, len, o.timeout_s, o.timeout_given);
    free(event);
    return rc;
  }
  char *out = iatk_invoke_command(
      o.command, event, len, (int)o.timeout_s * 1000, &out_len, NULL, &err);
  free(event);
  if (!out)
    return cli_fail(&err);
  rc = cli_write(stdout, out, out_len, "standard output");
  iatk_free(out);
  return rc ? 7 : 0;
}
