/* aws_call: one iatk_aws, one AWS call through the request layer, for the
 * Python tests of lib/aws (tests/python/test_aws_*.py).
 *
 *   aws_call [--profile P] [--region R] [--endpoint-url U] [--anonymous]
 *            [-H 'Name: value']... [--query Q] [--body B]
 *            [--repeat N] [--threads N] SERVICE METHOD PATH
 *   aws_call [--profile P] [--region R] [--endpoint-url U] --show-config
 *            [--no-credentials] [SERVICE]
 *
 * A call prints "status: N", "attempts: N", a blank line and the body on
 * stdout.  A failure prints "attempts: N" and "error_code: X" on stderr,
 * then "iatk: error: <message>", and exits with iatk_err_exit_status().
 * --show-config prints the resolved profile, region, endpoint and
 * credential source with the access key id (never the secret, only the
 * session token's length).
 * --repeat/--threads send the call N times in a row / from N threads at
 * once through the same handle (the credential cache is shared). */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_internal.h"

#define MAX_HEADERS 16

typedef struct options {
  const char *profile, *region, *endpoint_url;
  const char *service, *method, *path, *query, *body;
  iatk__http_header headers[MAX_HEADERS];
  size_t header_count;
  int anonymous, show_config, no_credentials, repeat, threads;
} options;

static int usage(void) {
  fputs("usage: aws_call [--profile P] [--region R] [--endpoint-url U] "
        "[--anonymous] [-H 'N: v']... [--query Q] [--body B] [--repeat N] "
        "[--threads N] SERVICE METHOD PATH\n"
        "       aws_call [...] --show-config [--no-credentials] [SERVICE]\n",
        stderr);
  return 2;
}

static int fail(const iatk_error *err) {
  fprintf(stderr, "iatk: error: %s\n", err->message);
  return iatk_err_exit_status(err->code);
}

static int service_id(const char *name) {
  for (int i = 0; i < IATK__AWS_SERVICE_COUNT; i++)
    if (strcmp(iatk__aws_services[i].config_key, name) == 0)
      return i;
  return -1;
}

static int add_header(options *o, char *line) {
  char *colon = strchr(line, ':');
  if (!colon || o->header_count == MAX_HEADERS)
    return -1;
  *colon = '\0';
  o->headers[o->header_count++] =
      (iatk__http_header){line, colon + 1 + strspn(colon + 1, " ")};
  return 0;
}

static int parse_options(int argc, char **argv, options *o) {
  static const struct option longs[] = {{"profile", 1, 0, 'p'},
                                        {"region", 1, 0, 'r'},
                                        {"endpoint-url", 1, 0, 'e'},
                                        {"anonymous", 0, 0, 'a'},
                                        {"query", 1, 0, 'q'},
                                        {"body", 1, 0, 'b'},
                                        {"show-config", 0, 0, 's'},
                                        {"no-credentials", 0, 0, 'n'},
                                        {"repeat", 1, 0, 'R'},
                                        {"threads", 1, 0, 'T'},
                                        {0, 0, 0, 0}};
  int c;
  o->repeat = o->threads = 1;
  while ((c = getopt_long(argc, argv, "H:", longs, NULL)) != -1) {
    switch (c) {
    case 'p': o->profile = optarg; break;
    case 'r': o->region = optarg; break;
    case 'e': o->endpoint_url = optarg; break;
    case 'a': o->anonymous = 1; break;
    case 'q': o->query = optarg; break;
    case 'b': o->body = optarg; break;
    case 's': o->show_config = 1; break;
    case 'n': o->no_credentials = 1; break;
    case 'R': o->repeat = atoi(optarg); break;
    case 'T': o->threads = atoi(optarg); break;
    case 'H':
      if (add_header(o, optarg) != 0)
        return -1;
      break;
    default: return -1;
    }
  }
  int rest = argc - optind;
  if (o->show_config ? rest > 1 : rest != 3)
    return -1;
  o->service = rest > 0 ? argv[optind] : "schemas";
  o->method = rest > 1 ? argv[optind + 1] : NULL;
  o->path = rest > 2 ? argv[optind + 2] : NULL;
  return service_id(o->service) < 0 || o->repeat < 1 || o->threads < 1 ? -1 : 0;
}

