/* Walking the local registry tree without ever following a symbolic link
 * below its root.
 *
 * A tree is often a clone of someone else's repository, and git happily
 * checks out symbolic links: `orders -> /home/me` would make a put write
 * there, `1/schema.json -> /etc/shadow` would make a show print it.  So
 * every step below the root is an openat(2) relative to the directory
 * opened before it, with O_NOFOLLOW, and a link is refused with an error
 * that names it.  Holding each directory open also means a link swapped in
 * after a check cannot redirect the rest of the walk.
 *
 * The root itself is opened normally: pointing it at a link is the user's
 * own choice, not something a cloned tree can plant. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/registry_internal.h"

/* base/name; "" as base gives name.  NULL when out of memory. */
static char *child_of(const char *base, const char *name) {
  iatk_buf buf;
  iatk__buf_init(&buf);
  iatk__buf_puts(&buf, base);
  if (buf.len > 0 && buf.data[buf.len - 1] != '/') /* root "/" */
    iatk__buf_putc(&buf, '/');
  iatk__buf_puts(&buf, name);
  if (buf.failed) {
    iatk__buf_release(&buf);
    return NULL;
  }
  return iatk__buf_steal(&buf);
}

static int fail_nomem(iatk_error *err) {
  return iatk__fail(err, IATK_ENOMEM, "out of memory");
}

/* d_type saves a stat per entry; file systems that leave it DT_UNKNOWN
 * need the lstat-like fstatat, which never follows a link. */
static iatk_tree_kind entry_kind(int dirfd, const char *name,
                                 unsigned char d_type) {
  if (d_type == DT_DIR)
    return IATK_TREE_DIR;
  if (d_type == DT_LNK)
    return IATK_TREE_LINK;
  if (d_type != DT_UNKNOWN)
    return IATK_TREE_OTHER;
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return IATK_TREE_GONE;
  if (S_ISDIR(st.st_mode))
    return IATK_TREE_DIR;
  return S_ISLNK(st.st_mode) ? IATK_TREE_LINK : IATK_TREE_OTHER;
}

int iatk__tree_refuse_link(const iatk_tree_dir *dir, const char *name,
                           iatk_error *err) {
  char *path = child_of(dir->path, name), *rel = child_of(dir->rel, name);
  int rc = path && rel
               ? iatk__fail_at(err, IATK_ESCHEMA, path,
                               "registry tree: '%s' is a symbolic link; "
                               "refusing to follow it",
                               rel)
               : fail_nomem(err);
  free(path);
  free(rel);
  return rc;
}

/* mkdir -p with mode 0777 less the umask.  EEXIST is fine at every level:
 * another process may be creating the same tree right now. */
static int make_dirs(const char *path, iatk_error *err) {
  char *copy = iatk__strdup(path);
  if (!copy)
    return fail_nomem(err);
  int rc = IATK_OK;
  for (char *p = copy + 1; rc == IATK_OK; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST)
      rc = iatk__fail_at(err, IATK_EIO, copy, "cannot create directory %s: %s",
                         copy, strerror(errno));
    *p = saved;
    if (saved == '\0')
      break;
  }
  free(copy);
  return rc;
}

static int init_dir(iatk_tree_dir *out, char *path, char *rel,
                    iatk_error *err) {
  out->fd = -1;
  out->path = path;
  out->rel = rel;
  return path && rel ? IATK_OK : fail_nomem(err);
}

/* Why the root could not be opened.  Without `create`, a root that does
 * not exist yet is an empty tree, but one that is a file is a mistake
 * worth reporting. */
static int root_failed(const iatk_tree_dir *root, int create, int e,
                       iatk_error *err) {
  struct stat st;
  if (e == ENOTDIR && stat(root->path, &st) == 0 && !S_ISDIR(st.st_mode))
    return iatk__fail_at(err, IATK_EIO, root->path, "%s is not a directory",
                         root->path);
  if (!create && (e == ENOENT || e == ENOTDIR))
    return IATK_OK;
  return iatk__fail_at(err, IATK_EIO, root->path, "cannot open %s: %s",
                       root->path, strerror(e));
}

int iatk__tree_open_root(const char *root, int create, iatk_tree_dir *out,
                         iatk_error *err) {
  int rc = init_dir(out, iatk__strdup(root), iatk__strdup(""), err);
  if (rc == IATK_OK && create)
    rc = make_dirs(root, err);
  if (rc != IATK_OK)
    return rc;
  out->fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return out->fd >= 0 ? IATK_OK : root_failed(out, create, errno, err);
}

/* Why `name` could not be opened as a directory. */
static int open_failed(const iatk_tree_dir *parent, const char *name,
                       const iatk_tree_dir *out, int create, int e,
                       iatk_error *err) {
  /* O_NOFOLLOW | O_DIRECTORY reports a link as ENOTDIR: tell them apart. */
  if (entry_kind(parent->fd, name, DT_UNKNOWN) == IATK_TREE_LINK)
    return iatk__tree_refuse_link(parent, name, err);
  if (!create && (e == ENOENT || e == ENOTDIR))
    return IATK_OK;
  if (e == ENOTDIR)
    return iatk__fail_at(err, IATK_EIO, out->path, "%s is not a directory",
                         out->path);
  return iatk__fail_at(err, IATK_EIO, out->path, "cannot open %s: %s",
                       out->path, strerror(e));
}

