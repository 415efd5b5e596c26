/* iatk registry: manage a registry (a local tree or AWS's), and copy
 * schemas between the two. */
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char registry_help[] =
    "usage: iatk registry <action> [options]\n"
    "\n"
    "Manage a schema registry: a local tree of plain files a team can commit,\n"
    "or the Amazon EventBridge schema registry (--source aws).\n"
    "\n"
    "actions:\n"
    "  create R                                   create registry R\n"
    "  put --registry R --schema S [--type T] FILE|-\n"
    "                                             store FILE as a new version\n"
    "                                             and print its number\n"
    "  list [R]                                   registries, or R's schemas\n"
    "  show --registry R --schema S [--schema-version V]\n"
    "                                             print a version as stored\n"
    "                                             (default: the latest)\n"
    "  versions --registry R --schema S           list a schema's versions\n"
    "  pull --registry R [--schema S]             copy R's schemas (or S) with\n"
    "                                             all their versions from AWS\n"
    "                                             into the local tree, keeping\n"
    "                                             AWS's version numbers\n"
    "  push --registry R [--schema S]             publish the local versions to\n"
    "                                             AWS, skipping content AWS\n"
    "                                             already holds\n"
    "  serve [--listen HOST:PORT]                 serve the tree over the AWS\n"
    "                                             Schemas API (serve --help)\n"
    "  import [--outputs FILE] TEMPLATE...        CloudFormation, SAM and CDK\n"
    "                                             templates' schemas into the\n"
    "                                             tree (import --help)\n"
    "\n"
    "list, show and versions read the source --source names (default: the\n"
    "local tree when one is configured, else AWS); create and put write the\n"
    "local tree unless --source aws (or IATK_SOURCE=aws) says otherwise.\n"
    "\n"
    "options:\n"
    "  --registry-dir DIR   the tree (default $IATK_REGISTRY_DIR)\n"
    "  --source SRC         local or aws\n"
    "  --profile P, --region R, --endpoint-url URL\n"
    "                       the AWS client (see 'iatk generate --help')\n"
    "  --type TYPE          OpenApi3 or JSONSchemaDraft4 (default: detected)\n"
    "  -v, --verbose        say where things are read and written\n"
    "  -h, --help           show this help\n"
    "\n"
    "Names: letters, digits, '.', '-', '_' and '@' (see docs/registry.md).\n";

typedef struct registry_opts {
  const char *dir, *registry, *schema, *version, *type;
  cli_aws aws;
  int verbose;
  char **args; /* positional arguments after the action */
  int arg_count;
} registry_opts;

enum { OPT_DIR = 256, OPT_REGISTRY, OPT_SCHEMA, OPT_VERSION, OPT_TYPE };

static const struct option long_options[] = {
    {"registry-dir", required_argument, 0, OPT_DIR},
    {"registry", required_argument, 0, OPT_REGISTRY},
    {"schema", required_argument, 0, OPT_SCHEMA},
    {"schema-version", required_argument, 0, OPT_VERSION},
    {"type", required_argument, 0, OPT_TYPE},
    CLI_AWS_LONG_OPTIONS,
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

static int parse_args(registry_opts *o, int argc, char **argv) {
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":vh", long_options, NULL)) != -1) {
    if (cli_aws_option(&o->aws, opt, optarg))
      continue;
    switch (opt) {
    case OPT_DIR: o->dir = optarg; break;
    case OPT_REGISTRY: o->registry = optarg; break;
    case OPT_SCHEMA: o->schema = optarg; break;
    case OPT_VERSION: o->version = optarg; break;
    case OPT_TYPE: o->type = optarg; break;
    case 'v': o->verbose = 1; break;
    case 'h': fputs(registry_help, stdout); return -1;
    default: return cli_bad_option(opt, argv[optind - 1], "registry");
    }
  }
  o->args = argv + optind;
  o->arg_count = argc - optind;
  return 0;
}

static int need_schema(const registry_opts *o, const char *action) {
  if (o->registry && o->schema)
    return 0;
  return cli_usage("'registry %s' needs --registry R and --schema S", action);
}

static int print_list(iatk_strlist *list) {
  for (size_t i = 0; i < iatk_strlist_count(list); i++)
    printf("%s\n", iatk_strlist_get(list, i));
  iatk_strlist_free(list);
  return 0;
}

static int do_create(iatk_registry *reg, registry_opts *o, iatk_error *err) {
  if (o->arg_count != 1)
    return cli_usage("usage: iatk registry create R");
  if (iatk_registry_create(reg, o->args[0], err) != IATK_OK)
    return cli_fail(err);
  cli_verbose(o->verbose, "created registry %s", o->args[0]);
  return 0;
}

