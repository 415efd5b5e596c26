/* fuzz_aws_config: the shared AWS files, ~/.aws/config and
 * ~/.aws/credentials (lib/aws/config_file.c over libinih, with its own
 * handling of long lines, empty sections and nested values), and the
 * configuration chain of config.c on top of them.  The input is the text
 * of a file.
 *
 * Checks:
 *  - parsed as a config file and as a credentials file, the text gives
 *    IATK_OK or EINVAL with a message naming the line; never ENOMEM;
 *  - every [section] and key the text seems to hold can be looked up;
 *  - when the text is simple (every line blank, a comment, a [section]
 *    with a plain name, `key = value` with a plain key, or an indented
 *    `sub = value` line of a nested value), every key's last value is
 *    found in its section under its lower-case name (as botocore's
 *    configparser names it), and every nested `sub` as "key.sub", in
 *    both kinds of file (whose section names differ: [profile x], [x]);
 *  - iatk__aws_config_load with the text as both files
 *    (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) and AWS_PROFILE the
 *    first profile the text names: OK or an ordinary error; then the
 *    endpoint of every service is an http(s) URL without a trailing '/',
 *    or EINVAL; the profile's keys from either file are OK or
 *    ECREDENTIALS. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "aws/aws_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Longest plain key and section line of a simple text: longer ones meet
 * inih's 200-byte line buffer, where the reader refuses a key or a
 * section header on purpose ("line too long"). */
#define MAX_KEY 64
#define MAX_SECTION_LINE 160
#define MAX_ASSIGNMENTS 256

static char dir[64], config_path[96], credentials_path[96];

/* The environment settings that would change what the chain reads. */
static const char *const aws_env[] = {"AWS_PROFILE",
                                      "AWS_DEFAULT_PROFILE",
                                      "AWS_REGION",
                                      "AWS_DEFAULT_REGION",
                                      "AWS_ENDPOINT_URL",
                                      "AWS_RETRY_MODE",
                                      "AWS_MAX_ATTEMPTS",
                                      "AWS_CA_BUNDLE",
                                      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                      "AWS_ACCESS_KEY_ID",
                                      "AWS_SECRET_ACCESS_KEY",
                                      "AWS_SESSION_TOKEN",
                                      NULL};

static void remove_dir(void) {
  if (!dir[0])
    return;
  unlink(config_path);
  unlink(credentials_path);
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir, sizeof dir, "%s/iatk-fuzz-config-XXXXXX", tmp);
  if (!mkdtemp(dir))
    abort();
  atexit(remove_dir);
  fuzz_cleanup = remove_dir;
  snprintf(config_path, sizeof config_path, "%s/config", dir);
  snprintf(credentials_path, sizeof credentials_path, "%s/credentials", dir);
  for (int i = 0; aws_env[i]; i++)
    unsetenv(aws_env[i]);
  for (int i = 0; i < IATK__AWS_SERVICE_COUNT; i++) {
    char name[64];
    snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s",
             iatk__aws_services[i].env_suffix);
    unsetenv(name);
  }
  setenv("AWS_CONFIG_FILE", config_path, 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", credentials_path, 1);
  return 0;
}

/* --------------------------------------------------------- the lines */

/* The lines of the text, each a NUL-terminated copy without "\n" and
 * without one final "\r". */
typedef struct lines {
  char *copy;
  char **at;
  size_t count;
} lines;

static void split_lines(lines *l, const uint8_t *data, size_t size) {
  l->copy = malloc(size + 1);
  l->at = malloc((size + 1) * sizeof *l->at);
  if (!l->copy || !l->at)
    abort();
  memcpy(l->copy, data, size);
  l->copy[size] = '\0';
  l->count = 0;
  for (char *p = l->copy; p < l->copy + size;) {
    char *nl = memchr(p, '\n', (size_t)(l->copy + size - p));
    char *end = nl ? nl : l->copy + size;
    *end = '\0';
    if (end > p && end[-1] == '\r')
      end[-1] = '\0';
    l->at[l->count++] = p;
    p = end + 1;
  }
}

static void free_lines(lines *l) {
  free(l->copy);
  free(l->at);
}

/* ------------------------------------------------ the simple-text model */

typedef struct assignment {
  char section[MAX_SECTION_LINE + 16]; /* canonical, as the reader keeps it */
  char key[2 * MAX_KEY + 2];           /* "key" or "key.sub" */
  const char *value;                   /* inside the lines' copy */
  size_t value_len;
  int nested_parent; /* its value is a nested block: not compared */
} assignment;

