/* The public iatk_aws handle: a resolved configuration and a credential
 * cache shared by every thread that sends requests through it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_private.h"

/* Credentials are fetched again this long before they expire, so a
 * request signed now is not refused on arrival. */
#define REFRESH_MARGIN_SECONDS (5 * 60)

struct iatk_aws {
  iatk__aws_config cfg;
  pthread_mutex_t lock;   /* guards `cached` */
  iatk__aws_creds cached; /* access_key_id NULL when none yet */
};

iatk_aws *iatk_aws_new(const char *profile, const char *region,
                       const char *endpoint_url, iatk_error *err) {
  iatk_aws *aws = calloc(1, sizeof *aws);
  if (!aws) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  if (iatk__aws_config_load(&aws->cfg, profile, region, endpoint_url, err) !=
      IATK_OK) {
    free(aws);
    return NULL;
  }
  pthread_mutex_init(&aws->lock, NULL);
  return aws;
}

void iatk_aws_free(iatk_aws *aws) {
  if (!aws)
    return;
  iatk__aws_config_release(&aws->cfg);
  iatk__aws_creds_release(&aws->cached);
  pthread_mutex_destroy(&aws->lock);
  free(aws);
}

const char *iatk_aws_region(const iatk_aws *aws) {
  return aws ? aws->cfg.region : NULL;
}

void iatk_aws_set_inject_host_prefix(iatk_aws *aws, int on) {
  if (aws)
    aws->cfg.inject_host_prefix = on != 0;
}

void iatk_aws_set_read_timeout(iatk_aws *aws, int timeout_ms) {
  if (!aws)
    return;
  aws->cfg.read_timeout_explicit = timeout_ms > 0;
  aws->cfg.read_timeout_ms =
      timeout_ms > 0 ? timeout_ms : IATK__AWS_DEFAULT_TIMEOUT_MS;
}

const iatk__aws_config *iatk__aws_config_of(const iatk_aws *aws) {
  return &aws->cfg;
}

static int usable(const iatk__aws_creds *c, time_t now, time_t margin) {
  return c->access_key_id &&
         (c->expiration == 0 || c->expiration - now > margin);
}

/* Runs the chain again.  When that fails while the cached credentials
 * have not expired yet, they are kept: a passing STS or IMDS outage
 * should not fail requests that can still be signed. */
static int refresh(iatk_aws *aws, time_t now, iatk_error *err) {
  iatk__aws_creds next = {0};
  iatk_error local;
  iatk_error_clear(&local);
  int rc = iatk__aws_resolve_credentials(&aws->cfg, &next, &local);
  if (rc == IATK_OK) {
    iatk__aws_creds_release(&aws->cached);
    aws->cached = next;
    return IATK_OK;
  }
  if (usable(&aws->cached, now, 0))
    return IATK_OK;
  if (err && err->code == IATK_OK)
    *err = local;
  return rc;
}

int iatk__aws_credentials(iatk_aws *aws, iatk__aws_creds *out,
                          iatk_error *err) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&aws->lock);
  time_t now = time(NULL);
  int rc = usable(&aws->cached, now, REFRESH_MARGIN_SECONDS)
               ? IATK_OK
               : refresh(aws, now, err);
  if (rc == IATK_OK)
    rc = iatk__aws_creds_copy(out, &aws->cached, err);
  pthread_mutex_unlock(&aws->lock);
  return rc;
}
