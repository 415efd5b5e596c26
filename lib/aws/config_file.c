/* The shared config and credentials files, read with libinih the way
 * botocore reads them with configparser: sections, `key = value`, values
 * continued on indented lines, and the AWS nested syntax built on those
 * (`schemas =` followed by indented `endpoint_url = ...` lines).
 *
 * Two things stand between inih and these files.  Debian builds inih with
 * a 200-byte line buffer and no realloc, and session tokens in a
 * credentials file are ~1 KB: our reader hands inih such a line with its
 * value replaced by a marker and keeps the value aside.  And inih does not
 * report empty sections, which still make a profile exist: the reader
 * notes section headers itself. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/aws_private.h"

#define MAX_FILE_SIZE (16u * 1024u * 1024u)
/* Marks a value kept aside: MARK followed by its index. */
#define MARK '\x1f'

typedef struct ini_entry {
  char *section; /* canonical, see iatk__aws_ini_load */
  char *key;     /* NULL: a section header */
  char *value;
  int line;
} ini_entry;

typedef struct ini_file {
  char *path;
  ini_entry *entries;
  size_t count, cap;
} ini_file;

struct iatk__aws_ini {
  ini_file files[IATK__AWS_FILE_COUNT];
};

/* One parse: the text, where the reader is, and what went wrong. */
typedef struct parse_state {
  const char *text;
  size_t len, pos;
  int line;        /* the line last handed to inih */
  int indented;    /* it began with blank space */
  long last_entry; /* the entry a continuation line extends, or -1 */
  char *section;   /* canonical name of the section being read, from its
                     * header line: inih cuts the name it reports at 49
                     * bytes; NULL before the first header */
  iatk_strlist *long_values;
  ini_file *file;
  iatk__aws_file which;
  int bad_line;    /* first line we refused ourselves, 0 if none */
  const char *why; /* why, for the message */
  int nomem;
} parse_state;

/* ------------------------------------------------------------- entries */

static int add_entry(ini_file *f, const char *section, const char *key,
                     const char *value, int line) {
  if (IATK_ARRAY_GROW(f->entries, f->cap, f->count + 1, SIZE_MAX) != IATK_OK)
    return -1;
  ini_entry *e = &f->entries[f->count];
  e->section = strdup(section);
  e->key = iatk__strdup(key);
  e->value = iatk__strdup(value);
  e->line = line;
  if (!e->section || (key && !e->key) || (value && !e->value)) {
    free(e->section), free(e->key), free(e->value);
    return -1;
  }
  f->count++;
  return 0;
}

/* Continues the value of entry i on a new line, as configparser does. */
static int extend_entry(ini_file *f, long i, const char *more) {
  ini_entry *e = &f->entries[i];
  size_t a = strlen(e->value), b = strlen(more);
  char *v = realloc(e->value, a + b + 2);
  if (!v)
    return -1;
  v[a] = '\n';
  memcpy(v + a + 1, more, b + 1);
  e->value = v;
  return 0;
}