typedef struct model {
  assignment items[MAX_ASSIGNMENTS];
  size_t count;
  int simple;
} model;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int plain(const char *s, size_t n, const char *extra) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          strchr(extra, c)))
      return 0;
  }
  return n > 0;
}

/* A value inih and configparser read alike: printable ASCII without the
 * inline comment character; trailing blanks do not count. */
static int plain_value(const char *v, size_t *len) {
  size_t n = strlen(v);
  for (size_t i = 0; i < n; i++)
    if (v[i] < 0x20 || v[i] > 0x7e || v[i] == ';')
      return 0;
  while (n > 0 && v[n - 1] == ' ')
    n--;
  *len = n;
  return 1;
}

/* "[name]": the canonical section name for `file`, or "" for a config
 * section botocore ignores.  0 when the line is not a plain header. */
static int section_line(const char *line, iatk__aws_file file, char *out,
                        size_t size) {
  size_t n = strlen(line);
  if (n > MAX_SECTION_LINE)
    return 0;
  while (n > 0 && is_blank(line[n - 1]))
    n--;
  if (n < 3 || line[0] != '[' || line[n - 1] != ']')
    return 0;
  const char *name = line + 1;
  size_t len = n - 2;
  const char *space = memchr(name, ' ', len);
  size_t word = space ? (size_t)(space - name) : len;
  if (!plain(name, word, "-.@") ||
      (space && !plain(space + 1, len - word - 1, "-.@")))
    return 0;
  if (file == IATK__AWS_CREDENTIALS_FILE)
    snprintf(out, size, "profile %.*s", (int)len, name);
  else if (!space && len == 7 && memcmp(name, "default", 7) == 0)
    snprintf(out, size, "profile default");
  else if (space && ((word == 7 && memcmp(name, "profile", 7) == 0) ||
                     (word == 11 && memcmp(name, "sso-session", 11) == 0) ||
                     (word == 8 && memcmp(name, "services", 8) == 0)))
    snprintf(out, size, "%.*s", (int)len, name);
  else
    out[0] = '\0';
  return 1;
}

/* "key = value" (no leading blank): 0 when not plain. */
static int key_line(const char *line, size_t *key_len, const char **value,
                    size_t *value_len) {
  size_t k = strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
                          "YZ0123456789_");
  const char *p = line + k;
  while (is_blank(*p))
    p++;
  if (k == 0 || k > MAX_KEY || *p != '=' || p - line > 2 * MAX_KEY)
    return 0;
  p++;
  while (is_blank(*p))
    p++;
  *key_len = k;
  *value = p;
  return plain_value(p, value_len);
}

static assignment *add(model *m, const char *section, const char *key,
                       size_t key_len, const char *value, size_t value_len) {
  if (m->count == MAX_ASSIGNMENTS) {
    m->simple = 0;
    return NULL;
  }
  assignment *a = &m->items[m->count++];
  snprintf(a->section, sizeof a->section, "%s", section);
  snprintf(a->key, sizeof a->key, "%.*s", (int)key_len, key);
  a->value = value;
  a->value_len = value_len;
  a->nested_parent = 0;
  return a;
}

/* Whether (section, key) was given a nested value before. */
static int was_nested(const model *m, const char *section, const char *key,
                      size_t key_len) {
  for (size_t i = 0; i < m->count; i++)
    if (m->items[i].nested_parent &&
        strcmp(m->items[i].section, section) == 0 &&
        strlen(m->items[i].key) == key_len &&
        memcmp(m->items[i].key, key, key_len) == 0)
      return 1;
  return 0;
}

/* What reading a simple text must give; m->simple = 0 when it is not. */
typedef struct reader {
  model *m;
  iatk__aws_file file;
  char section[MAX_SECTION_LINE + 16]; /* "" for a section botocore ignores */
  int in_section;
  /* The key with an empty value just read, whose nested block the next
   * lines may be; `parent` is its assignment (NULL when not kept). */
  int open;
  assignment *parent;
  char open_key[MAX_KEY + 1];
} reader;

static void read_nested(reader *r, const char *line) {
  const char *sub = line + strspn(line, " \t"), *value;
  size_t sub_len, value_len;
  if (!r->open || !key_line(sub, &sub_len, &value, &value_len)) {
    r->m->simple = 0; /* a continued value, or a block after a break */
    return;
  }
  if (!r->parent)
    return;
  r->parent->nested_parent = 1;
  char key[2 * MAX_KEY + 2];
  int n = snprintf(key, sizeof key, "%s.%.*s", r->open_key, (int)sub_len, sub);
  add(r->m, r->section, key, (size_t)n, value, value_len);
}

