/* Error printing, number parsing and atomic output for the tool. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_fail(const iatk_error *err) {
  const char *msg = err && err->message[0] ? err->message
                                           : iatk_strerror(err ? err->code : 1);
  fprintf(stderr, "iatk: error: %s\n", msg);
  return err && err->code ? iatk_err_exit_status(err->code) : 1;
}

int cli_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("iatk: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_USAGE;
}

void cli_verbose(int on, const char *fmt, ...) {
  if (!on)
    return;
  va_list ap;
  va_start(ap, fmt);
  fputs("iatk: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_parse_u64(const char *name, const char *text, unsigned long long *out) {
  char *end;
  errno = 0;
  if (!text || !*text || *text == '-' || *text == '+')
    goto bad;
  *out = strtoull(text, &end, 10);
  if (errno == 0 && *end == '\0')
    return 0;
bad:
  cli_usage("%s expects a non-negative integer, got '%s'", name, text ? text : "");
  return -1;
}

int cli_write(FILE *out, const char *text, size_t len, const char *where) {
  if (fwrite(text, 1, len, out) == len)
    return 0;
  fprintf(stderr, "iatk: error: cannot write to %s: %s\n", where, strerror(errno));
  return -1;
}

int cli_output_open(cli_output *o, const char *path, iatk_error *err) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->stream = stdout;
    return IATK_OK;
  }
  o->path = strdup(path);
  if (!o->path || asprintf(&o->tmp_path, "%s.tmp-XXXXXX", path) < 0) {
    free(o->path);
    err->code = IATK_ENOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
    return IATK_ENOMEM;
  }
  int fd = mkstemp(o->tmp_path);
  if (fd < 0 || !(o->stream = fdopen(fd, "w"))) {
    err->code = IATK_EIO;
    snprintf(err->message, sizeof err->message, "cannot create %s: %s", path,
             strerror(errno));
    if (fd >= 0)
      close(fd);
    free(o->path);
    free(o->tmp_path);
    return IATK_EIO;
  }
  return IATK_OK;
}

int cli_output_commit(cli_output *o, iatk_error *err) {
  if (!o->path)
    return fflush(o->stream) == 0 ? IATK_OK : (err->code = IATK_EIO);
  int ok = fflush(o->stream) == 0 && fsync(fileno(o->stream)) == 0;
  ok = fclose(o->stream) == 0 && ok;
  if (ok && rename(o->tmp_path, o->path) == 0) {
    free(o->path);
    free(o->tmp_path);
    return IATK_OK;
  }
  err->code = IATK_EIO;
  snprintf(err->message, sizeof err->message, "cannot write %s: %s", o->path,
           strerror(errno));
  o->stream = NULL;
  cli_output_abort(o);
  return IATK_EIO;
}

void cli_output_abort(cli_output *o) {
  if (!o->path)
    return;
  if (o->stream)
    fclose(o->stream);
  unlink(o->tmp_path);
  free(o->path);
  free(o->tmp_path);
  o->path = o->tmp_path = NULL;
}
