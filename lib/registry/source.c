/* Choosing the source a command reads: the local tree or AWS.  The rule
 * (documented at iatk_registry_open_source) is one function so that the
 * CLI, the Python package and the JSON-RPC mode cannot drift apart. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_aws.h"

iatk_registry *iatk_registry_open_aws(iatk_aws *aws, const char *cache_dir,
                                      iatk_error *err) {
  if (!aws) {
    iatk__fail(err, IATK_EINVAL, "no AWS client given");
    return NULL;
  }
  return iatk__aws_registry_new(aws, 0, cache_dir, err);
}

/* Said with a configuration error when AWS was not asked for by name. */
#define AUTOMATIC_AWS                                                          \
  "schemas are read from AWS because no local registry is configured: "        \
  "pass --registry-dir DIR or set IATK_REGISTRY_DIR to read a local one"

static int tree_configured(const char *root_dir) {
  const char *env = getenv("IATK_REGISTRY_DIR");
  return (root_dir && *root_dir) || (env && *env);
}

iatk_registry *
iatk_registry_open_source(const char *source, const char *root_dir,
                          const char *profile, const char *region,
                          const char *endpoint_url, iatk_error *err) {
  const char *env = getenv("IATK_SOURCE");
  const char *chosen = source ? source : (env && *env ? env : NULL);
  int automatic = !chosen;
  if (!chosen)
    chosen = tree_configured(root_dir) ? "local" : "aws";
  /* Named explicitly, AWS is AWS; otherwise the built-in aws.events
   * catalogue is layered over the source chosen (catalogue.c). */
  if (strcmp(chosen, "local") == 0)
    return iatk__catalogue_layer(iatk_registry_open(root_dir, err), 1, err);
  if (strcmp(chosen, "aws") != 0) {
    iatk__fail(err, IATK_EINVAL,
               "unknown schema source '%s'%s: expected local or aws", chosen,
               source ? "" : " (from IATK_SOURCE)");
    return NULL;
  }
  iatk_aws *aws = iatk_aws_new(profile, region, endpoint_url, err);
  iatk_registry *reg = aws ? iatk__aws_registry_new(aws, 1, NULL, err) : NULL;
  if (automatic && reg)
    ((aws_registry *)reg)->chosen_because = AUTOMATIC_AWS;
  else if (automatic)
    iatk__aws_explain_source(AUTOMATIC_AWS, err);
  /* An endpoint given by argument asks for that endpoint's aws.events. */
  int layered = automatic && !(endpoint_url && *endpoint_url);
  return layered ? iatk__catalogue_layer(reg, 0, err) : reg;
}
