/* Where the bootstrap scripts are.  A directory the user named (the
 * "runtime-dir" setting, $IATK_RUNTIME_DIR) must have the bootstrap: falling
 * through to another copy would hide the mistake.  Otherwise the installed
 * copy, then the source tree of a build-tree library (the rule every
 * installed data file follows: common/data_dir.c). */
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

char *iatk__bootstrap_path(const iatk_handler *h, iatk_error *err) {
  static const iatk__data_place place = {
      "IATK_RUNTIME_DIR", IATK_RUNTIME_INSTALL_DIR, IATK_RUNTIME_SOURCE_DIR};
  const char *script = script_name(h->runtime);
  if (h->runtime_dir)
    return iatk__data_named(h->runtime_dir, "runtime-dir", script, err);
  return iatk__data_find(&place, script, err);
}
