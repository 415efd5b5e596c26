/* Running a local consumer: the event goes to its standard input, its
 * standard output comes back.  One poll loop feeds and drains the pipes so a
 * consumer that writes before reading everything cannot deadlock us. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/internal.h"
#include "invoke/process.h"

#define MAX_CONSUMER_OUTPUT (64u * 1024u * 1024u)

extern char **environ;

typedef struct child_io {
  pid_t pid;
  int to_child;   /* write end of the consumer's stdin, -1 once closed */
  int from_child; /* read end of its stdout, -1 at end of file */
} child_io;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd) {
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

/* With a result descriptor the child's stdout joins its stderr, so nothing
 * the consumer prints can be taken for its answer. */
static void plan_descriptors(posix_spawn_file_actions_t *actions, int in,
                             int out, int result_fd) {
  posix_spawn_file_actions_adddup2(actions, in, STDIN_FILENO);
  if (result_fd <= STDERR_FILENO) {
    posix_spawn_file_actions_adddup2(actions, out, STDOUT_FILENO);
    return;
  }
  posix_spawn_file_actions_adddup2(actions, out, result_fd);
  posix_spawn_file_actions_adddup2(actions, STDERR_FILENO, STDOUT_FILENO);
}

static int spawn_child(const iatk__process *p, child_io *io, iatk_error *err) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0)
    return iatk__fail(err, IATK_EIO, "cannot create a pipe: %s",
                      strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return iatk__fail(err, IATK_EIO, "cannot create a pipe: %s",
                      strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  plan_descriptors(&actions, in[0], out[1], p->result_fd);
  if (p->cwd)
    posix_spawn_file_actions_addchdir_np(&actions, p->cwd);
  int rc = posix_spawnp(&io->pid, p->argv[0], &actions, NULL, p->argv,
                        p->envp ? p->envp : environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  io->to_child = in[1];
  io->from_child = out[0];
  fcntl(io->to_child, F_SETFL, O_NONBLOCK);
  if (rc == 0)
    return IATK_OK;
  close_fd(&io->to_child);
  close_fd(&io->from_child);
  return iatk__fail(err, IATK_ECONSUMER, "cannot start consumer '%s': %s",
                    p->argv[0], strerror(rc));
}

/* Writes what the pipe takes now; closes it when all is written or the
 * consumer stopped reading (EPIPE is not an error: it may not need it). */
static void feed(child_io *io, const char *input, size_t len, size_t *sent) {
  ssize_t n = write(io->to_child, input + *sent, len - *sent);
  if (n > 0)
    *sent += (size_t)n;
  if (*sent == len || (n < 0 && errno != EAGAIN && errno != EINTR))
    close_fd(&io->to_child);
}

static int drain(child_io *io, iatk_buf *out, iatk_error *err) {
  char chunk[65536];
  ssize_t n = read(io->from_child, chunk, sizeof chunk);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
    close_fd(&io->from_child);
    return IATK_OK;
  }
  if (n > 0)
    iatk__buf_append(out, chunk, (size_t)n);
  if (out->len > MAX_CONSUMER_OUTPUT)
    return iatk__fail(err, IATK_ELIMIT, "consumer wrote more than %u MiB",
                      MAX_CONSUMER_OUTPUT / (1024 * 1024));
  return IATK_OK;
}

/* Pumps the pipes until the consumer closes its stdout, the deadline
 * passes (returns ETIMEOUT) or output grows too large. */
static int pump(child_io *io, const char *input, size_t len, int timeout_ms,
                iatk_buf *out, iatk_error *err) {
  int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
  size_t sent = 0;
  if (len == 0)
    close_fd(&io->to_child);
  while (io->from_child >= 0) {
    struct pollfd fds[2] = {{io->from_child, POLLIN, 0},
                            {io->to_child, POLLOUT, 0}};
    int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
    if (deadline >= 0 && wait <= 0)
      return IATK_ETIMEOUT;
    if (poll(fds, io->to_child >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
      return iatk__fail(err, IATK_EIO, "poll failed: %s", strerror(errno));
    if (io->to_child >= 0 && fds[1].revents)
      feed(io, input, len, &sent);
    if (fds[0].revents && drain(io, out, err) != IATK_OK)
      return iatk__error_code(err, IATK_ELIMIT);
  }
  return IATK_OK;
}

/* Waits for the consumer; a consumer that closed its stdout but keeps
 * running is still bound by the deadline (deadline < 0: none). */
static int wait_child(pid_t pid, int kill_first, int64_t deadline,
                      iatk_invoke_result *r) {
  int status = 0;
  if (kill_first)
    kill(pid, SIGKILL);
  pid_t done;
  while ((done = waitpid(pid, &status,
                         deadline < 0 || kill_first ? 0 : WNOHANG)) == 0 ||
         (done < 0 && errno == EINTR)) {
    if (done == 0 && now_ms() >= deadline) {
      kill(pid, SIGKILL);
      r->timed_out = 1;
      deadline = -1;
    } else if (done == 0) {
      struct timespec pause = {0, 5 * 1000000};
      nanosleep(&pause, NULL);
    }
  }
  r->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return status;
}

static int judge(const char *name, const iatk_invoke_result *r, int timeout_ms,
                 iatk_error *err) {
  if (r->timed_out)
    return iatk__fail(
        err, IATK_ETIMEOUT,
        "consumer '%s' did not finish within %d ms and was killed", name,
        timeout_ms);
  if (r->signal)
    return iatk__fail(err, IATK_ECONSUMER,
                      "consumer '%s' was killed by signal %d (%s)", name,
                      r->signal, strsignal(r->signal));
  if (r->exit_status != 0)
    return iatk__fail(err, IATK_ECONSUMER,
                      "consumer '%s' exited with status %d", name,
                      r->exit_status);
  return IATK_OK;
}

/* SIGPIPE would kill the whole process when a consumer exits without
 * reading its input; block it in this thread only, then discard it. */
static void block_sigpipe(sigset_t *old) {
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, old);
}

static void restore_sigpipe(const sigset_t *old) {
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
    ;
  pthread_sigmask(SIG_SETMASK, old, NULL);
}

int iatk__process_run(const iatk__process *p, const char *input,
                      size_t input_len, int timeout_ms, iatk_buf *out,
                      iatk_invoke_result *r, iatk_error *err) {
  static const iatk_invoke_result fresh = {-1, 0, 0};
  *r = fresh;
  if (!p->argv || !p->argv[0])
    return iatk__fail(err, IATK_EINVAL, "no consumer command given");
  child_io io;
  int64_t started = now_ms();
  if (spawn_child(p, &io, err) != IATK_OK)
    return iatk__error_code(err, IATK_ECONSUMER);
  sigset_t old;
  block_sigpipe(&old);
  int rc = pump(&io, input ? input : "", input ? input_len : 0, timeout_ms, out,
                err);
  r->timed_out = rc == IATK_ETIMEOUT;
  close_fd(&io.to_child);
  close_fd(&io.from_child);
  wait_child(io.pid, rc != IATK_OK, timeout_ms > 0 ? started + timeout_ms : -1,
             r);
  if (r->timed_out && rc == IATK_OK)
    rc = IATK_ETIMEOUT;
  restore_sigpipe(&old);
  return rc;
}

char *iatk_invoke_command(char *const argv[], const char *input,
                          size_t input_len, int timeout_ms, size_t *out_len,
                          iatk_invoke_result *result, iatk_error *err) {
  iatk_invoke_result local;
  iatk_invoke_result *r = result ? result : &local;
  iatk__process p = {argv, NULL, NULL, 0};
  iatk_buf out;
  iatk__buf_init(&out);
  int rc = iatk__process_run(&p, input, input_len, timeout_ms, &out, r, err);
  if (rc == IATK_OK || rc == IATK_ETIMEOUT)
    rc = judge(argv[0], r, timeout_ms, err);
  if (rc != IATK_OK) {
    iatk__buf_release(&out);
    return NULL;
  }
  if (out_len)
    *out_len = out.len;
  return iatk__buf_steal(&out);
}