/* A key as botocore names it: configparser lower-cases keys (but not
 * the keys inside a nested value). */
static void lower(char *out, const char *key, size_t n) {
  for (size_t i = 0; i < n; i++)
    out[i] = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] + 32) : key[i];
  out[n] = '\0';
}

static void read_key(reader *r, const char *line) {
  const char *value;
  size_t key_len, value_len;
  char key[MAX_KEY + 1];
  if (!r->in_section || !key_line(line, &key_len, &value, &value_len)) {
    r->m->simple = 0;
    return;
  }
  lower(key, line, key_len);
  if (was_nested(r->m, r->section, key, key_len)) {
    r->m->simple = 0;
    return;
  }
  r->parent = r->section[0]
                  ? add(r->m, r->section, key, key_len, value, value_len)
                  : NULL;
  r->open = value_len == 0; /* an empty value may open a nested block */
  snprintf(r->open_key, sizeof r->open_key, "%s", key);
}

static void read_line(reader *r, const char *line) {
  if (strchr(line, '\r')) {
    r->m->simple = 0;
  } else if (line[strspn(line, " \t")] == '\0') {
    /* after a blank line inih would go on with a nested block and
     * configparser would not: an indented line next is not simple */
    r->open = 0;
  } else if (is_blank(line[0])) {
    read_nested(r, line);
  } else if (line[0] == '#' || line[0] == ';') {
    r->open = 0; /* likewise after a comment */
  } else if (line[0] == '[') {
    r->open = 0;
    r->in_section = section_line(line, r->file, r->section, sizeof r->section);
    r->m->simple &= r->in_section;
  } else {
    read_key(r, line);
  }
}

static void build_model(model *m, const lines *l, iatk__aws_file file) {
  reader r;
  memset(&r, 0, sizeof r);
  r.m = m;
  r.file = file;
  m->count = 0;
  m->simple = 1;
  for (size_t i = 0; i < l->count && m->simple; i++)
    read_line(&r, l->at[i]);
}

/* The last assignment of (section, key) from index i on is i itself. */
static int is_last(const model *m, size_t i) {
  for (size_t k = i + 1; k < m->count; k++)
    if (strcmp(m->items[k].section, m->items[i].section) == 0 &&
        strcmp(m->items[k].key, m->items[i].key) == 0)
      return 0;
  return 1;
}

static void check_model(const model *m, const iatk__aws_ini *ini,
                        iatk__aws_file file) {
  const char *kind = file == IATK__AWS_CONFIG_FILE ? "config" : "credentials";
  for (size_t i = 0; i < m->count; i++) {
    const assignment *a = &m->items[i];
    if (a->nested_parent || !is_last(m, i))
      continue;
    const char *got = iatk__aws_ini_get(ini, file, a->section, a->key);
    if (!got)
      fuzz_die("%s file: [%s] %s = '%.*s' is not found", kind, a->section,
               a->key, (int)a->value_len, a->value);
    if (strlen(got) != a->value_len || memcmp(got, a->value, a->value_len))
      fuzz_die("%s file: [%s] %s is '%s', not '%.*s'", kind, a->section, a->key,
               got, (int)a->value_len, a->value);
    if (!iatk__aws_ini_has_section(ini, file, a->section))
      fuzz_die("%s file: section [%s] is not found", kind, a->section);
  }
}

/* ------------------------------------------------------------ parsing */

/* Looks up every section and key-looking line: no crash, whatever the
 * text. */
static void look_up_all(const iatk__aws_ini *ini, iatk__aws_file file,
                        const lines *l) {
  char section[512] = "profile default";
  for (size_t i = 0; i < l->count; i++) {
    const char *line = l->at[i] + strspn(l->at[i], " \t");
    const char *close = line[0] == '[' ? strchr(line, ']') : NULL;
    if (close) {
      snprintf(section, sizeof section, "profile %.*s", (int)(close - line - 1),
               line + 1);
      iatk__aws_ini_has_section(ini, file, section);
      iatk__aws_ini_has_section(ini, file, section + 8);
      continue;
    }
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)strcspn(line, " \t=:"), line);
    iatk__aws_ini_get(ini, file, section, key);
    iatk__aws_ini_get(ini, file, section + 8, key);
  }
}

