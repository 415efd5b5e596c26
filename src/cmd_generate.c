/* iatk generate: schema -> plan -> events -> contexts -> output. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char generate_help[] =
    "usage: iatk generate (--registry R --schema S | --file PATH|-) [options]\n"
    "\n"
    "Generate mock events from an event schema, one JSON event per line.\n"
    "\n"
    "schema source:\n"
    "  --registry-dir DIR     local registry tree (default $IATK_REGISTRY_DIR)\n"
    "  --registry R           registry name\n"
    "  --schema S             schema name\n"
    "  --schema-version V     version (default: the latest)\n"
    "  --file PATH            a schema file outside any registry ('-': stdin)\n"
    "  --type TYPE            type of --file: OpenApi3 or JSONSchemaDraft4\n"
    "                         (default: detected)\n" CLI_AWS_HELP
    "  --dialect D            read the schema as draft4, draft6, draft7,\n"
    "                         2019-09, 2020-12, openapi-3.0 or openapi-3.1\n"
    "                         (default: its openapi version or $schema, else\n"
    "                         draft4 for --type JSONSchemaDraft4, else 2020-12)\n"
    "  --event-ref REF        the event: a name under components/schemas\n"
    "                         (OpenAPI) or definitions (JSON Schema), or a\n"
    "                         JSON pointer such as #/components/schemas/X\n"
    "generation:\n"
    "  --mode MODE            barebone (default), sample or random\n"
    "  --seed N               seed for random mode (default 0); given in any\n"
    "                         mode, it also fixes the contexts' random values\n"
    "  --count N              number of events (default 1), NDJSON\n"
    "  --start K              index of the first event (default 0)\n"
    "  --shard I/N            only the I-th (0-based) of N contiguous slices of\n"
    "                         --start/--count: N shards concatenated in order\n"
    "                         are the single run's output\n"
    "  --shard auto[/N]       I from JOB_COMPLETION_INDEX (Kubernetes Indexed\n"
    "                         Job) or AWS_BATCH_JOB_ARRAY_INDEX; N from /N,\n"
    "                         IATK_SHARD_COUNT or AWS_BATCH_JOB_ARRAY_SIZE\n"
    "  --skip-optional        emit only required properties (JSON Schema's\n"
    "                         meaning: an object with no required list is {})\n"
    "  --skip-optional=aws    AWS IATK's skip_optional: only objects with a\n"
    "                         required list drop their other properties\n"
    "  --now RFC3339          pin the clock (e.g. 2023-10-18T21:08:04.782196-07:00)\n"
    "contexts, applied in the order given:\n"
    "  --context eventbridge  fill the EventBridge envelope (id, time, ...);\n"
    "                         its region: --region, else $AWS_REGION,\n"
    "                         $AWS_DEFAULT_REGION, else us-east-1\n"
    "  --set /pointer=JSON    set a member (RFC 6901; '/-' appends)\n"
    "  --merge FILE           apply an RFC 7386 merge patch\n"
    "output:\n"
    "  --pretty               indent the JSON\n"
    "  --validate             check every event (after contexts) against the\n"
    "                         schema; a failure names the keyword and pointers\n"
    "  -o, --output FILE      write to FILE atomically instead of stdout\n"
    "  -v, --verbose          say which source served the schema\n"
    "  -h, --help             show this help\n";

/* A context step as given on the command line, applied in order. */
typedef struct context_step {
  char kind; /* 'c' builtin, 's' set, 'm' merge */
  const char *arg;
} context_step;

typedef struct generate_opts {
  cli_source src;
  const char *event_ref, *now, *output;
  int mode, pretty, validate, seed_given;
  iatk_skip_optional skip_optional;
  unsigned long long seed, count, start;
  const char *shard;
  context_step *steps;
  size_t step_count;
} generate_opts;

enum {
  OPT_EVENT_REF = CLI_OPT_SOURCE_END,
  OPT_MODE,
  OPT_SEED,
  OPT_COUNT,
  OPT_START,
  OPT_SKIP_OPTIONAL,
  OPT_NOW,
  OPT_CONTEXT,
  OPT_SET,
  OPT_MERGE,
  OPT_PRETTY,
  OPT_VALIDATE,
  OPT_SHARD
};

