/* Reading whole inputs with a size limit, so a huge file is an error
 * rather than unbounded memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static char *read_stream(FILE *f, const char *path, size_t limit, size_t *len,
                         iatk_error *err) {
  iatk_buf b;
  iatk_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > limit) {
      iatk_buf_release(&b);
      iatk_fail_at(err, IATK_ELIMIT, path,
                   "%s is larger than the %zu MiB limit", path,
                   limit / (1024 * 1024));
      return NULL;
    }
    iatk_buf_append(&b, chunk, n);
  }
  if (ferror(f) || b.failed) {
    int e = errno, code = b.failed ? IATK_ENOMEM : IATK_EIO;
    iatk_buf_release(&b);
    iatk_fail_at(err, code, path,
                 "cannot read %s: %s", path, strerror(e));
    return NULL;
  }
  *len = b.len;
  return iatk_buf_steal(&b);
}

char *iatk_read_file(const char *path, size_t limit, size_t *len,
                     iatk_error *err) {
  if (strcmp(path, "-") == 0)
    return read_stream(stdin, "<stdin>", limit, len, err);
  FILE *f = fopen(path, "rb");
  if (!f) {
    iatk_fail_at(err, IATK_EIO, path, "cannot open %s: %s", path,
                 strerror(errno));
    return NULL;
  }
  char *data = read_stream(f, path, limit, len, err);
  fclose(f);
  return data;
}
