/* credential_process: a command of the profile that prints credentials as
 * JSON ({"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
 * "Expiration"}).  It is split into words like botocore does (shlex, no
 * shell), runs with stdin from /dev/null (iatk may be reading its own
 * stdin), and is killed when it runs past PROCESS_TIMEOUT_MS. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws_private.h"

#define PROCESS_TIMEOUT_MS 60000
#define OUTPUT_LIMIT (64u * 1024u)
#define STDERR_TAIL 300

extern char **environ;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ the child */

static int spawn(char *const argv[], pid_t *pid, int fds[2], iatk_error *err) {
  int out[2], errp[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return iatk__fail(err, IATK_EIO, "cannot create a pipe: %s",
                      strerror(errno));
  if (pipe2(errp, O_CLOEXEC) != 0) {
    close(out[0]), close(out[1]);
    return iatk__fail(err, IATK_EIO, "cannot create a pipe: %s",
                      strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errp[1], STDERR_FILENO);
  int rc = posix_spawnp(pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]), close(errp[1]);
  fds[0] = out[0], fds[1] = errp[0];
  if (rc == 0)
    return IATK_OK;
  close(fds[0]), close(fds[1]);
  return iatk__fail(err, IATK_ECREDENTIALS, "cannot run '%s': %s", argv[0],
                    strerror(rc));
}

/* Reads what is there; past `limit` the rest is read and dropped, so the
 * child never blocks on a full pipe. */
static void drain(int *fd, iatk_buf *b, size_t limit) {
  char chunk[4096];
  ssize_t n = read(*fd, chunk, sizeof chunk);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
    close(*fd);
    *fd = -1;
  } else if (n > 0 && b->len < limit) {
    size_t room = limit - b->len;
    iatk__buf_append(b, chunk, (size_t)n < room ? (size_t)n : room);
  }
}

/* Until both pipes close or the deadline passes (returns -1 then). */
static int pump(int fds[2], int64_t deadline, size_t limit, iatk_buf *out,
                iatk_buf *errout) {
  while (fds[0] >= 0 || fds[1] >= 0) {
    struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    int wait = (int)(deadline - now_ms());
    if (wait <= 0)
      return -1;
    if (poll(p, 2, wait) < 0 && errno != EINTR)
      return -1;
    if (fds[0] >= 0 && p[0].revents)
      drain(&fds[0], out, limit);
    if (fds[1] >= 0 && p[1].revents)
      drain(&fds[1], errout, limit);
  }
  return 0;
}

/* Waits for the child; one that closed its pipes but keeps running is
 * still held to the deadline. */
