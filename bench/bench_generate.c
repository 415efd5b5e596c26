/* Benchmark: events per second generating the seed's barebone MyEvent on
 * one core, against a peer in the same process (building the same event as
 * a jansson DOM and serialising it, the way a DOM-based generator works),
 * plus peak memory of one `iatk generate` process.
 *
 * usage: bench_generate [SCHEMA_FILE [IATK_BINARY]]
 *   defaults: examples/04-event_generation/registry/MyRegistry-local/
 *             MySchema-local/1/schema.json and build/iatk
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "iatk/iatk.h"

#define DEFAULT_SCHEMA \
  "examples/04-event_generation/registry/MyRegistry-local/MySchema-local/1/schema.json"

extern char **environ;

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the generator for about `budget` seconds; returns events/second. */
static double rate_iatk(iatk_gen *gen, double budget, size_t *bytes) {
  uint64_t n = 0;
  size_t total = 0;
  double start = seconds(), elapsed;
  do {
    for (int i = 0; i < 10000; i++, n++) {
      const char *text;
      size_t len;
      if (iatk_gen_event(gen, n, &text, &len, NULL) != IATK_OK)
        return 0;
      total += len;
    }
    elapsed = seconds() - start;
  } while (elapsed < budget);
  *bytes = total / n;
  return n / elapsed;
}

/* The peer: the same event built as a DOM and dumped, per event. */
static double rate_dom(double budget) {
  uint64_t n = 0;
  double start = seconds(), elapsed;
  do {
    for (int i = 0; i < 10000; i++, n++) {
      json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:[]}", "customerId", "",
                            "datetime", "2023-10-18T21:08:04.782196-07:00",
                            "membershipType", "A", "address", "",
                            "orderItems");
      char *text = json_dumps(e, JSON_COMPACT);
      free(text);
      json_decref(e);
    }
    elapsed = seconds() - start;
  } while (elapsed < budget);
  return n / elapsed;
}

static long peak_rss_kib(const char *iatk, const char *schema) {
  char *argv[] = {(char *)iatk, "generate", "--file", (char *)schema,
                  "--event-ref", "MyEvent", "--count", "1000", NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
  pid_t pid;
  if (posix_spawn(&pid, iatk, &fa, NULL, argv, environ) != 0)
    return -1;
  posix_spawn_file_actions_destroy(&fa);
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return -1;
  return ru.ru_maxrss;
}

static iatk_gen *make_gen(const char *path, iatk_mode mode, iatk_plan **plan) {
  iatk_error err;
  iatk_schema *schema = iatk_schema_load_file(path, NULL, &err);
  *plan = schema ? iatk_compile(schema, "MyEvent", &err) : NULL;
  iatk_schema_free(schema);
  iatk_gen *gen = *plan ? iatk_gen_new(*plan, &err) : NULL;
  if (!gen) {
    fprintf(stderr, "bench_generate: %s\n", err.message);
    exit(1);
  }
  iatk_gen_set_mode(gen, mode);
  iatk_gen_set_seed(gen, 42);
  return gen;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : DEFAULT_SCHEMA;
  const char *iatk = argc > 2 ? argv[2] : "build/iatk";
  iatk_plan *plan, *plan_random;
  iatk_gen *barebone = make_gen(path, IATK_MODE_BAREBONE, &plan);
  iatk_gen *random = make_gen(path, IATK_MODE_RANDOM, &plan_random);
  size_t bytes_b, bytes_r;
  double r_bare = rate_iatk(barebone, 2.0, &bytes_b);
  double r_rand = rate_iatk(random, 2.0, &bytes_r);
  double r_dom = rate_dom(2.0);
  printf("iatk %s bench_generate: seed MyEvent, one core, 2 s per figure\n",
         iatk_version());
  printf("  barebone (iatk plan -> text)  %12.0f events/s  (%zu bytes/event)\n",
         r_bare, bytes_b);
  printf("  random   (iatk plan -> text)  %12.0f events/s  (%zu bytes/event)\n",
         r_rand, bytes_r);
  printf("  peer: jansson DOM build+dump  %12.0f events/s\n", r_dom);
  printf("  ratio barebone / DOM peer     %12.1fx\n", r_bare / r_dom);
  long rss = peak_rss_kib(iatk, path);
  if (rss > 0)
    printf("  peak RSS of `iatk generate --count 1000`: %ld KiB\n", rss);
  else
    printf("  peak RSS: could not run %s\n", iatk);
  iatk_gen_free(barebone);
  iatk_gen_free(random);
  iatk_plan_free(plan);
  iatk_plan_free(plan_random);
  return 0;
}