static const struct option long_options[] = {
    CLI_SOURCE_LONG_OPTIONS,
    {"event-ref", required_argument, 0, OPT_EVENT_REF},
    {"mode", required_argument, 0, OPT_MODE},
    {"seed", required_argument, 0, OPT_SEED},
    {"count", required_argument, 0, OPT_COUNT},
    {"start", required_argument, 0, OPT_START},
    {"skip-optional", optional_argument, 0, OPT_SKIP_OPTIONAL},
    {"now", required_argument, 0, OPT_NOW},
    {"context", required_argument, 0, OPT_CONTEXT},
    {"set", required_argument, 0, OPT_SET},
    {"merge", required_argument, 0, OPT_MERGE},
    {"pretty", no_argument, 0, OPT_PRETTY},
    {"validate", no_argument, 0, OPT_VALIDATE},
    {"shard", required_argument, 0, OPT_SHARD},
    {"output", required_argument, 0, 'o'},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

static int add_step(generate_opts *o, char kind, const char *arg) {
  context_step *steps = realloc(o->steps, (o->step_count + 1) * sizeof *steps);
  if (!steps)
    return -1;
  o->steps = steps;
  steps[o->step_count++] = (context_step){kind, arg};
  return 0;
}

/* --skip-optional alone keeps JSON Schema's meaning; =aws picks AWS IATK's. */
static int parse_skip_optional(generate_opts *o, const char *arg) {
  if (!arg || !strcmp(arg, "schema"))
    o->skip_optional = IATK_SKIP_OPTIONAL_SCHEMA;
  else if (!strcmp(arg, "aws"))
    o->skip_optional = IATK_SKIP_OPTIONAL_AWS;
  else
    return cli_usage("unknown --skip-optional '%s' (expected schema or aws)",
                     arg);
  return 0;
}

static int parse_numbers(generate_opts *o, int opt, const char *arg) {
  unsigned long long *slot = opt == OPT_SEED    ? &o->seed
                             : opt == OPT_COUNT ? &o->count
                                                : &o->start;
  const char *name = opt == OPT_SEED    ? "--seed"
                     : opt == OPT_COUNT ? "--count"
                                        : "--start";
  return cli_parse_u64(name, arg, slot);
}

/* Returns 0 to go on, or an exit status (-1 meaning "exit 0"). */
static int parse_option(generate_opts *o, int opt, const char *arg) {
  if (cli_source_option(&o->src, opt, arg))
    return 0;
  switch (opt) {
  case OPT_VALIDATE: o->validate = 1; return 0;
  case OPT_EVENT_REF: o->event_ref = arg; return 0;
  case OPT_NOW: o->now = arg; return 0;
  case 'o': o->output = arg; return 0;
  case OPT_PRETTY: o->pretty = 1; return 0;
  case 'v': o->src.verbose = 1; return 0;
  case OPT_SEED:
    o->seed_given = 1;
    return parse_numbers(o, opt, arg) ? EXIT_USAGE : 0;
  case OPT_COUNT:
  case OPT_START: return parse_numbers(o, opt, arg) ? EXIT_USAGE : 0;
  case OPT_SKIP_OPTIONAL: return parse_skip_optional(o, arg);
  case OPT_MODE:
    o->mode = iatk_mode_parse(arg);
    return o->mode < 0
               ? cli_usage(
                     "unknown mode '%s' (expected barebone, sample or random)",
                     arg)
               : 0;
  case OPT_CONTEXT:
  case OPT_SET:
  case OPT_MERGE:
    return add_step(o,
                    opt == OPT_CONTEXT ? 'c'
                    : opt == OPT_SET   ? 's'
                                       : 'm',
                    arg)
               ? 1
               : 0;
  case OPT_SHARD: o->shard = arg; return 0;
  case 'h': fputs(generate_help, stdout); return -1;
  default: return cli_usage("run 'iatk generate --help' for the options");
  }
}

static int has_builtin_context(const generate_opts *o) {
  for (size_t i = 0; i < o->step_count; i++)
    if (o->steps[i].kind == 'c')
      return 1;
  return 0;
}

static int check_source(generate_opts *o) {
  /* --region also names the EventBridge envelope's region, which a --file
   * schema may want as much as a registry's */
  cli_source src = o->src;
  if (src.file && has_builtin_context(o))
    src.aws.region = NULL;
  int rc = cli_source_check(&src, "generate");
  if (rc)
    return rc;
  if (o->count == 0)
    return cli_usage("--count must be at least 1");
  if (o->start > UINT64_MAX - (o->count - (o->count > 0)))
    return cli_usage("--start %llu with --count %llu goes past the last event "
                     "index %llu",
                     o->start, o->count, (unsigned long long)UINT64_MAX);
  if (o->shard) {
    cli_shard shard;
    if ((rc = cli_shard_parse(o->shard, &shard)) != 0)
      return rc;
    cli_shard_apply(&shard, &o->start, &o->count);
  }
  return 0;
}

static int parse_args(generate_opts *o, int argc, char **argv) {
  o->count = 1;
  o->mode = IATK_MODE_BAREBONE;
  int opt, rc;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":o:vh", long_options, NULL)) != -1) {
    if (opt == '?' || opt == ':')
      return cli_bad_option(opt, argv[optind - 1], "generate");
    if ((rc = parse_option(o, opt, optarg)) != 0)
      return rc;
  }
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (run 'iatk generate --help')",
                     argv[optind]);
  return check_source(o);
}