int iatk__tree_open(const iatk_tree_dir *parent, const char *name, int create,
                    iatk_tree_dir *out, iatk_error *err) {
  int rc = init_dir(out, child_of(parent->path, name),
                    child_of(parent->rel, name), err);
  if (rc != IATK_OK || parent->fd < 0)
    return rc;
  if (create && mkdirat(parent->fd, name, 0777) != 0 && errno != EEXIST)
    return iatk__fail_at(err, IATK_EIO, out->path,
                         "cannot create directory %s: %s", out->path,
                         strerror(errno));
  out->fd =
      openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return out->fd >= 0 ? IATK_OK
                      : open_failed(parent, name, out, create, errno, err);
}

void iatk__tree_close(iatk_tree_dir *dir) {
  if (!dir)
    return;
  if (dir->fd >= 0)
    close(dir->fd);
  free(dir->path);
  free(dir->rel);
  dir->fd = -1;
  dir->path = dir->rel = NULL;
}

int iatk__tree_each(const iatk_tree_dir *dir, iatk_tree_visit visit, void *ctx,
                    iatk_error *err) {
  if (dir->fd < 0)
    return IATK_OK;
  /* A fresh open file description: its own read position, so walks of
   * the same directory never disturb each other. */
  int fd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    int e = errno;
    if (fd >= 0)
      close(fd);
    return iatk__fail_at(err, IATK_EIO, dir->path, "cannot list %s: %s",
                         dir->path, strerror(e));
  }
  int rc = IATK_OK;
  struct dirent *e;
  errno = 0;
  while (rc == IATK_OK && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      rc = visit(dir, e->d_name, entry_kind(dir->fd, e->d_name, e->d_type), ctx,
                 err);
    errno = 0;
  }
  if (rc == IATK_OK && errno != 0)
    rc = iatk__fail_at(err, IATK_EIO, dir->path, "cannot list %s: %s",
                       dir->path, strerror(errno));
  closedir(d);
  return rc;
}

/* Opens `name` for reading without following a link and without blocking
 * on a FIFO someone planted; -1 with the error filled. */
static int open_regular(const iatk_tree_dir *dir, const char *name,
                        const char *path, iatk_error *err) {
  int fd = dir->fd < 0 ? -1
                       : openat(dir->fd, name,
                                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int e = dir->fd < 0 ? ENOENT : errno;
  if (fd < 0 && dir->fd >= 0 &&
      entry_kind(dir->fd, name, DT_UNKNOWN) == IATK_TREE_LINK) {
    iatk__tree_refuse_link(dir, name, err);
    return -1;
  }
  if (fd < 0) {
    iatk__fail_at(err, IATK_EIO, path, "cannot open %s: %s", path, strerror(e));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    char *rel = child_of(dir->rel, name);
    iatk__fail_at(err, IATK_ESCHEMA, path,
                  "registry tree: '%s' is not a regular file",
                  rel ? rel : name);
    free(rel);
    return -1;
  }
  return fd;
}

char *iatk__tree_read(const iatk_tree_dir *dir, const char *name, size_t limit,
                      size_t *len, iatk_error *err) {
  char *path = child_of(dir->path, name);
  if (!path) {
    fail_nomem(err);
    return NULL;
  }
  int fd = open_regular(dir, name, path, err);
  char *text = fd >= 0 ? iatk__read_fd(fd, path, limit, len, err) : NULL;
  free(path);
  return text;
}

/* Writes all of `data` to `fd` and forces it to disk, so the rename that
 * publishes a version can never expose a short file after a crash.
 * 0 or an errno value. */
static int write_all(int fd, const char *data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n >= 0)
      done += (size_t)n;
    else if (errno != EINTR)
      return errno;
  }
  return fsync(fd) == 0 ? 0 : errno;
}

int iatk__tree_write(const iatk_tree_dir *dir, const char *name,
                     const char *data, size_t len, iatk_error *err) {
  char *path = child_of(dir->path, name);
  if (!path)
    return fail_nomem(err);
  /* O_EXCL never follows a link either: a planted one fails with EEXIST. */
  int fd = openat(dir->fd, name,
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  int rc = IATK_OK;
  if (fd < 0) {
    rc = iatk__fail_at(err, IATK_EIO, path, "cannot create %s: %s", path,
                       strerror(errno));
  } else {
    int e = write_all(fd, data, len);
    if (close(fd) != 0 && e == 0)
      e = errno;
    if (e != 0)
      rc = iatk__fail_at(err, IATK_EIO, path, "cannot write %s: %s", path,
                         strerror(e));
  }
  free(path);
  return rc;
}

/* File systems that cannot fsync a directory (EINVAL) order metadata
 * anyway. */
int iatk__tree_sync(const iatk_tree_dir *dir, iatk_error *err) {
  if (fsync(dir->fd) == 0 || errno == EINVAL)
    return IATK_OK;
  return iatk__fail_at(err, IATK_EIO, dir->path, "cannot sync %s: %s",
                       dir->path, strerror(errno));
}
