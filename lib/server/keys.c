/* The access keys requests may be signed with, given one by one or as an
 * AWS shared credentials file.  The list is fixed once the server listens,
 * so the threads that verify signatures read it without a lock. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "server/server_internal.h"

/* A credentials file is a few lines; anything far bigger is not one. */
#define CREDENTIALS_MAX_BYTES (1024u * 1024u)
#define KEY_ID_MAX 128
#define SECRET_MAX 1024

static int valid_id(const char *id) {
  size_t n = 0;
  for (; id[n]; n++) {
    char c = id[n];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9')))
      return 0;
  }
  return n > 0 && n <= KEY_ID_MAX;
}

static const iatk__srv_key *find_key(const iatk_server *srv, const char *id) {
  for (size_t i = 0; i < srv->key_count; i++)
    if (strcmp(srv->keys[i].id, id) == 0)
      return &srv->keys[i];
  return NULL;
}

static int append_key(iatk_server *srv, const char *id, const char *secret,
                      iatk_error *err) {
  iatk__srv_key *keys = realloc(srv->keys, (srv->key_count + 1) * sizeof *keys);
  if (!keys)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  srv->keys = keys;
  iatk__srv_key *k = &keys[srv->key_count];
  k->id = iatk__strdup(id);
  k->secret = iatk__strdup(secret);
  if (!k->id || !k->secret) {
    free(k->id);
    free(k->secret);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  srv->key_count++;
  return IATK_OK;
}

int iatk_server_add_key(iatk_server *srv, const char *access_key_id,
                        const char *secret_access_key, iatk_error *err) {
  if (!srv || srv->daemon)
    return iatk__fail(err, IATK_EINVAL,
                      "keys are added before the server listens");
  if (!access_key_id || !valid_id(access_key_id))
    return iatk__fail(err, IATK_EINVAL,
                      "an access key id is 1 to %d letters and digits",
                      KEY_ID_MAX);
  if (!secret_access_key || !*secret_access_key ||
      strlen(secret_access_key) > SECRET_MAX)
    return iatk__fail(err, IATK_EINVAL,
                      "the secret access key of %s is empty or too long",
                      access_key_id);
  const iatk__srv_key *known = find_key(srv, access_key_id);
  if (known && strcmp(known->secret, secret_access_key) != 0)
    return iatk__fail(err, IATK_EEXIST,
                      "access key %s was given twice, with different secrets",
                      access_key_id);
  return known ? IATK_OK
               : append_key(srv, access_key_id, secret_access_key, err);
}

/* ---------------------------------------------------- credentials file */

/* The two halves of a key, per profile, as the file is read. */
typedef struct profile_key {
  char *profile, *id, *secret;
} profile_key;

typedef struct profiles {
  profile_key *items;
  size_t count;
  int nomem;
} profiles;

static profile_key *profile_named(profiles *p, const char *name) {
  for (size_t i = 0; i < p->count; i++)
    if (strcmp(p->items[i].profile, name) == 0)
      return &p->items[i];
  profile_key *items = realloc(p->items, (p->count + 1) * sizeof *items);
  if (!items)
    return NULL;
  p->items = items;
  profile_key *k = &items[p->count];
  memset(k, 0, sizeof *k);
  k->profile = iatk__strdup(name);
  if (!k->profile)
    return NULL;
  p->count++;
  return k;
}

/* ini_handler: keeps the key halves, ignores everything else (regions,
 * session tokens, ...).  A key given twice keeps its last value, and
 * names are case-insensitive (AWS_ACCESS_KEY_ID), as for the AWS CLI. */
static int on_value(void *user, const char *section, const char *name,
                    const char *value) {
  profiles *p = user;
  int is_id = strcasecmp(name, "aws_access_key_id") == 0;
  if (!is_id && strcasecmp(name, "aws_secret_access_key") != 0)
    return 1;
  profile_key *k = profile_named(p, section);
  char *copy = iatk__strdup(value);
  if (!k || !copy) {
    free(copy);
    p->nomem = 1;
    return 0;
  }
  char **slot = is_id ? &k->id : &k->secret;
  free(*slot);
  *slot = copy;
  return 1;
}

static void profiles_release(profiles *p) {
  for (size_t i = 0; i < p->count; i++) {
    free(p->items[i].profile);
    free(p->items[i].id);
    free(p->items[i].secret);
  }
  free(p->items);
}

/* Adds every complete key; a half key is an error, not a skipped
 * profile: a client signing with it would be refused for no clear
 * reason. */
static int add_profiles(iatk_server *srv, const profiles *p, const char *path,
                        iatk_error *err) {
  for (size_t i = 0; i < p->count; i++) {
    const profile_key *k = &p->items[i];
    if (!k->id || !k->secret)
      return iatk__fail_at(
          err, IATK_EINVAL, path, "%s: profile [%s] has an %s but no %s", path,
          k->profile, k->id ? "aws_access_key_id" : "aws_secret_access_key",
          k->id ? "aws_secret_access_key" : "aws_access_key_id");
    int rc = iatk_server_add_key(srv, k->id, k->secret, err);
    if (rc != IATK_OK)
      return rc;
  }
  if (p->count == 0)
    return iatk__fail_at(err, IATK_EINVAL, path,
                         "%s holds no aws_access_key_id / "
                         "aws_secret_access_key pair",
                         path);
  return IATK_OK;
}

int iatk_server_add_credentials_file(iatk_server *srv, const char *path,
                                     iatk_error *err) {
  if (!srv || !path || srv->daemon)
    return iatk__fail(err, IATK_EINVAL,
                      "keys are added before the server listens");
  size_t len = 0;
  char *text = iatk__read_file(path, CREDENTIALS_MAX_BYTES, &len, err);
  if (!text)
    return iatk__error_code(err, IATK_EIO);
  profiles p = {NULL, 0, 0};
  int line = ini_parse_string(text, on_value, &p);
  free(text);
  int rc = IATK_OK;
  if (p.nomem || line == -2)
    rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  else if (line != 0)
    rc = iatk__fail_at(err, IATK_EINVAL, path,
                       "%s:%d: not a credentials file "
                       "line",
                       path, line);
  else
    rc = add_profiles(srv, &p, path, err);
  profiles_release(&p);
  return rc;
}