/* ------------------------------------------------------------ running */

typedef struct generate_run {
  iatk_schema *schema;
  iatk_plan *plan;
  iatk_validator *validator;
  iatk_gen *gen;
  iatk_pipeline *pipeline;
  cli_output output;
} generate_run;

/* Reads a merge patch file and checks it, so its errors name the file. */
static char *read_merge_patch(const char *path, iatk_error *err) {
  json_error_t jerr;
  int from_stdin = strcmp(path, "-") == 0;
  json_t *patch =
      from_stdin ? json_loadf(stdin, 0, &jerr) : json_load_file(path, 0, &jerr);
  const char *name = from_stdin ? "<stdin>" : path;
  if (!patch && jerr.line < 0) {
    err->code = IATK_EIO;
    snprintf(err->message, sizeof err->message,
             "cannot open merge patch %s: %s", name, strerror(errno));
  } else if (!patch && jerr.position == 0) {
    err->code = IATK_EJSON;
    snprintf(err->message, sizeof err->message, "merge patch %s is empty",
             name);
  } else if (!patch) {
    err->code = IATK_EJSON;
    snprintf(err->message, sizeof err->message, "merge patch %s:%d:%d: %s",
             name, jerr.line, jerr.column, jerr.text);
  } else if (!json_is_object(patch)) {
    err->code = IATK_EJSON;
    snprintf(err->message, sizeof err->message,
             "merge patch %s must be a JSON object", name);
  }
  char *text = err->code ? NULL : json_dumps(patch, JSON_COMPACT);
  json_decref(patch);
  return text;
}

static int add_step_to_pipeline(generate_run *r, const context_step *s,
                                iatk_error *err) {
  if (s->kind == 'c')
    return iatk_pipeline_add_builtin(r->pipeline, s->arg, r->plan, err);
  if (s->kind == 's')
    return iatk_pipeline_add_set(r->pipeline, s->arg, err);
  char *patch = read_merge_patch(s->arg, err);
  int rc = patch ? iatk_pipeline_add_merge(r->pipeline, patch, err) : err->code;
  free(patch);
  return rc;
}

