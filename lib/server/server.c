/* The public iatk_server handle: its settings, starting and stopping.
 * Settings are fixed once the server listens, which is what lets the
 * request threads read them without locks. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "server/server_internal.h"

static int configurable(const iatk_server *srv, iatk_error *err) {
  if (!srv)
    return iatk__fail(err, IATK_EINVAL, "no server handle given");
  if (srv->daemon)
    return iatk__fail(err, IATK_EINVAL,
                      "the server is listening: settings are made before "
                      "iatk_server_listen");
  return IATK_OK;
}

/* Replaces *slot with a copy of value. */
static int set_string(char **slot, const char *value, iatk_error *err) {
  char *copy = iatk__strdup(value);
  if (!copy)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(*slot);
  *slot = copy;
  return IATK_OK;
}

static int init_sync(iatk_server *srv) {
  pthread_condattr_t attr;
  if (pthread_condattr_init(&attr) != 0)
    return -1;
  /* The stop's grace period is measured on the monotonic clock. */
  int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) |
           pthread_cond_init(&srv->flight_done, &attr);
  pthread_condattr_destroy(&attr);
  if (rc == 0)
    rc = pthread_mutex_init(&srv->flight_lock, NULL) |
         pthread_mutex_init(&srv->write_lock, NULL);
  return rc;
}

iatk_server *iatk_server_new(iatk_registry *reg, iatk_error *err) {
  if (!reg || !iatk_registry_root(reg)) {
    iatk__fail(err, IATK_EINVAL,
               "a registry server needs a local registry tree");
    return NULL;
  }
  iatk_server *srv = calloc(1, sizeof *srv);
  if (!srv) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  if (set_string(&srv->root, iatk_registry_root(reg), err) != IATK_OK ||
      set_string(&srv->region, "us-east-1", err) != IATK_OK ||
      set_string(&srv->account, "123456789012", err) != IATK_OK ||
      RAND_bytes(srv->token_key, sizeof srv->token_key) != 1 ||
      init_sync(srv) != 0) {
    iatk__fail(err, IATK_ENOMEM, "cannot set up the server");
    free(srv->root);
    free(srv->region);
    free(srv->account);
    free(srv);
    return NULL;
  }
  return srv;
}

void iatk_server_free(iatk_server *srv) {
  if (!srv)
    return;
  iatk__srv_http_stop(srv);
  for (size_t i = 0; i < srv->key_count; i++) {
    /* Secrets do not linger in freed memory. */
    OPENSSL_cleanse(srv->keys[i].secret, strlen(srv->keys[i].secret));
    free(srv->keys[i].id);
    free(srv->keys[i].secret);
  }
  free(srv->keys);
  pthread_cond_destroy(&srv->flight_done);
  pthread_mutex_destroy(&srv->flight_lock);
  pthread_mutex_destroy(&srv->write_lock);
  free(srv->root);
  free(srv->region);
  free(srv->account);
  free(srv);
}

static int valid_region(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
          s[n] == '-'))
      return 0;
  return n > 0 && n <= 32;
}

static int valid_account(const char *s) {
  size_t n = strspn(s, "0123456789");
  return n == 12 && s[n] == '\0';
}

int iatk_server_set_arn(iatk_server *srv, const char *region,
                        const char *account, iatk_error *err) {
  int rc = configurable(srv, err);
  if (rc == IATK_OK && region && !valid_region(region))
    rc = iatk__fail(err, IATK_EINVAL,
                    "invalid region '%s': lower-case letters, digits and '-'",
                    region);
  if (rc == IATK_OK && account && !valid_account(account))
    rc = iatk__fail(err, IATK_EINVAL,
                    "invalid account '%s': an AWS account id is 12 digits",
                    account);
  if (rc == IATK_OK && region)
    rc = set_string(&srv->region, region, err);
  if (rc == IATK_OK && account)
    rc = set_string(&srv->account, account, err);
  return rc;
}

int iatk_server_set_log(iatk_server *srv, iatk_server_log_fn fn, void *userdata,
                        iatk_error *err) {
  int rc = configurable(srv, err);
  if (rc == IATK_OK) {
    srv->log = fn;
    srv->log_data = userdata;
  }
  return rc;
}

int iatk_server_listen(iatk_server *srv, const char *address, iatk_error *err) {
  int rc = configurable(srv, err);
  if (rc == IATK_OK && !address)
    rc = iatk__fail(err, IATK_EINVAL, "no listen address given");
  if (rc != IATK_OK)
    return rc;
  int fd = -1;
  rc = iatk__srv_listen_socket(address, &fd, &srv->port, srv->url, err);
  if (rc == IATK_OK)
    rc = iatk__srv_http_start(srv, fd, err);
  if (rc != IATK_OK) {
    srv->port = 0;
    srv->url[0] = '\0';
  }
  return rc;
}

int iatk_server_port(const iatk_server *srv) { return srv ? srv->port : 0; }

const char *iatk_server_url(const iatk_server *srv) {
  return srv ? srv->url : "";
}