static void reap(pid_t pid, int64_t deadline, iatk__aws_child *child) {
  int status = 0;
  pid_t done;
  if (child->timed_out)
    kill(pid, SIGKILL);
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 ||
         (done < 0 && errno == EINTR)) {
    if (done == 0 && !child->timed_out && now_ms() >= deadline) {
      kill(pid, SIGKILL);
      child->timed_out = 1;
    }
    struct timespec pause = {0, 5 * 1000000};
    nanosleep(&pause, NULL);
  }
  child->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int iatk__aws_run_process(char *const argv[], int timeout_ms, size_t limit,
                          iatk_buf *out, iatk_buf *errout,
                          iatk__aws_child *child, iatk_error *err) {
  child->exit_status = -1;
  child->timed_out = 0;
  pid_t pid;
  int fds[2];
  int64_t deadline = now_ms() + timeout_ms;
  int rc = spawn(argv, &pid, fds, err);
  if (rc != IATK_OK)
    return rc;
  child->timed_out = pump(fds, deadline, limit, out, errout) != 0;
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  reap(pid, deadline, child);
  if (out->failed || errout->failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

/* ------------------------------------------------------------ messages */

/* The end of what the command said on stderr, on one line: the reason
 * is usually last. */
static void stderr_tail(const iatk_buf *e, iatk_buf *out) {
  size_t n = e->len;
  while (n > 0 && strchr(" \t\r\n", e->data[n - 1]))
    n--;
  size_t start = n > STDERR_TAIL ? n - STDERR_TAIL : 0;
  if (n == 0) {
    iatk__buf_puts(out, "(nothing on stderr)");
    return;
  }
  if (start > 0)
    iatk__buf_puts(out, "...");
  for (size_t i = start; i < n; i++)
    iatk__buf_putc(out,
                   e->data[i] == '\n' || e->data[i] == '\r' ? ' ' : e->data[i]);
}

static int child_failure(const char *what, const iatk__aws_child *child,
                         const iatk_buf *errout, iatk_error *err) {
  iatk_buf tail;
  iatk__buf_init(&tail);
  stderr_tail(errout, &tail);
  int rc;
  if (child->timed_out)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "%s did not finish within %d s and "
                    "was killed",
                    what, PROCESS_TIMEOUT_MS / 1000);
  else if (child->exit_status < 0)
    rc = iatk__fail(err, IATK_ECREDENTIALS, "%s was killed by a signal: %s",
                    what, tail.failed ? "" : tail.data);
  else
    rc = iatk__fail(err, IATK_ECREDENTIALS, "%s exited with status %d: %s",
                    what, child->exit_status, tail.failed ? "" : tail.data);
  iatk__buf_release(&tail);
  return rc;
}

/* ------------------------------------------------------------ provider */

static int read_answer(const char *what, const iatk_buf *out,
                       iatk__aws_creds *creds, iatk_error *err) {
  json_error_t jerr;
  json_t *doc = json_loadb(out->data ? out->data : "", out->len, 0, &jerr);
  json_t *version = json_object_get(doc, "Version");
  int rc;
  if (!doc)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "%s printed no JSON credentials "
                    "(%s at line %d)",
                    what, jerr.text, jerr.line);
  else if (!json_is_integer(version) || json_integer_value(version) != 1)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "%s printed an unsupported "
                    "Version (only 1 is)",
                    what);
  else
    rc = iatk__aws_creds_from_json(doc, "SessionToken", "credential_process",
                                   what, creds, err);
  json_decref(doc);
  return rc;
}

static int run_command(const char *what, iatk_strlist *words,
                       iatk__aws_creds *out, iatk_error *err) {
  size_t n = iatk_strlist_count(words);
  char **argv = calloc(n + 1, sizeof *argv);
  if (!argv)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    argv[i] = (char *)iatk_strlist_get(words, i);
  iatk_buf stdout_text, stderr_text;
  iatk__buf_init(&stdout_text);
  iatk__buf_init(&stderr_text);
  iatk__aws_child child;
  iatk_error local;
  iatk_error_clear(&local);
  int rc = iatk__aws_run_process(argv, PROCESS_TIMEOUT_MS, OUTPUT_LIMIT,
                                 &stdout_text, &stderr_text, &child, &local);
  if (rc != IATK_OK)
    rc = iatk__fail(err, rc, "%s: %s", what, local.message);
  else if (child.timed_out || child.exit_status != 0)
    rc = child_failure(what, &child, &stderr_text, err);
  else if (rc == IATK_OK)
    rc = read_answer(what, &stdout_text, out, err);
  iatk__buf_release(&stdout_text);
  iatk__buf_release(&stderr_text);
  free(argv);
  return rc;
}

int iatk__aws_creds_process(const iatk__aws_chain *chain, iatk__aws_creds *out,
                            iatk_error *err) {
  const char *command =
      iatk__aws_config_get(chain->cfg, chain->profile, "credential_process");
  if (!command)
    return IATK_OK;
  iatk_buf what;
  iatk__buf_init(&what);
  iatk__buf_printf(&what, "credential_process of profile '%s'", chain->profile);
  iatk_strlist *words = iatk__strlist_new();
  int rc = !words || what.failed ? iatk__fail(err, IATK_ENOMEM, "out of memory")
                                 : IATK_OK;
  int split = rc == IATK_OK ? iatk__aws_shell_split(command, words) : 0;
  if (rc == IATK_OK && (split != 0 || iatk_strlist_count(words) == 0))
    rc = iatk__fail(err, IATK_ECREDENTIALS, "%s: %s", what.data,
                    split == -1 ? "unclosed quote, or a backslash at the "
                                  "end, in the command"
                                : "the command is empty");
  if (rc == IATK_OK)
    rc = run_command(what.data, words, out, err);
  iatk_strlist_free(words);
  iatk__buf_release(&what);
  return rc;
}
