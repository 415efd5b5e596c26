/* A fresh directory under /tmp for one test, and its removal afterwards:
 * the fixture of every unit test that writes a registry tree. */
#ifndef IATK_TEST_TEMP_DIR_H
#define IATK_TEST_TEMP_DIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline int temp_dir_remove_entry(const char *path, const struct stat *st,
                                        int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

/* Makes /tmp/iatk-<name>-XXXXXX into out (size bytes); 0 or -1. */
static inline int temp_dir_make(char *out, size_t size, const char *name) {
  snprintf(out, size, "/tmp/iatk-%s-XXXXXX", name);
  return mkdtemp(out) ? 0 : -1;
}

/* Removes the directory and everything below it, links not followed. */
static inline void temp_dir_remove(const char *path) {
  nftw(path, temp_dir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
