/* The process runner behind iatk_invoke_command, for other parts of the
 * library that run a program with an event on its stdin (the local Lambda
 * handler runtimes).  Private: not installed. */
#ifndef IATK_INVOKE_PROCESS_H
#define IATK_INVOKE_PROCESS_H

#include "common/internal.h"

typedef struct iatk__process {
  char *const *argv; /* argv[0] is searched in PATH */
  char *const *envp; /* NULL: this process's environment */
  const char *cwd;   /* NULL: this process's working directory */
  /* 0: the answer is the child's stdout.  A descriptor number above 2: the
   * answer is what the child writes there, and its stdout goes to our
   * stderr with its stderr (so a program's own prints never mix with it). */
  int result_fd;
} iatk__process;

/*
 * Runs p with `input` on its stdin and appends the answer to `out` (which
 * the caller owns and releases).  Returns IATK_OK when the child finished
 * (whatever its exit status: *r says), IATK_ETIMEOUT when it was killed at
 * timeout_ms (> 0; <= 0: no limit) without filling err, or another code
 * with err filled when it could not run or wrote more than 64 MiB.
 */
int iatk__process_run(const iatk__process *p, const char *input,
                      size_t input_len, int timeout_ms, iatk_buf *out,
                      iatk_invoke_result *r, iatk_error *err);

#endif