static int show_config(iatk_aws *aws, const options *o) {
  const iatk__aws_config *cfg = iatk__aws_config_of(aws);
  iatk_error err;
  iatk_error_clear(&err);
  printf("profile: %s\nprofile_explicit: %d\n", cfg->profile,
         cfg->profile_explicit);
  printf("region: %s\nregion_source: %s\n", cfg->region ? cfg->region : "-",
         cfg->region_source);
  printf("max_attempts: %d\nca_bundle: %s\n", cfg->max_attempts,
         cfg->ca_bundle ? cfg->ca_bundle : "-");
  const char *source = NULL;
  char *url = iatk__aws_endpoint(cfg, service_id(o->service), &source, &err);
  printf("endpoint: %s\nendpoint_source: %s\n", url ? url : "-",
         url ? source : err.message);
  free(url);
  fflush(stdout);
  if (o->no_credentials)
    return 0;
  iatk__aws_creds creds;
  iatk_error_clear(&err);
  if (iatk__aws_credentials(aws, &creds, &err) != IATK_OK)
    return fail(&err);
  /* The token's length only: enough to see a long one survived. */
  printf("credentials: %s\naccess_key_id: %s\nsession_token_length: %zu\n"
         "expiration: %lld\n",
         creds.source, creds.access_key_id,
         creds.session_token ? strlen(creds.session_token) : 0,
         (long long)creds.expiration);
  iatk__aws_creds_release(&creds);
  return 0;
}

typedef struct job {
  iatk_aws *aws;
  const options *o;
  int status; /* exit status */
} job;

static int call_once(iatk_aws *aws, const options *o, int print) {
  iatk__aws_request req = {.service =
                               (iatk__aws_service_id)service_id(o->service),
                           .method = o->method,
                           .path = o->path,
                           .query = o->query,
                           .headers = o->headers,
                           .header_count = o->header_count,
                           .body = o->body,
                           .body_len = o->body ? strlen(o->body) : 0,
                           .anonymous = o->anonymous};
  iatk__aws_response resp;
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk__aws_send(aws, &req, &resp, &err);
  if (rc == IATK_OK && print)
    printf("status: %ld\nattempts: %d\n\n%.*s", resp.http.status, resp.attempts,
           (int)resp.http.body.len,
           resp.http.body.data ? resp.http.body.data : "");
  if (rc != IATK_OK)
    fprintf(stderr, "attempts: %d\nerror_code: %s\n", resp.attempts,
            resp.error_code);
  iatk__aws_response_release(&resp);
  return rc == IATK_OK ? 0 : fail(&err);
}

static void *run_job(void *arg) {
  job *j = arg;
  for (int i = 0; i < j->o->repeat && j->status == 0; i++)
    j->status = call_once(j->aws, j->o, 0);
  return NULL;
}

/* N threads share the handle; only the outcome is printed. */
static int call_threads(iatk_aws *aws, const options *o) {
  pthread_t ids[64];
  job jobs[64];
  int n = o->threads < 64 ? o->threads : 64, status = 0;
  for (int i = 0; i < n; i++) {
    jobs[i] = (job){aws, o, 0};
    pthread_create(&ids[i], NULL, run_job, &jobs[i]);
  }
  for (int i = 0; i < n; i++) {
    pthread_join(ids[i], NULL);
    status = status ? status : jobs[i].status;
  }
  if (status == 0)
    printf("ok: %d calls\n", n * o->repeat);
  return status;
}

int main(int argc, char **argv) {
  options o = {0};
  if (parse_options(argc, argv, &o) != 0)
    return usage();
  iatk_error err;
  iatk_error_clear(&err);
  iatk_aws *aws = iatk_aws_new(o.profile, o.region, o.endpoint_url, &err);
  if (!aws)
    return fail(&err);
  int status;
  if (o.show_config)
    status = show_config(aws, &o);
  else if (o.threads > 1 || o.repeat > 1)
    status = call_threads(aws, &o);
  else
    status = call_once(aws, &o, 1);
  iatk_aws_free(aws);
  return status;
}
