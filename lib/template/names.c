/* Names CloudFormation would make for unnamed EventSchemas resources,
 * and the partitions ARNs are written in.
 *
 * CloudFormation names an AWS::EventSchemas::Registry or ::Schema that has
 * no RegistryName / SchemaName "<LogicalId>-<12 random letters and
 * digits>" (the seed's outputs.json shows "MyRegsitry-xx5rNdAMGJL1"); the
 * stack name is not part of it, unlike for most resource types.  A local
 * import must give the same name on every run, so the suffix here is a
 * hash of the stack name and the logical ID instead of random. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "template/template_internal.h"

#define SUFFIX_LEN 12

static void suffix(const char *stack, const char *logical,
                   char out[SUFFIX_LEN + 1]) {
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  /* The NUL between the two keeps ("ab", "c") apart from ("a", "bc"). */
  if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
      EVP_DigestUpdate(ctx, stack, strlen(stack) + 1) &&
      EVP_DigestUpdate(ctx, logical, strlen(logical)))
    EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  for (int i = 0; i < SUFFIX_LEN; i++)
    out[i] = alphabet[(md_len ? md[i] : 0) % 62];
  out[SUFFIX_LEN] = '\0';
}

char *iatk__generated_name(const char *stack, const char *logical, size_t max) {
  char tail[SUFFIX_LEN + 1];
  suffix(stack, logical, tail);
  size_t keep = strlen(logical);
  if (max > SUFFIX_LEN + 1 && keep > max - SUFFIX_LEN - 1)
    keep = max - SUFFIX_LEN - 1;
  size_t size = keep + SUFFIX_LEN + 2;
  char *name = malloc(size);
  if (name)
    snprintf(name, size, "%.*s-%s", (int)keep, logical, tail);
  return name;
}

const char *iatk__partition(const char *region) {
  if (region && !strncmp(region, "cn-", 3))
    return "aws-cn";
  if (region && !strncmp(region, "us-gov-", 7))
    return "aws-us-gov";
  return "aws";
}

const char *iatk__url_suffix(const char *region) {
  return region && !strncmp(region, "cn-", 3) ? "amazonaws.com.cn"
                                              : "amazonaws.com";
}
