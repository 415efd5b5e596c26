/* Benchmark: events per second of libiatk on one core (one thread, a
 * compiled plan, iatk_gen_event in a loop), and the peak memory of one
 * `iatk generate` process.  The peers (openapi-sampler, json-schema-faker)
 * are measured by bench/peers/peers.mjs; bench/compare.py puts both in one
 * table.
 *
 * usage: bench_generate [--event-ref REF] [--mode M]... [--seconds S]
 *                       [--warmup S] [--count N] [--rss IATK] [SCHEMA_FILE]
 *   SCHEMA_FILE  default: the seed's registry schema, with --event-ref MyEvent
 *   --mode M     barebone, sample or random; repeatable (default: barebone
 *                and random)
 *   --seconds S  wall-clock budget per mode, after the warm-up (default 2)
 *   --warmup S   untimed generation before each figure (default 0.2)
 *   --count N    generate exactly N events per mode instead of timing (for
 *                valgrind --tool=callgrind: instructions per event)
 *   --rss IATK   also print the peak RSS of `IATK generate --count 1000`
 *                (default with no SCHEMA_FILE: build/iatk)
 *
 * One line per mode: "<mode> <E> events/s <C> events/cpu-s cpu/wall <R>
 * <B> bytes/event ...": E per second of wall-clock time, C per second of the
 * process's CPU time (what other load on the machine does not change), R
 * the share of the budget the process was on a core.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "iatk/iatk.h"

#define DEFAULT_SCHEMA                                                         \
  "examples/04-event_generation/registry/MyRegistry-local/MySchema-local/1/schema.json"
#define MAX_MODES 8

extern char **environ;

struct options {
  const char *schema, *event_ref, *rss_binary;
  const char *modes[MAX_MODES];
  int n_modes;
  double seconds, warmup;
  unsigned long long count;
};

static double clock_seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }
static double cpu_seconds(void) {
  return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void usage(void) {
  fputs("usage: bench_generate [--event-ref REF] [--mode M]... [--seconds S] "
        "[--warmup S] [--count N] [--rss IATK] [SCHEMA_FILE]\n",
        stderr);
  exit(2);
}

static void parse_args(int argc, char **argv, struct options *o) {
  *o = (struct options){.seconds = 2.0, .warmup = 0.2};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int has_value = 1;
    if (!strcmp(a, "--event-ref") && v)
      o->event_ref = v;
    else if (!strcmp(a, "--mode") && v && o->n_modes < MAX_MODES)
      o->modes[o->n_modes++] = v;
    else if (!strcmp(a, "--seconds") && v)
      o->seconds = atof(v);
    else if (!strcmp(a, "--warmup") && v)
      o->warmup = atof(v);
    else if (!strcmp(a, "--count") && v)
      o->count = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--rss") && v)
      o->rss_binary = v;
    else if (a[0] != '-' && !o->schema)
      has_value = 0, o->schema = a;
    else
      usage();
    i += has_value;
  }
  if (!o->schema) {
    o->schema = DEFAULT_SCHEMA;
    o->event_ref = o->event_ref ? o->event_ref : "MyEvent";
    o->rss_binary = o->rss_binary ? o->rss_binary : "build/iatk";
  }
  if (!o->n_modes) {
    o->modes[o->n_modes++] = "barebone";
    o->modes[o->n_modes++] = "random";
  }
}

/* Generates events from index *n on until `budget` seconds have passed (or,
 * with a budget of 0, exactly `count` events); returns the elapsed time. */
static double run(iatk_gen *gen, double budget, unsigned long long count,
                  unsigned long long *n, size_t *bytes) {
  double start = seconds(), elapsed;
  unsigned long long stop = *n + count;
  do {
    for (int i = 0; i < 1000 && (budget > 0 || *n < stop); i++, (*n)++) {
      const char *text;
      size_t len;
      iatk_error err;
      if (iatk_gen_event(gen, *n, &text, &len, &err) != IATK_OK) {
        fprintf(stderr, "bench_generate: %s\n", err.message);
        exit(1);
      }
      *bytes += len;
    }
    elapsed = seconds() - start;
  } while (budget > 0 ? elapsed < budget : *n < stop);
  return elapsed;
}

static void measure(const iatk_plan *plan, const char *mode_name,
                    const struct options *o) {
  int mode = iatk_mode_parse(mode_name);
  iatk_error err;
  iatk_gen *gen = mode < 0 ? NULL : iatk_gen_new(plan, &err);
  if (!gen) {
    fprintf(stderr, "bench_generate: %s\n",
            mode < 0 ? "unknown mode" : err.message);
    exit(mode < 0 ? 2 : 1);
  }
  iatk_gen_set_mode(gen, (iatk_mode)mode);
  iatk_gen_set_seed(gen, 1);
  unsigned long long n = 0, first = 0;
  size_t bytes = 0;
  double elapsed, cpu = cpu_seconds();
  if (o->count) {
    elapsed = run(gen, 0, o->count, &n, &bytes);
  } else {
    run(gen, o->warmup, 0, &n, &bytes);
    first = n;
    bytes = 0;
    cpu = cpu_seconds();
    elapsed = run(gen, o->seconds, 0, &n, &bytes);
  }
  cpu = cpu_seconds() - cpu;
  n -= first;
  printf("%-9s %12.0f events/s %12.0f events/cpu-s  cpu/wall %.2f %6zu "
         "bytes/event  (%llu events in %.3f s)\n",
         mode_name, n / elapsed, cpu > 0 ? n / cpu : 0, cpu / elapsed,
         n ? bytes / (size_t)n : 0, n, elapsed);
  iatk_gen_free(gen);
}

static long peak_rss_kib(const struct options *o) {
  char *argv[] = {(char *)o->rss_binary,
                  "generate",
                  "--file",
                  (char *)o->schema,
                  "--count",
                  "1000",
                  NULL,
                  NULL,
                  NULL};
  if (o->event_ref) {
    argv[6] = "--event-ref";
    argv[7] = (char *)o->event_ref;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
  pid_t pid;
  int spawned = posix_spawn(&pid, o->rss_binary, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (spawned != 0)
    return -1;
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return -1;
  return ru.ru_maxrss;
}

int main(int argc, char **argv) {
  struct options o;
  parse_args(argc, argv, &o);
  iatk_error err;
  iatk_schema *schema = iatk_schema_load_file(o.schema, NULL, &err);
  iatk_plan *plan = schema ? iatk_compile(schema, o.event_ref, &err) : NULL;
  iatk_schema_free(schema);
  if (!plan) {
    fprintf(stderr, "bench_generate: %s\n", err.message);
    return 1;
  }
  if (o.count)
    printf("iatk %s bench_generate: %s%s%s, %llu events per mode\n",
           iatk_version(), o.schema, o.event_ref ? " " : "",
           o.event_ref ? o.event_ref : "", o.count);
  else
    printf("iatk %s bench_generate: %s%s%s, one thread, %.1f s per figure "
           "after %.1f s warm-up\n",
           iatk_version(), o.schema, o.event_ref ? " " : "",
           o.event_ref ? o.event_ref : "", o.seconds, o.warmup);
  for (int i = 0; i < o.n_modes; i++)
    measure(plan, o.modes[i], &o);
  if (o.rss_binary) {
    long rss = peak_rss_kib(&o);
    if (rss > 0)
      printf("peak RSS of `iatk generate --count 1000`: %ld KiB\n", rss);
    else
      printf("peak RSS: could not run %s\n", o.rss_binary);
  }
  iatk_plan_free(plan);
  return 0;
}
