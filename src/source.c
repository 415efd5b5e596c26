/* The schema a command works on: from a local registry or from a file. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_source_option(cli_source *s, int opt, const char *arg) {
  switch (opt) {
  case CLI_OPT_REGISTRY_DIR: s->registry_dir = arg; return 1;
  case CLI_OPT_REGISTRY: s->registry = arg; return 1;
  case CLI_OPT_SCHEMA: s->schema = arg; return 1;
  case CLI_OPT_VERSION: s->version = arg; return 1;
  case CLI_OPT_FILE: s->file = arg; return 1;
  case CLI_OPT_TYPE: s->type = arg; return 1;
  case CLI_OPT_DIALECT: s->dialect = arg; return 1;
  default: return cli_aws_option(&s->aws, opt, arg);
  }
}

int cli_aws_option(cli_aws *a, int opt, const char *arg) {
  switch (opt) {
  case CLI_OPT_AWS_SOURCE: a->source = arg; return 1;
  case CLI_OPT_AWS_PROFILE: a->profile = arg; return 1;
  case CLI_OPT_AWS_REGION: a->region = arg; return 1;
  case CLI_OPT_AWS_ENDPOINT_URL: a->endpoint_url = arg; return 1;
  default: return 0;
  }
}

iatk_registry *cli_registry_open(const char *dir, const cli_aws *a, int verbose,
                                 iatk_error *err) {
  iatk_registry *reg = iatk_registry_open_source(
      a->source, dir, a->profile, a->region, a->endpoint_url, err);
  if (reg)
    cli_verbose(verbose, "source: %s", iatk_registry_describe(reg));
  return reg;
}

const char *cli_served_note(const iatk_registry *reg, char *buf, size_t size) {
  const char *by = iatk_registry_served_by(reg);
  if (iatk_registry_cache_hits(reg))
    return " from the cache of fetched versions";
  if (!by || by == iatk_registry_describe(reg) ||
      strcmp(by, iatk_registry_describe(reg)) == 0)
    return "";
  snprintf(buf, size, " from %s", by);
  return buf;
}

int cli_source_check(const cli_source *s, const char *command) {
  int from_registry = s->registry || s->schema || s->version;
  if (s->file && from_registry)
    return cli_usage(
        "--file cannot be combined with --registry/--schema/--schema-version");
  if (!s->file && (!s->registry || !s->schema))
    return cli_usage("name the schema: --registry R --schema S, or --file PATH "
                     "(run 'iatk %s --help')",
                     command);
  if (s->type && !s->file)
    return cli_usage(
        "--type applies to --file only (registries store the type)");
  if (s->file &&
      (s->aws.source || s->aws.profile || s->aws.region || s->aws.endpoint_url))
    return cli_usage(
        "--source/--profile/--region/--endpoint-url apply to registries, not --file");
  return 0;
}

static iatk_schema *load(const cli_source *s, iatk_error *err) {
  if (s->file) {
    cli_verbose(s->verbose, "schema from file %s", s->file);
    return iatk_schema_load_file(s->file, s->type, err);
  }
  iatk_registry *reg =
      cli_registry_open(s->registry_dir, &s->aws, s->verbose, err);
  iatk_schema *schema =
      reg ? iatk_registry_load(reg, s->registry, s->schema, s->version, err)
          : NULL;
  if (schema && s->verbose) {
    /* the origin is "REGISTRY/SCHEMA/VERSION/schema.json" */
    const char *origin = iatk_schema_origin(schema);
    const char *version = origin + strlen(s->registry) + strlen(s->schema) + 2;
    char note[PATH_MAX + 64];
    cli_verbose(1, "schema %s/%s (version %.*s, %s)%s", s->registry, s->schema,
                (int)strcspn(version, "/"), version, iatk_schema_type(schema),
                cli_served_note(reg, note, sizeof note));
  }
  iatk_registry_free(reg);
  return schema;
}

iatk_schema *cli_source_load(const cli_source *s, iatk_error *err) {
  iatk_schema *schema = load(s, err);
  if (schema && s->dialect &&
      iatk_schema_set_dialect(schema, s->dialect, err) != IATK_OK) {
    iatk_schema_free(schema);
    return NULL;
  }
  if (schema)
    cli_verbose(s->verbose, "dialect %s%s", iatk_schema_dialect(schema),
                s->dialect ? " (--dialect)" : "");
  return schema;
}