/* Fills *err like the library does (the tool sees only the public API). */
static void set_error(iatk_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(iatk_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->code = code;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
}

/* Refuses a regular file over the limit before reading a byte of it. */
static int check_size(FILE *f, const char *path, iatk_error *err) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
      (uintmax_t)st.st_size <= IATK_MAX_DOCUMENT_BYTES)
    return 0;
  set_error(err, IATK_ELIMIT, "%s is larger than the %u MiB limit (%jd bytes)",
            path, IATK_MAX_DOCUMENT_BYTES / (1024 * 1024),
            (intmax_t)st.st_size);
  return -1;
}

/* Doubles the buffer, up to limit + 2 bytes: room to read one byte past
 * the limit, which is how a too-large input is told, and for the NUL.
 * Going straight there from half the limit saves copying 64 MiB. */
static int grow(char **text, size_t *cap, size_t limit) {
  size_t want = *cap ? *cap * 2 : 65536;
  want = want < limit ? want : limit + 2;
  char *bigger = realloc(*text, want);
  if (!bigger)
    return -1;
  *text = bigger;
  *cap = want;
  return 0;
}

/* Reads all of `f`, but never more than one byte past the limit: a pipe
 * or a device has no size to check first, and may never end. */
static char *read_bounded(FILE *f, const char *path, size_t *len,
                          iatk_error *err) {
  const size_t limit = IATK_MAX_DOCUMENT_BYTES;
  char *text = NULL;
  size_t n = 0, cap = 0, got = 0;
  int nomem = 0;
  do {
    if (cap - n <= 1 && (nomem = grow(&text, &cap, limit)) != 0)
      break;
    got = fread(text + n, 1, cap - 1 - n, f);
    n += got;
  } while (got > 0 && n <= limit);
  if (nomem)
    set_error(err, IATK_ENOMEM, "out of memory reading %s", path);
  else if (n > limit)
    set_error(err, IATK_ELIMIT, "%s is larger than the %u MiB limit", path,
              IATK_MAX_DOCUMENT_BYTES / (1024 * 1024));
  else if (ferror(f))
    set_error(err, IATK_EIO, "cannot read %s: %s", path, strerror(errno));
  if (nomem || n > limit || ferror(f)) {
    free(text);
    return NULL;
  }
  text[n] = '\0';
  *len = n;
  return text;
}

/* Reads the file once, and parses it under its own name first so errors
 * point into it ("order.json:3:14") rather than into the registry. */
