/* iatk validate: check events against a schema with the validator, a code
 * path independent of generation. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_VALIDATE_INPUT ((size_t)256 * 1024 * 1024)

static const char validate_help[] =
    "usage: iatk validate (--registry R --schema S | --file PATH) [options] [EVENTS|-]\n"
    "\n"
    "Validate one JSON event, or NDJSON (one event per line), against the\n"
    "event's schema.  Reads standard input when EVENTS is '-' or absent.\n"
    "\n"
    "options:\n"
    "  --registry-dir DIR, --registry R, --schema S, --schema-version V,\n"
    "  --file PATH, --type TYPE, --dialect D, --event-ref REF,\n"
    "  --source SRC, --profile P, --region R, --endpoint-url URL\n"
    "                         as for 'iatk generate'\n"
    "  -q, --quiet            print nothing on success\n"
    "  -v, --verbose          say which source served the schema\n"
    "  -h, --help             show this help\n"
    "\n"
    "Each invalid event is reported as 'iatk: error: event N: ...' with the\n"
    "failing keyword and JSON pointers into the event and the schema.\n"
    "Exit status 0 when all are valid, 8 when any is invalid, 3 when the input\n"
    "is not JSON or an event cannot be validated: a limit was reached (the\n"
    "validator's work or depth limit, PCRE2's match limit) or the schema is\n"
    "broken (a pattern that does not compile, a $ref that does not resolve).\n"
    "Integers of any size and strings holding \\u0000 are read.\n";

enum { OPT_EVENT_REF = CLI_OPT_SOURCE_END };

static const struct option long_options[] = {
    CLI_SOURCE_LONG_OPTIONS,
    {"event-ref", required_argument, 0, OPT_EVENT_REF},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

typedef struct validate_opts {
  cli_source src;
  const char *event_ref, *input;
  int quiet;
} validate_opts;

static int parse_option(validate_opts *o, int opt) {
  if (cli_source_option(&o->src, opt, optarg))
    return 0;
  switch (opt) {
  case OPT_EVENT_REF: o->event_ref = optarg; return 0;
  case 'q': o->quiet = 1; return 0;
  case 'v': o->src.verbose = 1; return 0;
  case 'h': fputs(validate_help, stdout); return -1;
  default: return EXIT_USAGE;
  }
}

static int parse_args(validate_opts *o, int argc, char **argv) {
  int opt, rc;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":qvh", long_options, NULL)) != -1) {
    if (opt == '?' || opt == ':')
      return cli_bad_option(opt, argv[optind - 1], "validate");
    if ((rc = parse_option(o, opt)) != 0)
      return rc;
  }
  if (argc - optind > 1)
    return cli_usage("validate takes one input (run 'iatk validate --help')");
  o->input = optind < argc ? argv[optind] : "-";
  return cli_source_check(&o->src, "validate");
}

static char *read_all(const char *path, size_t *len, iatk_error *err) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    err->code = IATK_EIO;
    snprintf(err->message, sizeof err->message, "cannot open %s", path);
    return NULL;
  }
  /* Bounded, so a runaway stream is an error rather than all of memory. */
  size_t cap = 1 << 16, n = 0, got;
  char *text = malloc(cap + 1);
  while (text) {
    if (n == cap) {
      char *grown =
          cap < MAX_VALIDATE_INPUT ? realloc(text, cap * 2 + 1) : NULL;
      if (!grown)
        break; /* at the limit (or out of memory): reported below */
      text = grown;
      cap *= 2;
    }
    if ((got = fread(text + n, 1, cap - n, f)) == 0)
      break;
    n += got;
  }
  int too_big = text && n == cap; /* stopped at the limit, not at the end */
  if (f != stdin)
    fclose(f);
  if (!text || n == 0 || too_big) {
    free(text);
    err->code = too_big ? IATK_ELIMIT : text ? IATK_EJSON : IATK_ENOMEM;
    snprintf(err->message, sizeof err->message,
             too_big ? "%s is larger than the 256 MiB limit"
                     : "%s holds no event",
             path);
    return NULL;
  }
  text[n] = '\0';
  *len = n;
  return text;
}

/* Validates one event and prints its failure; returns the iatk_code
 * (EINVALID for an invalid event, EJSON for text that is not JSON, another
 * error when the event could not be validated). */
static int check_one(iatk_validator *v, const char *text, size_t len,
                     size_t number) {
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk_validate_text(v, text, len, &err) == IATK_OK)
    return IATK_OK;
  fprintf(stderr, "iatk: error: event %zu: %s\n", number, err.message);
  return err.code;
}

/* The worse of two outcomes: an error (no verdict) over an invalid event
 * over a valid one; between errors, the first. */
static int worse(int worst, int rc) {
  if (worst == IATK_OK || (worst == IATK_EINVALID && rc != IATK_EINVALID))
    return rc;
  return worst;
}

/* One JSON document, or else NDJSON with one event per non-blank line.
 * The whole text is tried first through the library's own reader, which
 * also takes what jansson alone refuses (integers beyond int64, \u0000). */
static int check_input(iatk_validator *v, char *text, size_t len,
                       size_t *count) {
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk_validate_text(v, text, len, &err);
  if (rc != IATK_EJSON) {
    *count = 1;
    if (rc != IATK_OK)
      fprintf(stderr, "iatk: error: event 1: %s\n", err.message);
    return rc;
  }
  int worst = IATK_OK;
  size_t number = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (strspn(line, " \t\r") == strlen(line))
      continue;
    worst = worse(worst, check_one(v, line, strlen(line), ++number));
  }
  *count = number;
  return worst;
}

int cmd_validate(int argc, char **argv) {
  validate_opts o = {0};
  int rc = parse_args(&o, argc, argv);
  if (rc)
    return rc < 0 ? 0 : rc;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *schema = cli_source_load(&o.src, &err);
  iatk_validator *v =
      schema ? iatk_validator_new(schema, o.event_ref, &err) : NULL;
  size_t len = 0, count = 0;
  char *text = v ? read_all(o.input, &len, &err) : NULL;
  if (!text) {
    rc = cli_fail(&err);
  } else {
    int code = check_input(v, text, len, &count);
    rc = iatk_err_exit_status(code);
    if (code == IATK_OK && !o.quiet)
      fprintf(stderr, "iatk: %zu event%s valid\n", count,
              count == 1 ? "" : "s");
  }
  free(text);
  iatk_validator_free(v);
  iatk_schema_free(schema);
  return rc;
}
