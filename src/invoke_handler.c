/* iatk invoke --handler: run a Lambda function's handler locally (the
 * library's iatk_handler_* calls) and print its answer as Lambda's Invoke
 * would return it.  cmd_invoke.c hands over when --handler is given. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_invoke_handler_help[] =
    "\n"
    "usage: iatk invoke --handler DIR/MODULE.FUNCTION --runtime nodejs|python\n"
    "                   [--event FILE|-] [--timeout SECONDS] [options]\n"
    "\n"
    "Run a Lambda function's handler locally with the system's node or\n"
    "python3 (no container): load MODULE from DIR as Lambda does, call\n"
    "FUNCTION with the event and a Lambda context, and print its result as\n"
    "JSON.  The handler's console output goes to standard error.  A failed\n"
    "handler prints Lambda's error document ({\"errorType\", \"errorMessage\",\n"
    "...}) on standard output and exits 9.\n"
    "\n"
    "handler options:\n"
    "  --handler H            DIR/MODULE.FUNCTION, e.g. fn/index.lambdaHandler\n"
    "  --runtime R            nodejs or python (nodejs20.x, python3.12... too)\n"
    "  --timeout SECONDS      the function's timeout (default 3, as on Lambda)\n"
    "  --function-name NAME   default: DIR's last component\n"
    "  --function-version V   default: $LATEST\n"
    "  --memory-size MB       context's memoryLimitInMB (default 128)\n"
    "  --region R             default: $AWS_REGION, else us-east-1\n"
    "  --account ID           12 digits, for the function's ARN\n"
    "  --env NAME=VALUE       add to the function's environment (repeatable)\n"
    "  --request-id ID        default: a fresh UUID\n"
    "  --log-group G, --log-stream S\n"
    "  --runtime-dir DIR      where runtime/{node,python}/bootstrap.* are\n"
    "                         (default $IATK_RUNTIME_DIR, then the installed ones)\n"
    "  --interpreter PROGRAM  instead of node / python3\n";

/* Options passed through to iatk_handler_set under their own name. */
static const char *const settings[] = {
    "timeout",     "function-name", "function-version",
    "memory-size", "region",        "account",
    "env",         "request-id",    "log-group",
    "log-stream",  "runtime-dir",   "interpreter"};
#define N_SETTINGS (sizeof settings / sizeof *settings)

enum {
  OPT_HANDLER = 'H',
  OPT_RUNTIME = 'R',
  OPT_EVENT = 'e',
  OPT_SETTING = 700
};

static const struct option long_options[] = {
    {"handler", required_argument, 0, OPT_HANDLER},
    {"runtime", required_argument, 0, OPT_RUNTIME},
    {"event", required_argument, 0, OPT_EVENT},
    {"timeout", required_argument, 0, OPT_SETTING + 0},
    {"function-name", required_argument, 0, OPT_SETTING + 1},
    {"function-version", required_argument, 0, OPT_SETTING + 2},
    {"memory-size", required_argument, 0, OPT_SETTING + 3},
    {"region", required_argument, 0, OPT_SETTING + 4},
    {"account", required_argument, 0, OPT_SETTING + 5},
    {"env", required_argument, 0, OPT_SETTING + 6},
    {"request-id", required_argument, 0, OPT_SETTING + 7},
    {"log-group", required_argument, 0, OPT_SETTING + 8},
    {"log-stream", required_argument, 0, OPT_SETTING + 9},
    {"runtime-dir", required_argument, 0, OPT_SETTING + 10},
    {"interpreter", required_argument, 0, OPT_SETTING + 11},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

/* An option only a handler takes (before any "--"): it is this command. */
static int handler_only(const char *arg) {
  for (const struct option *o = long_options; o->name; o++) {
    size_t n = strlen(o->name);
    if (o->val != OPT_EVENT && o->val != OPT_SETTING && o->val != 'h' &&
        !strncmp(arg + 2, o->name, n) &&
        (arg[2 + n] == '\0' || arg[2 + n] == '='))
      return 1;
  }
  return 0;
}

int cli_invoke_wants_handler(int argc, char **argv) {
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strncmp(argv[i], "--", 2) && handler_only(argv[i]))
      return 1;
  return 0;
}

typedef struct handler_opts {
  const char *handler, *runtime, *event;
} handler_opts;

/* First pass: the handler, the runtime and the event; settings are applied
 * by apply_settings once the handle exists. */
static int parse_args(handler_opts *o, int argc, char **argv) {
  int opt;
  o->event = "-";
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
    if (opt == 'h') {
      fputs(cli_invoke_handler_help + 1, stdout);
      return -1;
    }
    if (opt == OPT_HANDLER)
      o->handler = optarg;
    else if (opt == OPT_RUNTIME)
      o->runtime = optarg;
    else if (opt == OPT_EVENT)
      o->event = optarg;
    else if (opt < OPT_SETTING || opt >= OPT_SETTING + (int)N_SETTINGS)
      return cli_bad_option(opt, argv[optind - 1], "invoke");
  }
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (a handler takes no command)",
                     argv[optind]);
  if (!o->runtime)
    return cli_usage("--handler needs --runtime nodejs or --runtime python");
  return 0;
}

static int apply_settings(iatk_handler *h, int argc, char **argv,
                          iatk_error *err) {
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1)
    if (opt >= OPT_SETTING && opt < OPT_SETTING + (int)N_SETTINGS &&
        iatk_handler_set(h, settings[opt - OPT_SETTING], optarg, err) !=
            IATK_OK)
      return err->code;
  return IATK_OK;
}

/* The payload on stdout in every case there is one; then, on failure,
 * "iatk: error: errorType: errorMessage" on stderr. */
static int report(int rc, char *payload, size_t len, const iatk_error *err) {
  int wrote = payload ? cli_write(stdout, payload, len, "standard output") : 0;
  if (payload && !wrote)
    wrote = cli_write(stdout, "\n", 1, "standard output");
  iatk_free(payload);
  if (rc != IATK_OK)
    return cli_fail(err);
  return wrote ? 7 : 0;
}

int cmd_invoke_handler(int argc, char **argv) {
  handler_opts o = {0};
  int rc = parse_args(&o, argc, argv);
  if (rc)
    return rc < 0 ? 0 : rc;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = iatk_handler_new(o.handler, o.runtime, &err);
  if (!h || apply_settings(h, argc, argv, &err) != IATK_OK) {
    iatk_handler_free(h);
    return cli_fail(&err);
  }
  size_t len = 0, payload_len = 0;
  char *event = cli_read_event(o.event, &len, &err);
  char *payload = NULL;
  rc = event ? iatk_handler_invoke(h, event, len, &payload, &payload_len, &err)
             : err.code;
  free(event);
  iatk_handler_free(h);
  return report(rc, payload, payload_len, &err);
}
