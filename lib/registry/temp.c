/* Temporary version directories, and the leftovers of writers that died.
 *
 * A put writes a version into ".tmp-<owner>-<pid>-<random>" next to the
 * versions and renames it to its number (local.c).  A put that dies first
 * (kill -9, power loss) leaves that directory behind.  Readers ignore it,
 * and a later put into the same schema removes it once no writer can still
 * be using it:
 *
 *  - <owner> names one pid namespace of one boot of one machine (a hash of
 *    the boot id and the namespace's inode).  When it is ours, <pid> means
 *    the same process to us as it did to the writer, so the directory is
 *    stale exactly when that process is gone (kill(pid, 0) says ESRCH).  A
 *    live pid is never touched: it is the writer itself, or an unrelated
 *    process that reused the pid, and then a later put cleans up.
 *  - Otherwise (a tree shared over NFS or between containers, a reboot
 *    since the crash, a leftover of an older iatk) no pid can be checked,
 *    and only age tells: a directory untouched for STALE_SECONDS, while a
 *    put lasts a second or two, is taken as abandoned.
 *
 * Removal first renames the directory to a fresh temporary name of our
 * own.  That is atomic, so even a writer wrongly taken for dead (stopped
 * for a day on another machine) can never publish a directory we are
 * emptying: its own rename fails instead.  And if we die while removing,
 * what is left carries our pid, which a later put will find dead. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry/registry_internal.h"

#define PREFIX ".tmp-"
#define PREFIX_LEN 5
#define OWNER_LEN 16
/* An owner no other process can match: used when ours cannot be told. */
#define UNKNOWN_OWNER "0000000000000000"
/* Collisions of random temporary names are rare; this bounds bad luck. */
#define TEMP_ATTEMPTS 100
/* A day: far beyond any put, and leftovers are harmless until then. */
#define STALE_SECONDS (24 * 60 * 60)

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

void iatk__temp_name(long pid, iatk_rng *rng, char out[IATK_TEMP_NAME_SIZE]) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char owner[OWNER_LEN + 1], random[7];
  owner_tag(owner);
  for (size_t i = 0; i < sizeof random - 1; i++)
    random[i] = alphabet[iatk__rng_below(rng, sizeof alphabet - 1)];
  random[sizeof random - 1] = '\0';
  snprintf(out, IATK_TEMP_NAME_SIZE, PREFIX "%s-%ld-%s", owner, pid, random);
}

/* Opens the directory just made; a failure leaves `name` set so the
 * caller removes it. */
static int open_made(const iatk_tree_dir *schema, const char *name,
                     iatk_tree_dir *out, iatk_error *err) {
  int rc = iatk__tree_open(schema, name, 0, out, err);
  if (rc == IATK_OK && out->fd < 0)
    rc = iatk__fail_at(err, IATK_EIO, out->path,
                       "temporary directory %s vanished", out->path);
  return rc;
}

/* Like mkdtemp(3), but with mode 0777 less the umask rather than 0700:
 * the version directory it becomes must be as readable as the rest of
 * the tree, and reading the umask is not thread-safe. */
int iatk__temp_make(const iatk_tree_dir *schema, char name[IATK_TEMP_NAME_SIZE],
                    iatk_tree_dir *out, iatk_error *err) {
  iatk_rng rng;
  iatk__rng_init_fresh(&rng);
  for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
    iatk__temp_name((long)getpid(), &rng, name);
    if (mkdirat(schema->fd, name, 0777) == 0)
      return open_made(schema, name, out, err);
    int e = errno;
    name[0] = '\0';
    if (e != EEXIST)
      return iatk__fail_at(err, IATK_EIO, schema->path,
                           "cannot create a temporary directory in %s: %s",
                           schema->path, strerror(e));
  }
  return iatk__fail_at(err, IATK_EIO, schema->path,
                       "cannot create a temporary directory in %s: every name "
                       "tried was taken",
                       schema->path);
}

