/* Placeholder replaced by the JSON-RPC service mode implementation. */
#include "cli.h"

int cli_rpc(FILE *in, FILE *out) {
  (void)in;
  (void)out;
  return cli_usage("JSON-RPC service mode is not available in this build");
}
