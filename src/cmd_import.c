/* iatk registry import: the EventSchemas resources of CloudFormation, SAM
 * and CDK templates into the local tree, and the stacks' Outputs into an
 * outputs file shaped as `cdk deploy --outputs-file` writes it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char import_help[] =
    "usage: iatk registry import [options] TEMPLATE...\n"
    "\n"
    "Import the AWS::EventSchemas::Registry and AWS::EventSchemas::Schema\n"
    "resources of CloudFormation templates (JSON, or YAML with !Ref, !Sub,\n"
    "!GetAtt, ...), SAM templates and CDK output (cdk.out/STACK.template.json\n"
    "or the cdk.out folder itself) into the local tree.  A schema whose\n"
    "content changed gets a new version; an unchanged one is left alone.\n"
    "Each resource is printed with what happened to it.\n"
    "\n"
    "options:\n"
    "  --registry-dir DIR     the tree (default $IATK_REGISTRY_DIR)\n"
    "  --parameter K=V        a template parameter's value (repeatable; a\n"
    "                         parameter's Default applies otherwise)\n"
    "  --stack-name NAME      the stack name of the templates given as files\n"
    "                         (default: the file's name without .template.json,\n"
    "                         .json, .yaml or .yml; cdk.out names its stacks)\n"
    "  --region R             AWS::Region in ARNs and !Sub (default $AWS_REGION,\n"
    "                         $AWS_DEFAULT_REGION, else us-east-1)\n"
    "  --account ID           AWS::AccountId (default 123456789012)\n"
    "  --outputs FILE         write the stacks' Outputs that need no deployed\n"
    "                         stack into FILE as {\"STACK\": {\"KEY\": \"VALUE\"}},\n"
    "                         keeping what FILE already holds otherwise; the\n"
    "                         outputs left out are listed on stderr; '-'\n"
    "                         writes them to stdout\n"
    "  -v, --verbose          say where things are read and written\n"
    "  -h, --help             show this help\n"
    "\n"
    "Unnamed registries and schemas get CloudFormation-style names,\n"
    "LOGICALID-SUFFIX, with a suffix that is the same on every run.\n"
    "Details: docs/templates.md.\n";

typedef struct import_opts {
  const char *dir, *stack, *region, *account, *outputs;
  const char **params;
  size_t param_count;
  int verbose;
} import_opts;

enum {
  OPT_DIR = 256,
  OPT_PARAMETER,
  OPT_STACK,
  OPT_REGION,
  OPT_ACCOUNT,
  OPT_OUTPUTS
};

static const struct option long_options[] = {
    {"registry-dir", required_argument, 0, OPT_DIR},
    {"parameter", required_argument, 0, OPT_PARAMETER},
    {"stack-name", required_argument, 0, OPT_STACK},
    {"region", required_argument, 0, OPT_REGION},
    {"account", required_argument, 0, OPT_ACCOUNT},
    {"outputs", required_argument, 0, OPT_OUTPUTS},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

static int add_param(import_opts *o, const char *arg) {
  const char **more = realloc(o->params, (o->param_count + 1) * sizeof *more);
  if (!more)
    return cli_usage("out of memory");
  o->params = more;
  o->params[o->param_count++] = arg;
  return 0;
}

/* Options; the templates are argv[optind..]. */
static int parse_args(import_opts *o, int argc, char **argv) {
  int opt, rc = 0;
  opterr = 0;
  optind = 1;
  while (!rc &&
         (opt = getopt_long(argc, argv, ":vh", long_options, NULL)) != -1) {
    switch (opt) {
    case OPT_DIR: o->dir = optarg; break;
    case OPT_PARAMETER: rc = add_param(o, optarg); break;
    case OPT_STACK: o->stack = optarg; break;
    case OPT_REGION: o->region = optarg; break;
    case OPT_ACCOUNT: o->account = optarg; break;
    case OPT_OUTPUTS: o->outputs = optarg; break;
    case 'v': o->verbose = 1; break;
    case 'h': fputs(import_help, stdout); return -1;
    default: return cli_bad_option(opt, argv[optind - 1], "registry import");
    }
  }
  if (!rc && optind >= argc)
    rc = cli_usage(
        "'registry import' needs a TEMPLATE (run 'iatk registry import --help')");
  if (!rc && o->stack && argc - optind > 1)
    rc = cli_usage("--stack-name names one stack: give one TEMPLATE with it");
  return rc;
}

static const char *default_region(const char *given) {
  const char *env = getenv("AWS_REGION");
  if (given)
    return given;
  if (env && *env)
    return env;
  env = getenv("AWS_DEFAULT_REGION");
  return env && *env ? env : NULL;
}

/* Applies the options to the importer; 0 or an exit status. */
static int configure(iatk_import *imp, const import_opts *o, iatk_error *err) {
  for (size_t i = 0; i < o->param_count; i++) {
    const char *eq = strchr(o->params[i], '=');
    if (!eq || eq == o->params[i])
      return cli_usage("--parameter expects NAME=VALUE, got '%s'",
                       o->params[i]);
    char *name = strndup(o->params[i], (size_t)(eq - o->params[i]));
    int rc =
        name ? iatk_import_set_parameter(imp, name, eq + 1, err) : IATK_ENOMEM;
    free(name);
    if (rc != IATK_OK)
      return cli_fail(err);
  }
  const char *region = default_region(o->region);
  if ((o->stack && iatk_import_set_stack_name(imp, o->stack, err) != IATK_OK) ||
      (region && iatk_import_set_region(imp, region, err) != IATK_OK) ||
      (o->account && iatk_import_set_account(imp, o->account, err) != IATK_OK))
    return cli_fail(err);
  return 0;
}

