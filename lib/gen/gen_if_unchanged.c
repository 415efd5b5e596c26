/* iatk_gen_event behind a check that a path still has the modification time
 * a caller cached something under (include/iatk/iatk.h).  It is a separate
 * file because it only wraps the public iatk_gen_event. */
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

int iatk_gen_event_if_unchanged(iatk_gen *gen, const char *path,
                                int64_t mtime_ns, int64_t settle_ns,
                                uint64_t index, const char **text, size_t *len,
                                iatk_error *err) {
  if (path) {
    struct stat st;
    if (stat(path, &st) != 0)
      return IATK_GEN_CHANGED;
    int64_t mtime =
        (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (mtime != mtime_ns)
      return IATK_GEN_CHANGED;
    if (settle_ns > 0) {
      struct timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      if ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec - mtime <= settle_ns)
        return IATK_GEN_CHANGED;
    }
  }
  return iatk_gen_event(gen, index, text, len, err);
}
