/* Temporary trees for the fuzz targets that write files (fuzz_registry,
 * fuzz_serve): where to make them, a decoy outside the tree that must never
 * be touched, and removal. */
#ifndef IATK_FUZZ_TREE_H
#define IATK_FUZZ_TREE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int fuzz_remove_entry(const char *path, const struct stat *st,
                                    int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static inline void fuzz_remove_tree(const char *path) {
  nftw(path, fuzz_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* DIR/decoy.json holding `text`; aborts when it cannot be written. */
static inline void fuzz_write_decoy(const char *dir, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/decoy.json", dir);
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f))
    abort();
}

/* Puts fsync every file and directory: on tmpfs that costs nothing. */
static inline const char *fuzz_temp_dir(void) {
  const char *dir = getenv("TMPDIR");
  if (dir && *dir && strlen(dir) < 32)
    return dir;
  return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

#endif