static void parse_as(iatk__aws_file file, const uint8_t *data, size_t size,
                     const lines *l) {
  iatk__aws_ini *ini = iatk__aws_ini_new();
  if (!ini)
    abort();
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk__aws_ini_parse_text(ini, file, (const char *)data, size, &err);
  model *m = calloc(1, sizeof *m);
  if (!m)
    abort();
  build_model(m, l, file);
  /* NUL, and the byte the reader marks long values with, are refused on
   * purpose ("control characters"), wherever they are */
  m->simple &= !memchr(data, '\0', size) && !memchr(data, 0x1f, size);
  if (rc != IATK_OK) {
    fuzz_check_error("iatk__aws_ini_parse_text", rc, &err);
    if (rc != IATK_EINVAL || !strstr(err.message, "(text):"))
      fuzz_die("parse failed with %s: %s", iatk_err_name(rc), err.message);
    if (m->simple)
      fuzz_die("a simple %s file is refused: %s",
               file == IATK__AWS_CONFIG_FILE ? "config" : "credentials",
               err.message);
  } else {
    look_up_all(ini, file, l);
    if (m->simple)
      check_model(m, ini, file);
  }
  free(m);
  iatk__aws_ini_free(ini);
}

/* ---------------------------------------------------------- the chain */

static void write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    fuzz_die("cannot write %s", path);
}

/* AWS_PROFILE: the first [profile NAME] or [NAME] of the text, else unset. */
static void choose_profile(const lines *l) {
  unsetenv("AWS_PROFILE");
  for (size_t i = 0; i < l->count; i++) {
    const char *line = l->at[i];
    const char *close = line[0] == '[' ? strchr(line, ']') : NULL;
    if (!close)
      continue;
    char name[256];
    const char *start =
        strncmp(line, "[profile ", 9) == 0 ? line + 9 : line + 1;
    snprintf(name, sizeof name, "%.*s", (int)(close - start), start);
    if (close > start)
      setenv("AWS_PROFILE", name, 1);
    return;
  }
}

static void check_endpoints(const iatk__aws_config *cfg) {
  for (int id = 0; id < IATK__AWS_SERVICE_COUNT; id++) {
    iatk_error err;
    iatk_error_clear(&err);
    const char *source = NULL;
    char *url =
        iatk__aws_endpoint(cfg, (iatk__aws_service_id)id, &source, &err);
    if (!url) {
      fuzz_check_error("iatk__aws_endpoint", err.code, &err);
      if (err.code != IATK_EINVAL)
        fuzz_die("endpoint: %s: %s", iatk_err_name(err.code), err.message);
      continue;
    }
    size_t n = strlen(url);
    if ((strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) ||
        url[n - 1] == '/' || !source)
      fuzz_die("endpoint '%s' (from %s)", url, source ? source : "nowhere");
    free(url);
  }
}

static void check_static_credentials(const iatk__aws_config *cfg) {
  iatk__aws_chain chain = {cfg, cfg->profile, 0, NULL};
  iatk__aws_provider providers[] = {iatk__aws_creds_shared_file,
                                    iatk__aws_creds_config_file};
  for (size_t i = 0; i < 2; i++) {
    iatk__aws_creds creds;
    memset(&creds, 0, sizeof creds);
    iatk_error err;
    iatk_error_clear(&err);
    int rc = providers[i](&chain, &creds, &err);
    if (rc != IATK_OK) {
      fuzz_check_error("credentials from a file", rc, &err);
      if (rc != IATK_ECREDENTIALS)
        fuzz_die("credentials from a file: %s", err.message);
    } else if (creds.access_key_id &&
               (!creds.access_key_id[0] || !creds.secret_access_key ||
                !creds.secret_access_key[0]))
      fuzz_die("credentials with an empty key id or secret");
    iatk__aws_creds_release(&creds);
  }
}

static void load_chain(const uint8_t *data, size_t size, const lines *l) {
  write_file(config_path, data, size);
  write_file(credentials_path, data, size);
  choose_profile(l);
  iatk__aws_config cfg;
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk__aws_config_load(&cfg, NULL, NULL, NULL, &err);
  if (rc != IATK_OK) {
    fuzz_check_error("iatk__aws_config_load", rc, &err);
    if (rc != IATK_EINVAL)
      fuzz_die("loading the configuration: %s: %s", iatk_err_name(rc),
               err.message);
    return;
  }
  if (!cfg.profile || cfg.max_attempts < 1 || cfg.max_attempts > 100)
    fuzz_die("loaded without a profile, or %d attempts", cfg.max_attempts);
  check_endpoints(&cfg);
  check_static_credentials(&cfg);
  iatk__aws_config_release(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return -1;
  lines l;
  split_lines(&l, data, size);
  parse_as(IATK__AWS_CONFIG_FILE, data, size, &l);
  parse_as(IATK__AWS_CREDENTIALS_FILE, data, size, &l);
  load_chain(data, size, &l);
  free_lines(&l);
  return 0;
}