/* Only the two files a put writes: anything else in there is not ours to
 * delete, and then the directory stays.  unlinkat never follows links. */
void iatk__temp_remove(const iatk_tree_dir *schema, const char *name) {
  int fd =
      openat(schema->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    unlinkat(fd, "schema.json", 0);
    unlinkat(fd, "meta.json", 0);
    close(fd);
  }
  unlinkat(schema->fd, name, AT_REMOVEDIR);
}

/* Reads "<owner>-<pid>-" after the prefix; 0 when `name` has that form. */
static int parse_temp(const char *name, char owner[OWNER_LEN + 1], long *pid) {
  if (strncmp(name, PREFIX, PREFIX_LEN) != 0 ||
      strlen(name) < PREFIX_LEN + OWNER_LEN + 1)
    return -1;
  memcpy(owner, name + PREFIX_LEN, OWNER_LEN);
  owner[OWNER_LEN] = '\0';
  const char *p = name + PREFIX_LEN + OWNER_LEN;
  if (*p++ != '-' || *p < '1' || *p > '9')
    return -1;
  char *end;
  errno = 0;
  *pid = strtol(p, &end, 10);
  /* pid_t is an int; 0 and negative pids would address process groups. */
  return errno == 0 && *end == '-' && *pid > 0 && *pid <= INT32_MAX ? 0 : -1;
}

typedef struct cleaner {
  char owner[OWNER_LEN + 1]; /* ours */
  time_t now;
  iatk_rng rng;
} cleaner;

static int is_stale(const iatk_tree_dir *schema, const char *name,
                    const cleaner *c) {
  char owner[OWNER_LEN + 1];
  long pid;
  if (strcmp(c->owner, UNKNOWN_OWNER) != 0 &&
      parse_temp(name, owner, &pid) == 0 && strcmp(owner, c->owner) == 0)
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
  struct stat st;
  return fstatat(schema->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         c->now - st.st_mtime > STALE_SECONDS;
}

/* Stops a walk at anything but the two files a put writes. */
static int visit_put_file(const iatk_tree_dir *dir, const char *name,
                          iatk_tree_kind kind, void *ctx, iatk_error *err) {
  int is_put_file =
      kind == IATK_TREE_OTHER &&
      (strcmp(name, "schema.json") == 0 || strcmp(name, "meta.json") == 0);
  return is_put_file ? IATK_OK : IATK_EEXIST;
}

/* Whether directory `name` holds nothing a put would not have written:
 * anything else is someone's, and then the directory is not ours to
 * remove. */
static int holds_only_put_files(const iatk_tree_dir *schema, const char *name) {
  iatk_tree_dir dir = IATK_TREE_DIR_NONE;
  int only = iatk__tree_open(schema, name, 0, &dir, NULL) == IATK_OK &&
             dir.fd >= 0 &&
             iatk__tree_each(&dir, visit_put_file, NULL, NULL) == IATK_OK;
  iatk__tree_close(&dir);
  return only;
}

static int visit_temp(const iatk_tree_dir *schema, const char *name,
                      iatk_tree_kind kind, void *ctx, iatk_error *err) {
  cleaner *c = ctx;
  if (kind != IATK_TREE_DIR || strncmp(name, PREFIX, PREFIX_LEN) != 0 ||
      !is_stale(schema, name, c) || !holds_only_put_files(schema, name))
    return IATK_OK;
  char claimed[IATK_TEMP_NAME_SIZE];
  iatk__temp_name((long)getpid(), &c->rng, claimed);
  /* Fails when another put claimed it first: then it is theirs. */
  if (renameat(schema->fd, name, schema->fd, claimed) == 0)
    iatk__temp_remove(schema, claimed);
  return IATK_OK;
}

void iatk__temp_clean_stale(const iatk_tree_dir *schema) {
  cleaner c;
  owner_tag(c.owner);
  c.now = time(NULL);
  iatk__rng_init_fresh(&c.rng);
  iatk__tree_each(schema, visit_temp, &c, NULL);
}