static void release_file(ini_file *f) {
  for (size_t i = 0; i < f->count; i++) {
    free(f->entries[i].section);
    free(f->entries[i].key);
    free(f->entries[i].value);
  }
  free(f->entries);
  free(f->path);
  memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------- section names */

/* The name botocore gives a config file section: [profile NAME] and
 * [default] are profiles; [sso-session NAME] and [services NAME] keep their
 * kind; a section it ignores gets a '?' so it cannot match a lookup. */
static void canonical_config_section(const char *raw, iatk_buf *out) {
  static const char *const kinds[] = {"profile", "sso-session", "services"};
  if (strcmp(raw, "default") == 0) {
    iatk__buf_puts(out, "profile default");
    return;
  }
  iatk_strlist *words = iatk__strlist_new();
  if (words && iatk__aws_shell_split(raw, words) == 0 &&
      iatk_strlist_count(words) == 2) {
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
      if (strcmp(iatk_strlist_get(words, 0), kinds[k]) == 0) {
        iatk__buf_printf(out, "%s %s", kinds[k], iatk_strlist_get(words, 1));
        iatk_strlist_free(words);
        return;
      }
  }
  iatk_strlist_free(words);
  iatk__buf_printf(out, "?%s", raw);
}

static int canonical_section(const parse_state *ps, const char *raw,
                             iatk_buf *out) {
  iatk__buf_reset(out);
  if (ps->which == IATK__AWS_CREDENTIALS_FILE)
    iatk__buf_printf(out, "profile %s", raw);
  else
    canonical_config_section(raw, out);
  return out->failed ? -1 : 0;
}

/* -------------------------------------------------------------- reading */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The end of a value without an inline comment (';' after blank space,
 * inih's rule) and trailing blank space. */
static size_t value_length(const char *v, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (v[i] == ';' && (is_blank(v[i - 1])))
      n = i;
  while (n > 0 && (is_blank(v[n - 1]) || v[n - 1] == '\r'))
    n--;
  return n;
}

static void refuse(parse_state *ps, const char *why) {
  if (!ps->bad_line) {
    ps->bad_line = ps->line;
    ps->why = why;
  }
}

/* A line too long for inih: keeps the key (or the indentation of a
 * continuation line), puts MARK<index> in place of the value. */
static void shorten(parse_state *ps, const char *s, size_t n, char *str,
                    int num) {
  const char *p = s, *end = s + n;
  while (p < end && is_blank(*p))
    p++;
  if (p == end || (p + 1 == end && *p == '\r')) {
    snprintf(str, (size_t)num, "\n"); /* blank, as a short one would be;
                                        * not a continuation line */
    return;
  }
  if (*p == '#' || *p == ';') {
    snprintf(str, (size_t)num, "#\n");
    return;
  }
  const char *d = p;
  while (!ps->indented && d < end && *d != '=' && *d != ':')
    d++;
  if (!ps->indented && (d == end || d - s > num - 32)) {
    refuse(ps, "line too long");
    snprintf(str, (size_t)num, "#\n");
    return;
  }
  const char *v = ps->indented ? p : d + 1;
  while (v < end && is_blank(*v))
    v++;
  size_t index = iatk_strlist_count(ps->long_values);
  char *value = strndup(v, value_length(v, (size_t)(end - v)));
  if (!value || iatk__strlist_push(ps->long_values, value) != IATK_OK)
    ps->nomem = 1;
  free(value);
  int keep = ps->indented ? 0 : (int)(d - s + 1);
  snprintf(str, (size_t)num, "%s%.*s %c%zu\n", ps->indented ? " " : "", keep, s,
           MARK, index);
}

/* Section headers go into the file as entries without a key, so empty
 * sections exist too; the line after a header continues no value.  An
 * indented line after a key is a continuation for inih, whatever it
 * holds, so it is no header here either. */
static void note_section(parse_state *ps, const char *line) {
  if (ps->indented && ps->last_entry >= 0)
    return;
  while (is_blank(*line))
    line++;
  const char *close = strchr(line, ']');
  if (*line != '[' || !close)
    return;
  char *raw = strndup(line + 1, (size_t)(close - line - 1));
  iatk_buf name;
  iatk__buf_init(&name);
  char *canonical = NULL;
  if (!raw || canonical_section(ps, raw, &name) != 0 ||
      add_entry(ps->file, name.data, NULL, NULL, ps->line) != 0 ||
      !(canonical = strdup(name.data)))
    ps->nomem = 1;
  free(ps->section);
  ps->section = canonical;
  ps->last_entry = -1;
  iatk__buf_release(&name);
  free(raw);
}

/* inih's fgets: the next line, whole when it fits in num - 1 bytes. */
static char *read_line(char *str, int num, void *stream) {
  parse_state *ps = stream;
  if (ps->pos >= ps->len)
    return NULL;
  const char *s = ps->text + ps->pos;
  const char *nl = memchr(s, '\n', ps->len - ps->pos);
  size_t n = nl ? (size_t)(nl - s) + 1 : ps->len - ps->pos;
  ps->pos += n;
  ps->line++;
  ps->indented = is_blank(s[0]);
  if (n < (size_t)num) {
    memcpy(str, s, n);
    str[n] = '\0';
  } else {
    shorten(ps, s, nl ? n - 1 : n, str, num);
  }
  note_section(ps, str);
  return str;
}

/* ------------------------------------------------------------- handler */

/* The value inih saw, or the one kept aside for a long line. */
static const char *restore(const parse_state *ps, const char *value) {
  if (value[0] != MARK)
    return value;
  const char *kept =
      iatk_strlist_get(ps->long_values, strtoul(value + 1, NULL, 10));
  return kept ? kept : "";
}

/* configparser lower-cases option names (its optionxform), so botocore
 * reads AWS_ACCESS_KEY_ID as aws_access_key_id; the keys inside a nested
 * value keep their case, as botocore's own parser leaves them.  Keys are
 * ASCII in practice, and only ASCII is folded. */
static char *lower_copy(const char *s) {
  char *copy = strdup(s);
  for (char *c = copy; c && *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c + 32);
  return copy;
}

static int on_pair(void *user, const char *section, const char *key,
                   const char *value) {
  parse_state *ps = user;
  value = restore(ps, value);
  if (!section[0] || !ps->section) {
    refuse(ps, "a key before any [section]");
    return 0;
  }
  if (ps->indented && ps->last_entry >= 0)
    return extend_entry(ps->file, ps->last_entry, value) == 0
               ? 1
               : (ps->nomem = 1, 0);
  char *name = lower_copy(key);
  int ok = name && add_entry(ps->file, ps->section, name, value, ps->line) == 0;
  free(name);
  ps->last_entry = ok ? (long)ps->file->count - 1 : -1;
  if (!ok)
    ps->nomem = 1;
  return ok;
}

/* ------------------------------------------------------- nested values */

/* Adds "key.sub" entries for each `sub = value` line of a nested value
 * (one that starts on the line after its key).  -1: a line without '='. */
static int expand_nested(ini_file *f, size_t i) {
  char *copy = strdup(f->entries[i].value), *save = NULL;
  int rc = copy ? 0 : -2;
  for (char *ln = copy ? strtok_r(copy, "\n", &save) : NULL; ln && rc == 0;
       ln = strtok_r(NULL, "\n", &save)) {
    char *eq = strchr(ln, '=');
    if (!eq) {
      rc = strspn(ln, " \t\r") == strlen(ln) ? 0 : -1;
      continue;
    }
    char *k = ln, *v = eq + 1;
    while (is_blank(*k))
      k++;
    size_t klen = (size_t)(eq - k);
    while (klen && is_blank(k[klen - 1]))
      klen--;
    while (is_blank(*v))
      v++;
    iatk_buf name;
    iatk__buf_init(&name);
    iatk__buf_printf(&name, "%s.%.*s", f->entries[i].key, (int)klen, k);
    v[value_length(v, strlen(v))] = '\0';
    if (name.failed || add_entry(f, f->entries[i].section, name.data, v,
                                 f->entries[i].line) != 0)
      rc = -2;
    iatk__buf_release(&name);
  }
  free(copy);
  return rc;
}

/* The name messages give a file: its path, "(text)" for text parsed
 * without one (iatk__aws_ini_parse_text on a fresh handle). */
static const char *file_name(const ini_file *f) {
  return f->path ? f->path : "(text)";
}

static int expand_all_nested(ini_file *f, iatk_error *err) {
  size_t count = f->count;
  for (size_t i = 0; i < count; i++) {
    ini_entry *e = &f->entries[i];
    if (!e->key || e->value[0] != '\n')
      continue;
    int rc = expand_nested(f, i);
    e = &f->entries[i]; /* add_entry may have moved the array */
    if (rc == -2)
      return iatk__fail(err, IATK_ENOMEM, "out of memory reading %s",
                        file_name(f));
    if (rc == -1)
      return iatk__fail(err, IATK_EINVAL,
                        "%s:%d: the nested value of '%s' "
                        "has a line without '='",
                        file_name(f), e->line, e->key);
  }
  return IATK_OK;
}

/* ---------------------------------------------------------------- parse */

static int parse_failure(const parse_state *ps, int rc, iatk_error *err) {
  const char *path = file_name(ps->file);
  if (ps->nomem || rc == -2)
    return iatk__fail(err, IATK_ENOMEM, "out of memory reading %s", path);
  int line =
      ps->bad_line && (rc <= 0 || ps->bad_line <= rc) ? ps->bad_line : rc;
  const char *why =
      line == ps->bad_line ? ps->why : "expected [section] or key = value";
  char where[IATK_ERROR_WHERE_SIZE];
  snprintf(where, sizeof where, "%s:%d", path, line);
  return iatk__fail_at(
      err, IATK_EINVAL, where,
      "%s:%d: cannot parse the "
      "AWS %s file: %s",
      path, line, ps->which == IATK__AWS_CONFIG_FILE ? "config" : "credentials",
      why);
}

int iatk__aws_ini_parse_text(iatk__aws_ini *ini, iatk__aws_file file,
                             const char *text, size_t len, iatk_error *err) {
  parse_state ps = {.text = text,
                    .len = len,
                    .last_entry = -1,
                    .file = &ini->files[file],
                    .which = file};
  if (memchr(text, '\0', len) || memchr(text, MARK, len)) {
    ps.line = 1;
    refuse(&ps, "control characters in the file");
    return parse_failure(&ps, 0, err);
  }
  ps.long_values = iatk__strlist_new();
  if (!ps.long_values)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  int rc = ini_parse_stream(read_line, &ps, on_pair, &ps);
  iatk_strlist_free(ps.long_values);
  free(ps.section);
  if (rc != 0 || ps.bad_line || ps.nomem)
    return parse_failure(&ps, rc, err);
  return expand_all_nested(ps.file, err);
}

/* A missing file is an empty one, as for the SDKs; an unreadable one is
 * an error, so credentials are not silently taken from elsewhere. */
static int load_file(iatk__aws_ini *ini, iatk__aws_file which, const char *path,
                     iatk_error *err) {
  ini_file *f = &ini->files[which];
  f->path = strdup(path ? path : "");
  if (!f->path)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (!path || access(path, F_OK) != 0)
    return IATK_OK;
  size_t len = 0;
  char *text = iatk__read_file(path, MAX_FILE_SIZE, &len, err);
  if (!text)
    return iatk__error_code(err, IATK_EIO);
  int rc = iatk__aws_ini_parse_text(ini, which, text, len, err);
  free(text);
  return rc;
}

/* ---------------------------------------------------------------- public */

iatk__aws_ini *iatk__aws_ini_new(void) {
  return calloc(1, sizeof(iatk__aws_ini));
}

void iatk__aws_ini_free(iatk__aws_ini *ini) {
  if (!ini)
    return;
  for (int i = 0; i < IATK__AWS_FILE_COUNT; i++)
    release_file(&ini->files[i]);
  free(ini);
}

int iatk__aws_ini_load(iatk__aws_ini **out, const char *config_path,
                       const char *credentials_path, iatk_error *err) {
  iatk__aws_ini *ini = iatk__aws_ini_new();
  if (!ini)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  int rc = load_file(ini, IATK__AWS_CONFIG_FILE, config_path, err);
  if (rc == IATK_OK)
    rc = load_file(ini, IATK__AWS_CREDENTIALS_FILE, credentials_path, err);
  if (rc != IATK_OK) {
    iatk__aws_ini_free(ini);
    ini = NULL;
  }
  *out = ini;
  return rc;
}

/* Later entries win, as a later assignment does in botocore's dict. */
const char *iatk__aws_ini_get(const iatk__aws_ini *ini, iatk__aws_file file,
                              const char *section, const char *key) {
  if (!ini)
    return NULL;
  const ini_file *f = &ini->files[file];
  for (size_t i = f->count; i-- > 0;) {
    const ini_entry *e = &f->entries[i];
    if (e->key && strcmp(e->key, key) == 0 && strcmp(e->section, section) == 0)
      return e->value;
  }
  return NULL;
}

int iatk__aws_ini_has_section(const iatk__aws_ini *ini, iatk__aws_file file,
                              const char *section) {
  if (!ini)
    return 0;
  const ini_file *f = &ini->files[file];
  for (size_t i = 0; i < f->count; i++)
    if (strcmp(f->entries[i].section, section) == 0)
      return 1;
  return 0;
}

const char *iatk__aws_ini_path(const iatk__aws_ini *ini, iatk__aws_file file) {
  return ini && ini->files[file].path ? ini->files[file].path : "";
}
