/* Private helpers of the local registry tree (lib/registry/).  Not installed.
 */
#ifndef IATK_REGISTRY_INTERNAL_H
#define IATK_REGISTRY_INTERNAL_H

#include <stddef.h>

#include "common/internal.h"

/* Longest names.  AWS allows 385 characters for a schema name, but a name
 * is a single path component here and file systems cap those at 255. */
#define IATK_REGISTRY_NAME_MAX 64
#define IATK_SCHEMA_NAME_MAX 255

/* Room for a name as iatk__registry_display writes it. */
#define IATK_REGISTRY_DISPLAY_SIZE 400

/* A version string's number when it is canonical (a positive decimal with
 * no sign and no leading zero that fits in an int), else -1.  Canonical
 * only, so that "7" and "007" can never name two directories. */
int iatk__registry_parse_version(const char *text);

/* iatk__registry_parse_version, failing with ENAME and the reason. */
int iatk__registry_check_version(const char *text, int *out, iatk_error *err);

/* Writes `name` for an error message: bytes a terminal would interpret are
 * escaped as \xNN and very long names are cut short with "...". */
void iatk__registry_display(const char *name,
                            char out[IATK_REGISTRY_DISPLAY_SIZE]);

/* ------------------------------------------------------------- backends */

/*
 * A registry handle is one of several sources behind the same public
 * calls: the local tree (local.c) or the AWS Schemas API (aws.c).
 * registry.c checks names, versions and content before it calls a backend,
 * so a backend receives valid names, a version number (0 = the latest, or
 * for put: the next one) and a validated, known type.
 */
typedef struct iatk__registry_ops {
  /* Whether put can store a given version number (a local tree can; AWS
   * numbers versions itself). */
  int keeps_numbers;
  void (*release)(iatk_registry *reg); /* frees the backend's part */
  int (*create)(iatk_registry *reg, const char *registry, iatk_error *err);
  /* Stores a version: the next number when `version` is 0; else exactly
   * `version`, which is IATK_OK when it already holds the same type and
   * content and EEXIST when it holds something else. */
  int (*put)(iatk_registry *reg, const char *registry, const char *schema,
             const char *type, const char *content, size_t len, int version,
             int *version_out, iatk_error *err);
  iatk_strlist *(*list)(iatk_registry *reg, const char *registry,
                        iatk_error *err);
  iatk_strlist *(*versions)(iatk_registry *reg, const char *registry,
                            const char *schema, iatk_error *err);
  char *(*read)(iatk_registry *reg, const char *registry, const char *schema,
                int version, size_t *len, const char **type, int *version_out,
                iatk_error *err);
} iatk__registry_ops;

/* What every backend's handle starts with. */
struct iatk_registry {
  const iatk__registry_ops *ops;
  unsigned long cache_hits; /* reads a source answered from its cache */
  char *root;        /* the local tree's directory, NULL for other sources */
  char *description; /* "local registry DIR", "AWS Schemas API at URL ..." */
};

/* The local tree at `root` (already checked non-empty). */
iatk_registry *iatk__local_open(const char *root, iatk_error *err);
/* The static type string equal to `type`, or NULL when it is neither
 * OpenApi3 nor JSONSchemaDraft4. */
const char *iatk__registry_known_type(const char *type);

/* ----------------------------------------------------------- catalogue.c */

/* The registry the built-in catalogue holds. */
#define IATK_CATALOGUE_REGISTRY "aws.events"

/* `primary` (taken over, freed on failure) with the built-in aws.events
 * catalogue layered over it: over a tree, the catalogue answers for
 * aws.events unless the tree has its own; over AWS (chosen because nothing
 * was configured) it always does.  Writes into the catalogue are refused. */
iatk_registry *iatk__catalogue_layer(iatk_registry *primary, int over_tree,
                                     iatk_error *err);
/* What answered the last read of a layered handle; NULL for other
 * handles and before any read. */
const char *iatk__layered_served_by(const iatk_registry *reg);

/* ---------------------------------------------------------------- tree.c */

