/* --shard: split a --start/--count run into N disjoint contiguous slices
 * with no coordination.  Event i is a pure function of (seed, i), so the
 * slices concatenated in order are exactly the single run's output. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_number(const char *text, const char *what,
                        unsigned long long *out) {
  char *end;
  if (!text || !*text || *text == '-' || *text == '+')
    return cli_usage("--shard: %s '%s' is not a number", what,
                     text ? text : "");
  *out = strtoull(text, &end, 10);
  return *end ? cli_usage("--shard: %s '%s' is not a number", what, text) : 0;
}

/* auto: the index from Kubernetes (JOB_COMPLETION_INDEX) or AWS Batch
 * (AWS_BATCH_JOB_ARRAY_INDEX); the count from auto/N, IATK_SHARD_COUNT,
 * or AWS Batch's AWS_BATCH_JOB_ARRAY_SIZE (Kubernetes puts no count of
 * completions in the environment). */
static int parse_auto(const char *total_text, cli_shard *s) {
  const char *k8s = getenv("JOB_COMPLETION_INDEX");
  const char *batch = getenv("AWS_BATCH_JOB_ARRAY_INDEX");
  const char *index = k8s && *k8s ? k8s : batch;
  if (!index || !*index)
    return cli_usage("--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes "
                     "Indexed Job) nor AWS_BATCH_JOB_ARRAY_INDEX is set");
  if (!total_text || !*total_text)
    total_text = getenv("IATK_SHARD_COUNT");
  if ((!total_text || !*total_text) && index == batch)
    total_text = getenv("AWS_BATCH_JOB_ARRAY_SIZE");
  if (!total_text || !*total_text)
    return cli_usage("--shard auto: how many shards? give --shard auto/N or "
                     "set IATK_SHARD_COUNT (the Job's completions)");
  int rc = parse_number(index, "index", &s->index);
  return rc ? rc : parse_number(total_text, "count", &s->total);
}

int cli_shard_parse(const char *arg, cli_shard *s) {
  int rc;
  if (strncmp(arg, "auto", 4) == 0 && (arg[4] == '\0' || arg[4] == '/'))
    rc = parse_auto(arg[4] ? arg + 5 : NULL, s);
  else {
    const char *slash = strchr(arg, '/');
    if (!slash)
      return cli_usage("--shard wants I/N (0 <= I < N) or auto[/N], not '%s'",
                       arg);
    char index[32];
    size_t n = (size_t)(slash - arg);
    if (n >= sizeof index)
      return cli_usage("--shard: index '%.*s' is not a number", (int)n, arg);
    memcpy(index, arg, n);
    index[n] = '\0';
    rc = parse_number(index, "index", &s->index);
    if (!rc)
      rc = parse_number(slash + 1, "count", &s->total);
  }
  if (rc)
    return rc;
  if (s->total == 0 || s->index >= s->total)
    return cli_usage("--shard %llu/%llu: the index must be below the count of "
                     "shards (0-based)",
                     s->index, s->total);
  return 0;
}

void cli_shard_apply(const cli_shard *s, unsigned long long *start,
                     unsigned long long *count) {
  /* count*I/N in 128 bits: no overflow for any 64-bit count. */
  unsigned __int128 c = *count;
  unsigned long long lo = (unsigned long long)(c * s->index / s->total);
  unsigned long long hi = (unsigned long long)(c * (s->index + 1) / s->total);
  *start += lo;
  *count = hi - lo;
}
