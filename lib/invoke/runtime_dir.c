/* Where the bootstrap scripts are.  A directory the user named (the
 * "runtime-dir" setting, $IATK_RUNTIME_DIR) must have the bootstrap: falling
 * through to another copy would hide the mistake.  Otherwise the installed
 * copy, then the source tree of a build-tree library (both are baked in at
 * build time by CMake). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "invoke/handler.h"

#ifndef IATK_RUNTIME_INSTALL_DIR
#define IATK_RUNTIME_INSTALL_DIR ""
#endif
#ifndef IATK_RUNTIME_SOURCE_DIR
#define IATK_RUNTIME_SOURCE_DIR ""
#endif

static const char *script_name(iatk__runtime rt) {
  return rt == IATK__NODEJS ? "node/bootstrap.mjs" : "python/bootstrap.py";
}

/* The absolute, resolved path of DIR/script when it is a readable file. */
static char *found(const char *dir, const char *script) {
  if (!dir || !*dir)
    return NULL;
  iatk_buf path;
  iatk_buf_init(&path);
  iatk_buf_printf(&path, "%s/%s", dir, script);
  char *real = path.data && access(path.data, R_OK) == 0 ? realpath(path.data, NULL) : NULL;
  iatk_buf_release(&path);
  return real;
}

static char *named(const char *dir, const char *what, const char *script, iatk_error *err) {
  char *path = found(dir, script);
  if (!path)
    iatk_fail(err, IATK_EIO, "%s %s has no readable %s", what, dir, script);
  return path;
}

char *iatk__bootstrap_path(const iatk_handler *h, iatk_error *err) {
  const char *script = script_name(h->runtime);
  if (h->runtime_dir)
    return named(h->runtime_dir, "runtime-dir", script, err);
  const char *env = getenv("IATK_RUNTIME_DIR");
  if (env && *env)
    return named(env, "IATK_RUNTIME_DIR", script, err);
  char *path = found(IATK_RUNTIME_INSTALL_DIR, script);
  if (!path)
    path = found(IATK_RUNTIME_SOURCE_DIR, script);
  if (!path)
    iatk_fail(err, IATK_EIO, "no %s in %s or %s (set IATK_RUNTIME_DIR)", script,
              *IATK_RUNTIME_INSTALL_DIR ? IATK_RUNTIME_INSTALL_DIR : "(no install dir)",
              *IATK_RUNTIME_SOURCE_DIR ? IATK_RUNTIME_SOURCE_DIR : "(no source dir)");
  return path;
}
