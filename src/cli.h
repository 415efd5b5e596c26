/* Shared pieces of the iatk command-line tool.  The tool uses the public
 * libiatk API only; this header is for its own files. */
#ifndef IATK_CLI_H
#define IATK_CLI_H

#include <stdio.h>

#include "iatk/iatk.h"

#define EXIT_USAGE 2

/* Prints "iatk: error: <message>" and returns the error's exit status. */
int cli_fail(const iatk_error *err);
/* Prints "iatk: error: <message>" for a usage problem and returns 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports an option getopt rejected (':' missing value, else unknown)
 * with a pointer to the command's --help; returns 2. */
int cli_bad_option(int opt, const char *arg, const char *command);
/* Prints "iatk: <message>" on stderr when verbose output is on. */
void cli_verbose(int on, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a non-negative decimal for option `name`; 0 or -1 (message printed). */
int cli_parse_u64(const char *name, const char *text, unsigned long long *out);

/* Writes all of text to a stream; 0 or -1 with a message. */
int cli_write(FILE *out, const char *text, size_t len, const char *where);

/* Output that lands atomically: a file is written to a temporary name and
 * renamed on commit, so a failure never leaves half a file behind. */
typedef struct cli_output {
  FILE *stream;
  char *path;     /* final path, NULL for stdout */
  char *tmp_path; /* temporary path while writing */
} cli_output;
int cli_output_open(cli_output *o, const char *path, iatk_error *err);
int cli_output_commit(cli_output *o, iatk_error *err);
void cli_output_abort(cli_output *o);

/* Which registry source serves a command (--source) and the AWS client's
 * settings; NULL fields follow iatk_registry_open_source's rule. */
typedef struct cli_aws {
  const char *source, *profile, *region, *endpoint_url;
} cli_aws;
enum {
  CLI_OPT_AWS_SOURCE = 600,
  CLI_OPT_AWS_PROFILE,
  CLI_OPT_AWS_REGION,
  CLI_OPT_AWS_ENDPOINT_URL
};
#define CLI_AWS_LONG_OPTIONS                                                   \
  {"source", required_argument, 0, CLI_OPT_AWS_SOURCE},                        \
      {"profile", required_argument, 0, CLI_OPT_AWS_PROFILE},                  \
      {"region", required_argument, 0, CLI_OPT_AWS_REGION}, {                  \
    "endpoint-url", required_argument, 0, CLI_OPT_AWS_ENDPOINT_URL             \
  }
/* The help lines for CLI_AWS_LONG_OPTIONS. */
#define CLI_AWS_HELP                                                            \
  "  --source SRC           local or aws (default $IATK_SOURCE, else local\n"   \
  "                         when a tree is configured, else aws)\n"             \
  "  --profile P            AWS profile (default $AWS_PROFILE, else default)\n" \
  "  --region R             AWS region (default $AWS_REGION, the profile's)\n"  \
  "  --endpoint-url URL     send AWS requests to URL (e.g. iatk registry\n"     \
  "                         serve); default $AWS_ENDPOINT_URL_SCHEMAS, ...\n"
/* Records an AWS option; 1 when `opt` was one, else 0. */
int cli_aws_option(cli_aws *a, int opt, const char *arg);
/* Opens the source for `dir` and `a` by iatk_registry_open_source's rule
 * and says which with -v. */
/* For -v after a read: where the schema came from when that is not the
 * source line's ("" when it is): the cache of fetched versions, or the
 * built-in aws.events catalogue layered over the source. */
const char *cli_served_note(const iatk_registry *reg, char *buf, size_t size);
iatk_registry *cli_registry_open(const char *dir, const cli_aws *a, int verbose,
                                 iatk_error *err);

/* Where a command's schema comes from: a registry or a file. */
typedef struct cli_source {
  const char *registry_dir, *registry, *schema, *version, *file, *type;
  const char *dialect; /* --dialect: overrides what the document says */
  cli_aws aws;
  int verbose;
} cli_source;
/* The source options every schema-reading command takes, for getopt_long;
 * a command's own option values start at CLI_OPT_SOURCE_END. */
enum {
  CLI_OPT_REGISTRY_DIR = 256,
  CLI_OPT_REGISTRY,
  CLI_OPT_SCHEMA,
  CLI_OPT_VERSION,
  CLI_OPT_FILE,
  CLI_OPT_TYPE,
  CLI_OPT_DIALECT,
  CLI_OPT_SOURCE_END
};
#define CLI_SOURCE_LONG_OPTIONS                                                \
  {"registry-dir", required_argument, 0, CLI_OPT_REGISTRY_DIR},                \
      {"registry", required_argument, 0, CLI_OPT_REGISTRY},                    \
      {"schema", required_argument, 0, CLI_OPT_SCHEMA},                        \
      {"schema-version", required_argument, 0, CLI_OPT_VERSION},               \
      {"file", required_argument, 0, CLI_OPT_FILE},                            \
      {"type", required_argument, 0, CLI_OPT_TYPE},                            \
      {"dialect", required_argument, 0, CLI_OPT_DIALECT}, CLI_AWS_LONG_OPTIONS
/* Records a source option; 1 when `opt` was one, else 0. */
int cli_source_option(cli_source *s, int opt, const char *arg);
/* Checks the combination of source options; 0 or an exit status. */
int cli_source_check(const cli_source *s, const char *command);
/* Loads the schema, saying where it came from with -v. */
iatk_schema *cli_source_load(const cli_source *s, iatk_error *err);

/* --shard I/N | auto[/N] (shard.c): the I-th of N contiguous slices. */
typedef struct cli_shard {
  unsigned long long index, total;
} cli_shard;
/* Parses (resolving auto from the environment); 0 or an exit status. */
int cli_shard_parse(const char *arg, cli_shard *s);
/* Narrows [start, start+count) to the shard's slice (may become empty). */
void cli_shard_apply(const cli_shard *s, unsigned long long *start,
                     unsigned long long *count);

/* The subcommands. */
int cmd_generate(int argc, char **argv);
int cmd_registry(int argc, char **argv);
/* iatk registry serve (cmd_serve.c): argv[0] is "serve". */
int cmd_serve(int argc, char **argv);
/* iatk registry import (cmd_import.c): argv[0] is "import". */
int cmd_import(int argc, char **argv);
int cmd_invoke(int argc, char **argv);
/* iatk invoke --handler (invoke_handler.c): whether argv asks for it, the
 * command itself, and its part of invoke's --help. */
int cli_invoke_wants_handler(int argc, char **argv);
int cmd_invoke_handler(int argc, char **argv);
extern const char cli_invoke_handler_help[];
/* The event of --event FILE|- ("-": stdin), checked to be JSON and
 * re-written compactly; caller frees.  NULL with err filled. */
char *cli_read_event(const char *path, size_t *len, iatk_error *err);
int cmd_send(int argc, char **argv);
int cmd_validate(int argc, char **argv);
/* JSON-RPC 2.0 service mode (one request on `in`, one response on `out`). */
int cli_rpc(FILE *in, FILE *out);

#endif