/* A directory of the tree, opened without following any symbolic link
 * below the root (see tree.c for why). */
typedef struct iatk_tree_dir {
  int fd;     /* -1 when the directory does not exist */
  char *path; /* ROOT/rel, for messages and error locations */
  char *rel;  /* the part below the root ("" for the root itself) */
} iatk_tree_dir;
/* What iatk__tree_close accepts before anything was opened. */
#define IATK_TREE_DIR_NONE                                                     \
  { -1, NULL, NULL }

/* What a directory entry is, looked at without following it. */
typedef enum iatk_tree_kind {
  IATK_TREE_GONE, /* removed while we looked */
  IATK_TREE_DIR,
  IATK_TREE_LINK,
  IATK_TREE_OTHER /* a file, a FIFO, a socket, ... */
} iatk_tree_kind;

/* Opens the root, following links (where the tree lives is the user's
 * choice).  With `create` it is made first, like mkdir -p; without, a
 * missing root gives fd -1 and a root that is a file fails with EIO. */
int iatk__tree_open_root(const char *root, int create, iatk_tree_dir *out,
                         iatk_error *err);
/* Opens directory `name` of `parent` (made first with `create`).  A symbolic
 * link fails with ESCHEMA; without `create`, a missing name, a name that is
 * not a directory or a missing parent give fd -1. */
int iatk__tree_open(const iatk_tree_dir *parent, const char *name, int create,
                    iatk_tree_dir *out, iatk_error *err);
/* Closes and frees; NULL-safe and safe on a zeroed or failed dir. */
void iatk__tree_close(iatk_tree_dir *dir);

/* Called for each entry of a directory but "." and ".."; anything other
 * than IATK_OK stops the walk and is returned. */
typedef int (*iatk_tree_visit)(const iatk_tree_dir *dir, const char *name,
                               iatk_tree_kind kind, void *ctx, iatk_error *err);
/* Visits the entries of `dir` (none when it does not exist). */
int iatk__tree_each(const iatk_tree_dir *dir, iatk_tree_visit visit, void *ctx,
                    iatk_error *err);

/* The "symbolic link; refusing to follow it" error for `name` in `dir`. */
int iatk__tree_refuse_link(const iatk_tree_dir *dir, const char *name,
                           iatk_error *err);

/* Reads regular file `name` of `dir` (at most `limit` bytes; ELIMIT past
 * it), refusing a symbolic link or anything else that is not a regular
 * file with ESCHEMA.  Caller frees. */
char *iatk__tree_read(const iatk_tree_dir *dir, const char *name, size_t limit,
                      size_t *len, iatk_error *err);
/* Creates file `name` in `dir` (it must not exist), writes `data` and
 * forces it to disk. */
int iatk__tree_write(const iatk_tree_dir *dir, const char *name,
                     const char *data, size_t len, iatk_error *err);
/* Forces the entries of `dir` (new files, renames) to disk. */
int iatk__tree_sync(const iatk_tree_dir *dir, iatk_error *err);

/* ---------------------------------------------------------------- temp.c */

/* Room for a temporary directory's name, NUL included. */
#define IATK_TEMP_NAME_SIZE 64

/* The name a put run by process `pid` on this machine gives its temporary
 * directory: ".tmp-<owner>-<pid>-<random>" (see temp.c). */
void iatk__temp_name(long pid, iatk_rng *rng, char out[IATK_TEMP_NAME_SIZE]);
/* Makes a fresh temporary directory in `schema` and opens it. */
int iatk__temp_make(const iatk_tree_dir *schema, char name[IATK_TEMP_NAME_SIZE],
                    iatk_tree_dir *out, iatk_error *err);
/* Best effort: removes temporary directory `name` of `schema` and the
 * files a put writes into it. */
void iatk__temp_remove(const iatk_tree_dir *schema, const char *name);
/* Best effort: removes the temporary directories in `schema` that no
 * running put can still be using (rules in temp.c). */
void iatk__temp_clean_stale(const iatk_tree_dir *schema);

#endif
