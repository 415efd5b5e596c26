/* Error printing, number parsing and atomic output for the tool. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Messages may quote what a server or a file said (an AWS error body, a
 * credential_process's stderr): bytes a terminal would act on (escape
 * sequences, carriage returns) are written as \xNN. */
static void put_message(const char *msg) {
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
      fprintf(stderr, "\\x%02x", *p);
    else
      fputc(*p, stderr);
  }
}

int cli_fail(const iatk_error *err) {
  const char *msg = err && err->message[0] ? err->message
                                           : iatk_strerror(err ? err->code : 1);
  fputs("iatk: error: ", stderr);
  put_message(msg);
  fputc('\n', stderr);
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

int cli_bad_option(int opt, const char *arg, const char *command) {
  return cli_usage("%s '%s' (run 'iatk %s --help')",
                   opt == ':' ? "missing value for option" : "unknown option",
                   arg, command);
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
  cli_usage("%s expects a non-negative integer, got '%s'", name,
            text ? text : "");
  return -1;
}

int cli_write(FILE *out, const char *text, size_t len, const char *where) {
  if (fwrite(text, 1, len, out) == len)
    return 0;
  fprintf(stderr, "iatk: error: cannot write to %s: %s\n", where,
          strerror(errno));
  return -1;
}

/* The temporary file being written, for the signal handler to remove:
 * an interrupted run must not leave FILE.tmp-* behind. */
static char *volatile pending_tmp;

static void remove_pending(int sig) {
  if (pending_tmp)
    unlink(pending_tmp);
  signal(sig, SIG_DFL);
  raise(sig);
}

static int output_error(iatk_error *err, int code, const char *what,
                        const char *path) {
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s %s: %s", what, path,
           strerror(errno));
  return code;
}

/* Mode for a new file: an existing target keeps its mode, otherwise
 * 0666 less the umask, as a plain open() would give. */
static mode_t output_mode(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0)
    return st.st_mode & 07777;
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

/* FIFOs, devices and the like are written in place: renaming a regular
 * file over them would replace them. */
static int open_in_place(cli_output *o, const char *path, iatk_error *err) {
  o->stream = fopen(path, "w");
  return o->stream ? IATK_OK : output_error(err, IATK_EIO, "cannot open", path);
}

int cli_output_open(cli_output *o, const char *path, iatk_error *err) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->stream = stdout;
    return IATK_OK;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return open_in_place(o, path, err);
  /* a symlink is followed: the file it names is replaced, not the link */
  char *real = realpath(path, NULL);
  o->path = real ? real : strdup(path);
  if (!o->path || asprintf(&o->tmp_path, "%s.tmp-XXXXXX", o->path) < 0) {
    free(o->path);
    err->code = IATK_ENOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
    return IATK_ENOMEM;
  }
  int fd = mkstemp(o->tmp_path);
  if (fd < 0 || fchmod(fd, output_mode(o->path)) != 0 ||
      !(o->stream = fdopen(fd, "w"))) {
    output_error(err, IATK_EIO, "cannot create", path);
    if (fd >= 0) {
      close(fd);
      unlink(o->tmp_path);
    }
    free(o->path);
    free(o->tmp_path);
    return IATK_EIO;
  }
  pending_tmp = o->tmp_path;
  signal(SIGINT, remove_pending);
  signal(SIGTERM, remove_pending);
  signal(SIGHUP, remove_pending);
  return IATK_OK;
}

int cli_output_commit(cli_output *o, iatk_error *err) {
  if (o->stream == stdout) {
    if (fflush(o->stream) == 0 && !ferror(o->stream))
      return IATK_OK;
    err->code = IATK_EIO;
    snprintf(err->message, sizeof err->message,
             "cannot write to standard output: %s", strerror(errno));
    return IATK_EIO;
  }
  if (!o->tmp_path) { /* written in place */
    int ok = fclose(o->stream) == 0;
    o->stream = NULL;
    return ok ? IATK_OK
              : output_error(err, IATK_EIO, "cannot write", "the output");
  }
  int ok = fflush(o->stream) == 0 && fsync(fileno(o->stream)) == 0;
  ok = fclose(o->stream) == 0 && ok;
  if (ok && rename(o->tmp_path, o->path) == 0) {
    pending_tmp = NULL;
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
  if (o->stream && o->stream != stdout && !o->tmp_path)
    fclose(o->stream); /* written in place: nothing to undo */
  if (!o->tmp_path)
    return;
  if (o->stream)
    fclose(o->stream);
  unlink(o->tmp_path);
  pending_tmp = NULL;
  free(o->path);
  free(o->tmp_path);
  o->path = o->tmp_path = NULL;
}