static char *read_input(const char *path, const char *type, size_t *len,
                        iatk_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    set_error(err, IATK_EIO, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  char *text =
      check_size(f, path, err) == 0 ? read_bounded(f, path, len, err) : NULL;
  fclose(f);
  if (!text)
    return NULL;
  iatk_schema *probe = iatk_schema_load(text, *len, type, path, err);
  iatk_schema_free(probe);
  if (!probe) {
    free(text);
    return NULL;
  }
  return text;
}

static int do_put(iatk_registry *reg, registry_opts *o, iatk_error *err) {
  if (need_schema(o, "put"))
    return EXIT_USAGE;
  if (o->arg_count != 1)
    return cli_usage(
        "usage: iatk registry put --registry R --schema S [--type T] FILE|-");
  if (strcmp(o->args[0], "-") == 0)
    return cli_usage("put reads a file; save standard input to a file first");
  size_t len = 0;
  char *text = read_input(o->args[0], o->type, &len, err);
  int version = 0;
  int rc = text ? iatk_registry_put(reg, o->registry, o->schema, o->type, text,
                                    len, &version, err)
                : err->code;
  free(text);
  if (rc != IATK_OK)
    return cli_fail(err);
  cli_verbose(o->verbose, "stored %s/%s version %d", o->registry, o->schema,
              version);
  printf("%d\n", version);
  return 0;
}

static int do_list(iatk_registry *reg, registry_opts *o, iatk_error *err) {
  if (o->arg_count > 1)
    return cli_usage("usage: iatk registry list [R]");
  iatk_strlist *list =
      iatk_registry_list(reg, o->arg_count ? o->args[0] : NULL, err);
  char note[IATK_ERROR_MESSAGE_SIZE];
  if (list && o->arg_count)
    cli_verbose(o->verbose, "schemas of %s%s", o->args[0],
                cli_served_note(reg, note, sizeof note));
  return list ? print_list(list) : cli_fail(err);
}

static int do_show(iatk_registry *reg, registry_opts *o, iatk_error *err) {
  if (need_schema(o, "show"))
    return EXIT_USAGE;
  size_t len = 0;
  const char *type = NULL;
  int version = 0;
  char *text = iatk_registry_read(reg, o->registry, o->schema, o->version, &len,
                                  &type, &version, err);
  if (!text)
    return cli_fail(err);
  char note[PATH_MAX + 64];
  cli_verbose(o->verbose, "%s/%s version %d (%s)%s", o->registry, o->schema,
              version, type, cli_served_note(reg, note, sizeof note));
  /* Byte for byte: `show > file` must give back exactly what was put. */
  int rc = cli_write(stdout, text, len, "standard output");
  iatk_free(text);
  return rc ? 7 : 0;
}

static int do_versions(iatk_registry *reg, registry_opts *o, iatk_error *err) {
  if (need_schema(o, "versions"))
    return EXIT_USAGE;
  iatk_strlist *list = iatk_registry_versions(reg, o->registry, o->schema, err);
  char note[IATK_ERROR_MESSAGE_SIZE];
  if (list)
    cli_verbose(o->verbose, "versions of %s/%s%s", o->registry, o->schema,
                cli_served_note(reg, note, sizeof note));
  return list ? print_list(list) : cli_fail(err);
}

/* Counts and, with -v, names each version a pull or push looked at. */
typedef struct sync_tally {
  const char *verb; /* "pulled", "pushed" */
  int verbose;
  unsigned copied, held;
} sync_tally;

static void on_synced(const char *registry, const char *schema,
                      int from_version, int to_version, int copied,
                      void *userdata) {
  sync_tally *t = userdata;
  if (copied)
    t->copied++;
  else
    t->held++;
  cli_verbose(t->verbose, "%s/%s version %d: %s as version %d", registry,
              schema, from_version, copied ? t->verb : "already there",
              to_version);
}

/* pull: AWS -> the local tree; push: the local tree -> AWS. */
static int do_sync(registry_opts *o, int pull, iatk_error *err) {
  if (!o->registry || o->arg_count)
    return cli_usage("usage: iatk registry %s --registry R [--schema S]",
                     pull ? "pull" : "push");
  iatk_registry *local = iatk_registry_open(o->dir, err);
  iatk_registry *aws =
      local ? iatk_registry_open_source("aws", NULL, o->aws.profile,
                                        o->aws.region, o->aws.endpoint_url, err)
            : NULL;
  sync_tally tally = {pull ? "pulled" : "pushed", o->verbose, 0, 0};
  int rc = aws ? IATK_OK : err->code;
  if (aws) {
    cli_verbose(o->verbose, "%s %s", pull ? "from" : "to",
                iatk_registry_describe(aws));
    rc = iatk_registry_sync(pull ? aws : local, pull ? local : aws, o->registry,
                            o->schema, on_synced, &tally, err);
  }
  iatk_registry_free(aws);
  iatk_registry_free(local);
  if (rc != IATK_OK)
    return cli_fail(err);
  fprintf(stderr, "iatk: %s %u version%s (%u already there)\n", tally.verb,
          tally.copied, tally.copied == 1 ? "" : "s", tally.held);
  return 0;
}

typedef int (*action_fn)(iatk_registry *, registry_opts *, iatk_error *);

/* Reads follow the source rule; writes go to the local tree unless AWS is
 * named explicitly, so that no command publishes to AWS by default. */
static iatk_registry *open_for(const char *action, registry_opts *o,
                               iatk_error *err) {
  int writes = !strcmp(action, "create") || !strcmp(action, "put");
  const char *env = getenv("IATK_SOURCE");
  const char *source =
      writes && !o->aws.source && !(env && *env) ? "local" : o->aws.source;
  cli_aws aws = o->aws;
  aws.source = source;
  return cli_registry_open(o->dir, &aws, o->verbose, err);
}

static int do_pull(registry_opts *o, iatk_error *err) {
  return do_sync(o, 1, err);
}
static int do_push(registry_opts *o, iatk_error *err) {
  return do_sync(o, 0, err);
}

/* An action runs on the one source open_for picks, or opens its own. */
typedef struct registry_action {
  const char *name;
  action_fn on_source;
  int (*on_own)(registry_opts *, iatk_error *);
} registry_action;

static const registry_action *find_action(const char *name) {
  static const registry_action actions[] = {
      {"create", do_create, NULL},     {"put", do_put, NULL},
      {"list", do_list, NULL},         {"show", do_show, NULL},
      {"versions", do_versions, NULL}, {"pull", NULL, do_pull},
      {"push", NULL, do_push}};
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (strcmp(name, actions[i].name) == 0)
      return &actions[i];
  return NULL;
}

int cmd_registry(int argc, char **argv) {
  if (argc < 2)
    return cli_usage("missing action (run 'iatk registry --help')");
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(registry_help, stdout);
    return 0;
  }
  if (!strcmp(argv[1], "serve"))
    return cmd_serve(argc - 1, argv + 1);
  if (!strcmp(argv[1], "import"))
    return cmd_import(argc - 1, argv + 1);
  const registry_action *action = find_action(argv[1]);
  if (!action)
    return cli_usage(
        "unknown registry action '%s' (run 'iatk registry --help')", argv[1]);
  registry_opts o = {0};
  int rc = parse_args(&o, argc - 1, argv + 1);
  if (rc)
    return rc < 0 ? 0 : rc;
  iatk_error err;
  iatk_error_clear(&err);
  if (action->on_own)
    return action->on_own(&o, &err);
  iatk_registry *reg = open_for(argv[1], &o, &err);
  rc = reg ? action->on_source(reg, &o, &err) : cli_fail(&err);
  iatk_registry_free(reg);
  return rc;
}