static const char *status_text(int status) {
  switch (status) {
  case IATK_IMPORT_CREATED: return "created";
  case IATK_IMPORT_EXISTS: return "exists";
  case IATK_IMPORT_UNCHANGED: return "unchanged";
  default: return "new version";
  }
}

/* One line per resource: "STACK/LOGICAL: registry R created". */
static void on_resource(const char *stack, const char *logical,
                        const char *registry, const char *schema, int version,
                        int status, int generated, void *userdata) {
  (void)userdata;
  if (schema)
    printf("%s/%s: schema %s/%s version %d %s%s\n", stack, logical, registry,
           schema, version, status_text(status),
           generated ? " (generated name)" : "");
  else
    printf("%s/%s: registry %s %s%s\n", stack, logical, registry,
           status_text(status), generated ? " (generated name)" : "");
}

#define OUTPUTS_MAX_BYTES (16u * 1024u * 1024u)

/* "iatk: error: cannot read FILE: REASON"; returns the I/O exit status. */
static int io_error(const char *what, const char *path) {
  iatk_error err;
  iatk_error_clear(&err);
  err.code = IATK_EIO;
  snprintf(err.message, sizeof err.message, "%s %s%s%s", what, path,
           errno ? ": " : "", errno ? strerror(errno) : "");
  return cli_fail(&err);
}

/* The outputs file's current text into *text (NULL when there is none
 * yet); 0 or an exit status. */
static int read_existing(const char *path, char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  if (!strcmp(path, "-"))
    return 0; /* standard output: nothing to merge with */
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno == ENOENT ? 0 : io_error("cannot read", path);
  size_t cap = 0;
  int rc = 0;
  for (;;) {
    if (*len + 4096 + 1 > cap) {
      char *bigger =
          cap > OUTPUTS_MAX_BYTES ? NULL : realloc(*text, cap = cap * 2 + 8192);
      if (!bigger) {
        errno = 0;
        rc = io_error("too large (over 16 MiB)", path);
        break;
      }
      *text = bigger;
    }
    size_t n = fread(*text + *len, 1, cap - *len - 1, f);
    *len += n;
    if (n == 0)
      break;
  }
  if (!rc && ferror(f))
    rc = io_error("cannot read", path);
  fclose(f);
  return rc;
}

/* The merged file, written atomically, and what was left out. */
static int write_outputs(iatk_import *imp, const import_opts *o,
                         iatk_error *err) {
  char *old = NULL;
  size_t old_len = 0;
  int rc = read_existing(o->outputs, &old, &old_len);
  char *text = rc ? NULL : iatk_import_outputs(imp, old, old_len, err);
  free(old);
  if (!rc && !text)
    rc = cli_fail(err);
  cli_output out;
  if (!rc && cli_output_open(&out, o->outputs, err) != IATK_OK)
    rc = cli_fail(err);
  else if (!rc && cli_write(out.stream, text, strlen(text), o->outputs) != 0) {
    cli_output_abort(&out);
    rc = 7;
  } else if (!rc && cli_output_commit(&out, err) != IATK_OK) {
    rc = cli_fail(err);
  }
  iatk_free(text);
  const iatk_strlist *skipped = iatk_import_skipped(imp);
  for (size_t i = 0; !rc && i < iatk_strlist_count(skipped); i++)
    fprintf(stderr, "iatk: not evaluated locally, %s: %s\n",
            strcmp(o->outputs, "-") ? "left as the file had it" : "left out",
            iatk_strlist_get(skipped, i));
  if (!rc)
    cli_verbose(o->verbose, "wrote %s", o->outputs);
  return rc;
}

int cmd_import(int argc, char **argv) {
  import_opts o = {0};
  int rc = parse_args(&o, argc, argv);
  if (rc) {
    free(o.params);
    return rc < 0 ? 0 : rc;
  }
  iatk_error err;
  iatk_error_clear(&err);
  iatk_registry *reg = iatk_registry_open(o.dir, &err);
  iatk_import *imp = reg ? iatk_import_new(reg, &err) : NULL;
  rc = imp ? configure(imp, &o, &err) : cli_fail(&err);
  if (!rc)
    cli_verbose(o.verbose, "importing into %s", iatk_registry_describe(reg));
  iatk_import_set_callback(imp, on_resource, NULL);
  for (int i = optind; !rc && i < argc; i++)
    if (iatk_import_file(imp, argv[i], &err) != IATK_OK)
      rc = cli_fail(&err);
  fflush(stdout);
  if (!rc && o.outputs)
    rc = write_outputs(imp, &o, &err);
  iatk_import_free(imp);
  iatk_registry_free(reg);
  free(o.params);
  return rc;
}
