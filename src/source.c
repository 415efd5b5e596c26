/* The schema a command works on: from a local registry or from a file. */
#include <getopt.h>
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
  default: return 0;
  }
}

int cli_source_check(const cli_source *s, const char *command) {
  int from_registry = s->registry || s->schema || s->version;
  if (s->file && from_registry)
    return cli_usage("--file cannot be combined with --registry/--schema/--schema-version");
  if (!s->file && (!s->registry || !s->schema))
    return cli_usage("name the schema: --registry R --schema S, or --file PATH "
                     "(run 'iatk %s --help')", command);
  if (s->type && !s->file)
    return cli_usage("--type applies to --file only (registries store the type)");
  return 0;
}

static iatk_schema *load(const cli_source *s, iatk_error *err) {
  if (s->file) {
    cli_verbose(s->verbose, "schema from file %s", s->file);
    return iatk_schema_load_file(s->file, s->type, err);
  }
  iatk_registry *reg = iatk_registry_open(s->registry_dir, err);
  iatk_schema *schema =
      reg ? iatk_registry_load(reg, s->registry, s->schema, s->version, err) : NULL;
  if (schema && s->verbose) {
    /* the origin is "REGISTRY/SCHEMA/VERSION/schema.json" */
    const char *origin = iatk_schema_origin(schema);
    const char *version = origin + strlen(s->registry) + strlen(s->schema) + 2;
    cli_verbose(1, "schema %s/%s (version %.*s, %s) from local registry %s",
                s->registry, s->schema, (int)strcspn(version, "/"), version,
                iatk_schema_type(schema), iatk_registry_root(reg));
  }
  iatk_registry_free(reg);
  return schema;
}

iatk_schema *cli_source_load(const cli_source *s, iatk_error *err) {
  iatk_schema *schema = load(s, err);
  if (schema && s->dialect && iatk_schema_set_dialect(schema, s->dialect, err) != IATK_OK) {
    iatk_schema_free(schema);
    return NULL;
  }
  if (schema)
    cli_verbose(s->verbose, "dialect %s%s", iatk_schema_dialect(schema),
                s->dialect ? " (--dialect)" : "");
  return schema;
}
