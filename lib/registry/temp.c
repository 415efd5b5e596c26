/* Temporary version directories.
 *
 * A put writes a version into ".tmp-<owner>-<pid>-<random>" next to the
 * versions and renames it to its number (local.c), so a reader never sees
 * half a version.  <owner> names one pid namespace of one boot of one
 * machine (a hash of the boot id and the namespace's inode): with <pid>, it
 * tells which process made a directory, and whether it can still be
 * running. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/registry_internal.h"

#define PREFIX ".tmp-"
#define OWNER_LEN 16
/* An owner no other process can match: used when ours cannot be told. */
#define UNKNOWN_OWNER "0000000000000000"
/* Collisions of random temporary names are rare; this bounds bad luck. */
#define TEMP_ATTEMPTS 100

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}

/* Writes our owner tag; UNKNOWN_OWNER when /proc cannot tell it. */
static void owner_tag(char out[OWNER_LEN + 1]) {
  char boot[64];
  ssize_t n = -1;
  int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    n = read(fd, boot, sizeof boot);
    close(fd);
  }
  struct stat ns;
  if (n <= 0 || stat("/proc/self/ns/pid", &ns) != 0) {
    memcpy(out, UNKNOWN_OWNER, OWNER_LEN + 1);
    return;
  }
  uint64_t h = fnv1a(0xcbf29ce484222325u, boot, (size_t)n);
  h = fnv1a(h, &ns.st_dev, sizeof ns.st_dev);
  h = fnv1a(h, &ns.st_ino, sizeof ns.st_ino);
  snprintf(out, OWNER_LEN + 1, "%016llx", (unsigned long long)h);
}

void iatk_temp_name(long pid, iatk_rng *rng, char out[IATK_TEMP_NAME_SIZE]) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char owner[OWNER_LEN + 1], random[7];
  owner_tag(owner);
  for (size_t i = 0; i < sizeof random - 1; i++)
    random[i] = alphabet[iatk_rng_below(rng, sizeof alphabet - 1)];
  random[sizeof random - 1] = '\0';
  snprintf(out, IATK_TEMP_NAME_SIZE, PREFIX "%s-%ld-%s", owner, pid, random);
}

/* Opens the directory just made; a failure leaves `name` set so the
 * caller removes it. */
static int open_made(const iatk_tree_dir *schema, const char *name,
                     iatk_tree_dir *out, iatk_error *err) {
  int rc = iatk_tree_open(schema, name, 0, out, err);
  if (rc == IATK_OK && out->fd < 0)
    rc = iatk_fail_at(err, IATK_EIO, out->path,
                      "temporary directory %s vanished", out->path);
  return rc;
}

/* Like mkdtemp(3), but with mode 0777 less the umask rather than 0700:
 * the version directory it becomes must be as readable as the rest of
 * the tree, and reading the umask is not thread-safe. */
int iatk_temp_make(const iatk_tree_dir *schema, char name[IATK_TEMP_NAME_SIZE],
                   iatk_tree_dir *out, iatk_error *err) {
  iatk_rng rng;
  iatk_rng_init_fresh(&rng);
  for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
    iatk_temp_name((long)getpid(), &rng, name);
    if (mkdirat(schema->fd, name, 0777) == 0)
      return open_made(schema, name, out, err);
    int e = errno;
    name[0] = '\0';
    if (e != EEXIST)
      return iatk_fail_at(err, IATK_EIO, schema->path,
                          "cannot create a temporary directory in %s: %s",
                          schema->path, strerror(e));
  }
  return iatk_fail_at(err, IATK_EIO, schema->path,
                      "cannot create a temporary directory in %s: every name "
                      "tried was taken",
                      schema->path);
}

/* Only the two files a put writes: anything else in there is not ours to
 * delete, and then the directory stays.  unlinkat never follows links. */
void iatk_temp_remove(const iatk_tree_dir *schema, const char *name) {
  int fd =
      openat(schema->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    unlinkat(fd, "schema.json", 0);
    unlinkat(fd, "meta.json", 0);
    close(fd);
  }
  unlinkat(schema->fd, name, AT_REMOVEDIR);
}