static int build_pipeline(generate_run *r, const generate_opts *o,
                          iatk_error *err) {
  r->pipeline = iatk_pipeline_new(err);
  if (!r->pipeline)
    return err->code;
  if (o->now && iatk_pipeline_set_now(r->pipeline, o->now, err) != IATK_OK)
    return err->code;
  if (o->src.aws.region && /* the envelope's region too */
      iatk_pipeline_set_region(r->pipeline, o->src.aws.region, err) != IATK_OK)
    return err->code;
  if (o->mode == IATK_MODE_RANDOM || o->seed_given)
    iatk_pipeline_set_seed(r->pipeline, o->seed);
  for (size_t i = 0; i < o->step_count; i++)
    if (add_step_to_pipeline(r, &o->steps[i], err) != IATK_OK)
      return err->code;
  return IATK_OK;
}

static int prepare(generate_run *r, const generate_opts *o, iatk_error *err) {
  if (!(r->schema = cli_source_load(&o->src, err)) ||
      !(r->plan = iatk_compile(r->schema, o->event_ref, err)) ||
      !(r->gen = iatk_gen_new(r->plan, err)))
    return err->code;
  if (o->validate &&
      !(r->validator = iatk_validator_new(r->schema, o->event_ref, err)))
    return err->code;
  iatk_gen_set_mode(r->gen, (iatk_mode)o->mode);
  iatk_gen_set_seed(r->gen, o->seed);
  iatk_gen_set_skip_optional(r->gen, o->skip_optional);
  if (o->now && iatk_gen_set_now(r->gen, o->now, err) != IATK_OK)
    return err->code;
  return build_pipeline(r, o, err);
}

/* Generates one event through the contexts and the validator (parsed at
 * most once, see iatk_pipeline_generate) and writes it with a newline. */
static int emit(generate_run *r, const generate_opts *o, uint64_t index,
                iatk_error *err) {
  const char *text;
  size_t len;
  if (iatk_pipeline_generate(r->pipeline, r->gen, index, r->validator,
                             o->pretty, &text, &len, err) != IATK_OK)
    return err->code;
  if (fwrite(text, 1, len, r->output.stream) != len ||
      fputc('\n', r->output.stream) == EOF) {
    err->code = IATK_EIO;
    snprintf(err->message, sizeof err->message, "cannot write to %s: %s",
             r->output.path ? r->output.path : "standard output",
             strerror(errno));
  }
  return err->code;
}

static void progress(const generate_opts *o, uint64_t done, time_t started,
                     time_t *last) {
  time_t now = time(NULL);
  if (now == *last || !isatty(STDERR_FILENO))
    return;
  *last = now;
  double secs = difftime(now, started);
  fprintf(stderr, "\riatk: %llu/%llu events (%.0f/s)", (unsigned long long)done,
          o->count, secs > 0 ? done / secs : 0.0);
}

static int generate_all(generate_run *r, const generate_opts *o,
                        iatk_error *err) {
  time_t started = time(NULL), last = started;
  for (unsigned long long i = 0; i < o->count; i++) {
    if (emit(r, o, o->start + i, err) != IATK_OK)
      return err->code;
    if ((i & 0xffff) == 0xffff)
      progress(o, i + 1, started, &last);
  }
  if (last != started && isatty(STDERR_FILENO))
    fputc('\n', stderr);
  return IATK_OK;
}

static void release(generate_run *r) {
  iatk_validator_free(r->validator);
  iatk_pipeline_free(r->pipeline);
  iatk_gen_free(r->gen);
  iatk_plan_free(r->plan);
  iatk_schema_free(r->schema);
}

int cmd_generate(int argc, char **argv) {
  generate_opts o = {0};
  int rc = parse_args(&o, argc, argv);
  if (rc != 0) {
    free(o.steps);
    return rc < 0 ? 0 : rc;
  }
  generate_run r = {0};
  iatk_error err;
  iatk_error_clear(&err);
  if (prepare(&r, &o, &err) == IATK_OK &&
      cli_output_open(&r.output, o.output, &err) == IATK_OK) {
    if (generate_all(&r, &o, &err) == IATK_OK)
      cli_output_commit(&r.output, &err);
    else
      cli_output_abort(&r.output);
  }
  release(&r);
  free(o.steps);
  return err.code ? cli_fail(&err) : 0;
}
