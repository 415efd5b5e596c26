/* Finding data installed with iatk (Lambda runtime bootstraps, the aws.events
 * catalogue).  One rule for all of them: a directory the user named in an
 * environment variable must hold the file (falling through to another copy
 * would hide the mistake); otherwise the installed copy, then the source
 * tree of a build-tree library (both baked in at build time by CMake). */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/internal.h"

char *iatk__data_path(const char *dir, const char *relpath) {
  if (!dir || !*dir)
    return NULL;
  iatk_buf path;
  iatk__buf_init(&path);
  iatk__buf_printf(&path, "%s/%s", dir, relpath);
  char *real = path.data && access(path.data, R_OK) == 0
                   ? realpath(path.data, NULL)
                   : NULL;
  iatk__buf_release(&path);
  return real;
}

char *iatk__data_named(const char *dir, const char *what, const char *relpath,
                       iatk_error *err) {
  char *path = iatk__data_path(dir, relpath);
  if (!path)
    iatk__fail(err, IATK_EIO, "%s %s has no readable %s", what, dir, relpath);
  return path;
}

char *iatk__data_find(const iatk__data_place *place, const char *relpath,
                      iatk_error *err) {
  const char *env = getenv(place->env);
  if (env && *env)
    return iatk__data_named(env, place->env, relpath, err);
  char *path = iatk__data_path(place->install_dir, relpath);
  if (!path)
    path = iatk__data_path(place->source_dir, relpath);
  if (!path)
    iatk__fail(err, IATK_EIO, "no %s in %s or %s (set %s)", relpath,
               *place->install_dir ? place->install_dir : "(no install dir)",
               *place->source_dir ? place->source_dir : "(no source dir)",
               place->env);
  return path;
}
