/* iatk: generate mock events from event schemas, enrich them with contexts
 * and feed them to the consumer under test. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "usage: iatk <command> [options]\n"
    "\n"
    "Generate mock events from the event schemas in a schema registry and\n"
    "deliver them to the consumer under test.\n"
    "\n"
    "commands:\n"
    "  generate   generate events from a registry schema or a schema file\n"
    "  registry   create registries; put, list, show and version schemas;\n"
    "             pull from and push to AWS; serve the Schemas API locally\n"
    "  validate   check events against a schema\n"
    "  invoke     deliver an event to one consumer: a local command, a Lambda\n"
    "             handler run locally, a Lambda function or a state machine\n"
    "  send       deliver NDJSON events to EventBridge, SQS, Kinesis or Lambda\n"
    "  version    print the version\n"
    "\n"
    "With no arguments and a non-terminal standard input, iatk answers one\n"
    "JSON-RPC 2.0 request (AWS IATK's service protocol).\n"
    "\n"
    "Schemas come from a local registry tree (--registry-dir, IATK_REGISTRY_DIR)\n"
    "or, when none is configured or with --source aws, from the EventBridge\n"
    "schema registry with the AWS CLI's configuration (profiles, regions,\n"
    "credentials, AWS_ENDPOINT_URL...).\n"
    "\n"
    "Run 'iatk <command> --help' for a command's options; 'man iatk' for more.\n"
    "Exit status: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 not found,\n"
    "5 unsatisfiable schema, 6 context failed, 7 I/O error, 8 invalid event,\n"
    "9 consumer failed, 10 AWS refused the request (service error, credentials,\n"
    "signature), 11 network error (no answer after retries).\n";

static int print_usage(FILE *out) {
  fputs(usage_text, out);
  return out == stdout ? 0 : EXIT_USAGE;
}

/* Output lost on a full disk or a closed pipe must not exit 0. */
static int finish(int status) {
  if (fflush(stdout) == 0 && !ferror(stdout))
    return status;
  if (status == 0) {
    fprintf(stderr, "iatk: error: cannot write to standard output: %s\n",
            strerror(errno));
    return 7;
  }
  return status;
}

static int run(int argc, char **argv);

int main(int argc, char **argv) { return finish(run(argc, argv)); }

static int run(int argc, char **argv) {
  if (argc < 2) {
    if (!isatty(STDIN_FILENO))
      return cli_rpc(stdin, stdout);
    return print_usage(stderr);
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "generate"))
    return cmd_generate(argc - 1, argv + 1);
  if (!strcmp(cmd, "registry"))
    return cmd_registry(argc - 1, argv + 1);
  if (!strcmp(cmd, "validate"))
    return cmd_validate(argc - 1, argv + 1);
  if (!strcmp(cmd, "invoke"))
    return cmd_invoke(argc - 1, argv + 1);
  if (!strcmp(cmd, "send"))
    return cmd_send(argc - 1, argv + 1);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("iatk %s\n", iatk_version());
    return 0;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
    return print_usage(stdout);
  cli_usage("unknown command '%s' (run 'iatk --help')", cmd);
  return EXIT_USAGE;
}
