/* Reading whole inputs with a size limit, so a huge file is an error
 * rather than unbounded memory.  The limit is enforced before reading
 * where the size is known (a regular file), and by never reading more than
 * one byte past it where it is not (a pipe, a terminal, a device). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MIB (1024u * 1024u)

/* "the 64 MiB limit", or "the 65536-byte limit" when not whole MiBs. */
static int too_large(iatk_error *err, const char *name, size_t limit,
                     const char *detail) {
  if (limit >= MIB && limit % MIB == 0)
    return iatk__fail_at(err, IATK_ELIMIT, name,
                         "%s is larger than the %zu MiB limit%s", name,
                         limit / MIB, detail);
  return iatk__fail_at(err, IATK_ELIMIT, name,
                       "%s is larger than the %zu-byte limit%s", name, limit,
                       detail);
}

/* Refuses a regular file whose size is already over the limit, so that a
 * 2 GB file costs one fstat rather than 2 GB of reading. */
static int check_size(FILE *f, const char *name, size_t limit,
                      iatk_error *err) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
      (uintmax_t)st.st_size <= limit)
    return IATK_OK;
  char detail[64];
  snprintf(detail, sizeof detail, " (%jd bytes)", (intmax_t)st.st_size);
  return too_large(err, name, limit, detail);
}

/* Appends the next chunk of `f` to `b`, reading no further than limit + 1
 * bytes in all: enough to know an input is too large.  0 at the end. */
static size_t read_chunk(FILE *f, iatk_buf *b, size_t limit) {
  char chunk[65536];
  size_t room = limit + 1 - b->len;
  size_t n = fread(chunk, 1, room < sizeof chunk ? room : sizeof chunk, f);
  iatk__buf_append(b, chunk, n);
  return n;
}

static char *read_stream(FILE *f, const char *name, size_t limit, size_t *len,
                         iatk_error *err) {
  if (check_size(f, name, limit, err) != IATK_OK)
    return NULL;
  iatk_buf b;
  iatk__buf_init(&b);
  while (b.len <= limit && !b.failed && read_chunk(f, &b, limit) > 0)
    continue;
  if (b.len > limit) {
    iatk__buf_release(&b);
    too_large(err, name, limit, "");
    return NULL;
  }
  if (ferror(f) || b.failed) {
    int e = errno, code = b.failed ? IATK_ENOMEM : IATK_EIO;
    iatk__buf_release(&b);
    iatk__fail_at(err, code, name, "cannot read %s: %s", name, strerror(e));
    return NULL;
  }
  *len = b.len;
  return iatk__buf_steal(&b);
}

char *iatk__read_file(const char *path, size_t limit, size_t *len,
                      iatk_error *err) {
  if (strcmp(path, "-") == 0)
    return read_stream(stdin, "<stdin>", limit, len, err);
  FILE *f = fopen(path, "rb");
  if (!f) {
    iatk__fail_at(err, IATK_EIO, path, "cannot open %s: %s", path,
                  strerror(errno));
    return NULL;
  }
  char *data = read_stream(f, path, limit, len, err);
  fclose(f);
  return data;
}

char *iatk__read_fd(int fd, const char *name, size_t limit, size_t *len,
                    iatk_error *err) {
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    int e = errno;
    close(fd);
    iatk__fail_at(err, e == ENOMEM ? IATK_ENOMEM : IATK_EIO, name,
                  "cannot read %s: %s", name, strerror(e));
    return NULL;
  }
  char *data = read_stream(f, name, limit, len, err);
  fclose(f);
  return data;
}
