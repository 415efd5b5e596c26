/* fuzz_aws_answers: what iatk reads from AWS and from the tools it runs
 * for credentials.  The first byte of the input picks the reader (an
 * unknown one picks by its value), the rest is its input:
 *
 *   E  an error answer (lib/aws/errors.c, xml.c): a first line with the
 *      HTTP status, "Name: value" header lines, an empty line, the body
 *      (JSON, XML or anything).  The code found has no '#', no trailing
 *      blank, fits its buffer; then the code and message derived from the
 *      body are written in each of AWS's five error shapes (JSON 1.1
 *      __type, REST-JSON with x-amzn-ErrorType, query-compatible JSON
 *      with x-amzn-query-error, query XML, EC2 XML) and must read back
 *      exactly.
 *   S  an STS answer (credentials_sts.c): OK with a key id and a secret,
 *      or ECREDENTIALS; then keys derived from the input, written into a
 *      real AssumeRole answer (XML-escaped), must read back exactly.
 *   L  a credential_process command line (shlex.c): split, 0 or -1;
 *      then the lines of the input taken as words, each quoted in one of
 *      the ways Python's shlex reads (bare, '...', "..." escaping only
 *      what POSIX-mode shlex unescapes there, a backslash before every
 *      character), joined with blanks: splitting gives the words back.
 *   J  a Schemas API answer (lib/registry/aws_json.c): the three listings
 *      collect exactly the names of their array and NextToken;
 *      DescribeSchema's Content, Type and SchemaVersion are read exactly
 *      or refused with EAWS; CreateSchema's body keeps the content.
 *   C  a credentials JSON document (credential_process, container, IMDS,
 *      credentials.c): OK with a key id and a secret, or ECREDENTIALS. */
#include <stdio.h>

#include "fuzz_common.h"

#include "aws/aws_private.h"
#include "registry/registry_aws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CODE_SIZE 128
#define MAX_WORDS 64

/* ------------------------------------------------------------ helpers */

/* Up to `max` bytes of the input that are in `keep`, as a string. */
static void pick(char *out, size_t max, const uint8_t *data, size_t size,
                 const char *keep) {
  size_t n = 0;
  for (size_t i = 0; i < size && n < max; i++)
    if (data[i] && strchr(keep, data[i]))
      out[n++] = (char)data[i];
  out[n] = '\0';
}

static const char alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char printable[] =
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~";

/* Appends `s` with XML's three special characters escaped. */
static void xml_escape(iatk_buf *b, const char *s) {
  for (; *s; s++)
    if (*s == '&')
      iatk__buf_puts(b, "&amp;");
    else if (*s == '<')
      iatk__buf_puts(b, "&lt;");
    else if (*s == '>')
      iatk__buf_puts(b, "&gt;");
    else
      iatk__buf_putc(b, *s);
}

static void json_escape(iatk_buf *b, const char *s) {
  iatk__buf_json_string(b, s, strlen(s));
}

/* ------------------------------------------------------- error answers */

static void check_code(const char *code, const char *what) {
  if (!memchr(code, '\0', CODE_SIZE))
    fuzz_die("%s: the code is not terminated", what);
  size_t n = strlen(code);
  if (strchr(code, '#') || (n && (code[n - 1] == ' ' || code[n - 1] == '\t')))
    fuzz_die("%s: code '%s' keeps a namespace or a blank", what, code);
}

/* One answer through the parser; `code` gets what it found. */
static void parse_error(long status, iatk_strlist *headers, const char *body,
                        size_t len, char code[CODE_SIZE], iatk_buf *message) {
  iatk__http_response resp;
  memset(&resp, 0, sizeof resp);
  resp.status = status;
  resp.headers = headers;
  iatk__buf_init(&resp.body);
  iatk__buf_append(&resp.body, body, len);
  if (resp.body.failed)
    abort();
  memset(code, 'x', CODE_SIZE);
  iatk__aws_error_parse(&resp, code, CODE_SIZE, message);
  if (message->failed)
    fuzz_die("the error message ran out of memory");
  iatk__buf_release(&resp.body);
}

/* The raw answer: status line, headers, body. */
static void raw_error(const uint8_t *data, size_t size) {
  const uint8_t *blank = memmem(data, size, "\n\n", 2);
  size_t head = blank ? (size_t)(blank - data) : size;
  size_t body = blank ? head + 2 : size;
  iatk_strlist *headers = iatk__strlist_new();
  char *text = strndup((const char *)data, head);
  if (!headers || !text)
    abort();
  char *save = NULL, *line = strtok_r(text, "\n", &save);
  long status = line ? strtol(line, NULL, 10) : 0;
  while ((line = strtok_r(NULL, "\n", &save)))
    if (iatk__strlist_push(headers, line) != IATK_OK)
      abort();
  char code[CODE_SIZE];
  iatk_buf message;
  iatk__buf_init(&message);
  parse_error(status, headers, (const char *)data + body, size - body, code,
              &message);
  check_code(code, "a raw answer");
  for (int s = 0; s < IATK__AWS_SERVICE_COUNT; s++)
    iatk__aws_retryable(status, code, (iatk__aws_service_id)s);
  iatk__buf_release(&message);
  iatk_strlist_free(headers);
  free(text);
}

/* The shapes AWS writes an error in; %1 the code, %2 the message, each
 * escaped for its format by shaped(). */
typedef enum shape { JSON11, REST_JSON, QUERY_JSON, QUERY_XML, EC2_XML } shape;

static void shaped(shape s, const char *c, const char *m, iatk_buf *body,
                   iatk_strlist *headers) {
  iatk_buf h;
  iatk__buf_init(&h);
  switch (s) {
  case JSON11:
    iatk__buf_printf(
        body, "{\"__type\":\"com.amazonaws.schemas#%s\",\"message\":", c);
    json_escape(body, m);
    iatk__buf_putc(body, '}');
    break;
  case REST_JSON:
    iatk__buf_printf(&h,
                     "x-amzn-ErrorType: %s:http://internal.amazon.com/"
                     "coral/com.amazonaws.schemas/",
                     c);
    iatk__buf_printf(body, "{\"Code\":\"%s\",\"Message\":", c);
    json_escape(body, m);
    iatk__buf_putc(body, '}');
    break;
  case QUERY_JSON:
    iatk__buf_printf(&h, "x-amzn-query-error: %s;Sender", c);
    iatk__buf_puts(body, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
                         "\"message\":");
    json_escape(body, m);
    iatk__buf_putc(body, '}');
    break;
  case QUERY_XML:
    iatk__buf_printf(body,
                     "<ErrorResponse xmlns=\"https://sts.amazonaws.com/"
                     "doc/2011-06-15/\">\n  <Error>\n    <Type>Sender"
                     "</Type>\n    <Code>%s</Code>\n    <Message>",
                     c);
    xml_escape(body, m);
    iatk__buf_puts(body,
                   "</Message>\n  </Error>\n  <RequestId>c6104cbe-af31-"
                   "11e0-8154-cbc7ccf896c7</RequestId>\n</ErrorResponse>\n");
    break;
  case EC2_XML:
    iatk__buf_printf(body,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<Response><Errors><Error><Code>%s</Code><Message>",
                     c);
    xml_escape(body, m);
    iatk__buf_puts(body, "</Message></Error></Errors><RequestID>ea966190-f9aa-"
                         "478e-9ede-example</RequestID></Response>");
    break;
  }
  if (h.len && iatk__strlist_push(headers, h.data) != IATK_OK)
    abort();
  iatk__buf_release(&h);
}

static void shaped_errors(const uint8_t *data, size_t size) {
  char c[CODE_SIZE - 40], m[200];
  pick(c, 60, data, size, alnum);
  pick(m, sizeof m - 1, data, size, printable);
  if (!c[0])
    snprintf(c, sizeof c, "ValidationException");
  for (shape s = JSON11; s <= EC2_XML; s++) {
    iatk_buf body, message;
    iatk__buf_init(&body);
    iatk__buf_init(&message);
    iatk_strlist *headers = iatk__strlist_new();
    if (!headers)
      abort();
    shaped(s, c, m, &body, headers);
    char code[CODE_SIZE];
    parse_error(400, headers, body.data, body.len, code, &message);
    if (strcmp(code, c) != 0 ||
        strcmp(message.data ? message.data : "", m) != 0)
      fuzz_die("shape %d: read code '%s' message '%s' from\n%s", (int)s, code,
               message.data ? message.data : "", body.data);
    iatk_strlist_free(headers);
    iatk__buf_release(&body);
    iatk__buf_release(&message);
  }
}

/* ------------------------------------------------------------------ STS */

static int read_sts(const char *xml, size_t len, iatk__aws_creds *creds) {
  iatk_error err;
  iatk_error_clear(&err);
  memset(creds, 0, sizeof *creds);
  int rc = iatk__aws_sts_read_credentials(xml, len, "assume role", "fuzz",
                                          creds, &err);
  if (rc != IATK_OK) {
    fuzz_check_error("iatk__aws_sts_read_credentials", rc, &err);
    if (rc != IATK_ECREDENTIALS)
      fuzz_die("STS answer: %s: %s", iatk_err_name(rc), err.message);
  } else if (!creds->access_key_id || !creds->access_key_id[0] ||
             !creds->secret_access_key || !creds->secret_access_key[0]) {
    fuzz_die("STS credentials without a key id or secret");
  }
  return rc;
}

static void sts_answer(iatk_buf *b, const char *id, const char *secret,
                       const char *token) {
  iatk__buf_puts(b,
                 "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
                 "2011-06-15/\">\n  <AssumeRoleResult>\n    <AssumedRoleUser>"
                 "\n      <Arn>arn:aws:sts::123456789012:assumed-role/demo/"
                 "John</Arn>\n      <AssumedRoleId>ARO123EXAMPLE123:John"
                 "</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>"
                 "\n      <AccessKeyId>");
  xml_escape(b, id);
  iatk__buf_puts(b, "</AccessKeyId>\n      <SecretAccessKey>");
  xml_escape(b, secret);
  iatk__buf_puts(b, "</SecretAccessKey>\n      <SessionToken>");
  xml_escape(b, token);
  iatk__buf_puts(b,
                 "</SessionToken>\n      <Expiration>2019-11-09T13:34:41Z"
                 "</Expiration>\n    </Credentials>\n    <PackedPolicySize>6"
                 "</PackedPolicySize>\n  </AssumeRoleResult>\n  "
                 "<ResponseMetadata>\n    <RequestId>c6104cbe-af31-11e0-8154-"
                 "cbc7ccf896c7</RequestId>\n  </ResponseMetadata>\n"
                 "</AssumeRoleResponse>\n");
}

static void sts(const uint8_t *data, size_t size) {
  iatk__aws_creds creds;
  read_sts((const char *)data, size, &creds);
  iatk__aws_creds_release(&creds);
  char id[64], secret[128], token[256];
  pick(id, 40, data, size, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  pick(secret, sizeof secret - 1, data, size, printable + 1);
  pick(token, sizeof token - 1, data, size, printable + 1);
  if (!id[0] || !secret[0])
    return;
  iatk_buf b;
  iatk__buf_init(&b);
  sts_answer(&b, id, secret, token);
  if (read_sts(b.data, b.len, &creds) != IATK_OK)
    fuzz_die("a real STS answer is refused:\n%s", b.data);
  if (strcmp(creds.access_key_id, id) ||
      strcmp(creds.secret_access_key, secret) ||
      strcmp(creds.session_token ? creds.session_token : "", token) ||
      creds.expiration != 1573306481)
    fuzz_die("STS credentials read wrong: '%s' '%s' '%s' %lld from\n%s",
             creds.access_key_id, creds.secret_access_key,
             creds.session_token ? creds.session_token : "(none)",
             (long long)creds.expiration, b.data);
  iatk__aws_creds_release(&creds);
  iatk__buf_release(&b);
}

/* ---------------------------------------------------------------- shlex */

/* Whether POSIX-mode shlex reads "\c" inside "..." as c (else as "\c"). */
static int escaped_in_double(char c) { return c == '\\' || c == '"'; }

static void quote_double(iatk_buf *b, const char *w) {
  iatk__buf_putc(b, '"');
  for (const char *p = w; *p; p++) {
    /* a backslash stays literal unless an escapable character follows */
    if (*p == '"' || (*p == '\\' && (!p[1] || escaped_in_double(p[1]))))
      iatk__buf_putc(b, '\\');
    iatk__buf_putc(b, *p);
  }
  iatk__buf_putc(b, '"');
}

static void quote_single(iatk_buf *b, const char *w) {
  iatk__buf_putc(b, '\'');
  for (const char *p = w; *p; p++)
    if (*p == '\'')
      iatk__buf_puts(b, "'\\''"); /* close, escaped quote, reopen */
    else
      iatk__buf_putc(b, *p);
  iatk__buf_putc(b, '\'');
}

static void quote_backslashes(iatk_buf *b, const char *w) {
  if (!*w)
    iatk__buf_puts(b, "''");
  for (const char *p = w; *p; p++) {
    iatk__buf_putc(b, '\\');
    iatk__buf_putc(b, *p);
  }
}

static int is_bare(const char *w) {
  return w[0] && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
                           "Z0123456789_./:=@%+,-") == strlen(w);
}

static void quote(iatk_buf *b, const char *w, unsigned style) {
  switch (style % 4) {
  case 0: is_bare(w) ? iatk__buf_puts(b, w) : quote_single(b, w); break;
  case 1: quote_single(b, w); break;
  case 2: quote_double(b, w); break;
  default: quote_backslashes(b, w); break;
  }
}

static void split_any(const char *text) {
  iatk_strlist *words = iatk__strlist_new();
  if (!words)
    abort();
  int rc = iatk__aws_shell_split(text, words);
  if (rc != 0 && rc != -1)
    fuzz_die("shell_split('%s') = %d", text, rc);
  iatk_strlist_free(words);
}

static void shlex(const uint8_t *data, size_t size) {
  char *text = strndup((const char *)data, size);
  if (!text)
    abort();
  split_any(text);
  const char *word[MAX_WORDS];
  size_t n = 0;
  char *save = NULL;
  for (char *w = strtok_r(text, "\n", &save); w && n < MAX_WORDS;
       w = strtok_r(NULL, "\n", &save))
    word[n++] = w;
  iatk_buf line;
  iatk__buf_init(&line);
  for (size_t i = 0; i < n; i++) {
    if (i)
      iatk__buf_puts(&line, (unsigned char)word[i][0] % 2 ? " " : " \t ");
    quote(&line, word[i], (unsigned char)word[i][0] + (unsigned)i);
  }
  iatk_strlist *words = iatk__strlist_new();
  if (!words || line.failed)
    abort();
  int rc = iatk__aws_shell_split(line.data ? line.data : "", words);
  if (rc != 0 || iatk_strlist_count(words) != n)
    fuzz_die("split(%s) = %d, %zu words, %zu expected", line.data, rc,
             iatk_strlist_count(words), n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(iatk_strlist_get(words, i), word[i]) != 0)
      fuzz_die("split(%s): word %zu is '%s', '%s' expected", line.data, i,
               iatk_strlist_get(words, i), word[i]);
  iatk_strlist_free(words);
  iatk__buf_release(&line);
  free(text);
}

/* ---------------------------------------------------- Schemas answers */

static void collect(const json_t *doc, const char *member, const char *field) {
  iatk_strlist *names = iatk__strlist_new();
  char *next = (char *)"unset";
  iatk_error err;
  iatk_error_clear(&err);
  if (!names)
    abort();
  int rc = iatk__aws_collect(doc, member, field, names, &next, &err);
  const json_t *items = json_object_get(doc, member);
  if (rc != IATK_OK) {
    fuzz_check_error("iatk__aws_collect", rc, &err);
    if (rc != IATK_EAWS)
      fuzz_die("collect: %s", err.message);
  } else {
    if (iatk_strlist_count(names) != json_array_size(items))
      fuzz_die("collect %s: %zu names from %zu items", member,
               iatk_strlist_count(names), json_array_size(items));
    for (size_t i = 0; i < json_array_size(items); i++)
      if (strcmp(iatk_strlist_get(names, i),
                 json_string_value(
                     json_object_get(json_array_get(items, i), field))) != 0)
        fuzz_die("collect %s: name %zu differs", member, i);
    const char *token = json_string_value(json_object_get(doc, "NextToken"));
    if ((token && token[0]) ? !next || strcmp(next, token) != 0 : next != NULL)
      fuzz_die("collect %s: NextToken '%s' read as '%s'", member,
               token ? token : "(none)", next ? next : "(none)");
    free(next);
  }
  iatk_strlist_free(names);
}

/* The version DescribeSchema's answer names, as the API spells it. */
static int expected_version(const json_t *v) {
  if (json_is_integer(v))
    return json_integer_value(v) > 0 && json_integer_value(v) <= 0x7fffffff
               ? (int)json_integer_value(v)
               : -1;
  return json_is_string(v) ? iatk__registry_parse_version(json_string_value(v))
                           : -1;
}

static void content_round_trip(const char *type, const char *content,
                               size_t len) {
  iatk_error err;
  iatk_error_clear(&err);
  char *body = iatk__aws_schema_body(type, content, len, &err);
  if (!body) {
    fuzz_check_error("iatk__aws_schema_body", err.code, &err);
    return; /* not UTF-8: refused, as the API would */
  }
  json_t *doc = json_loads(body, JSON_ALLOW_NUL, NULL);
  const json_t *c = json_object_get(doc, "Content");
  if (!c || json_string_length(c) != len ||
      memcmp(json_string_value(c), content, len) != 0)
    fuzz_die("CreateSchema's body does not keep the content: %s", body);
  json_decref(doc);
  free(body);
}

static void describe(const json_t *doc) {
  size_t len = 0;
  const char *type = NULL;
  int version = 0;
  iatk_error err;
  iatk_error_clear(&err);
  char *text =
      iatk__aws_schema_content(doc, "reg", "sch", &len, &type, &version, &err);
  if (!text) {
    fuzz_check_error("iatk__aws_schema_content", err.code, &err);
    if (err.code != IATK_EAWS)
      fuzz_die("describe: %s", err.message);
    return;
  }
  const json_t *content = json_object_get(doc, "Content");
  if (len != json_string_length(content) ||
      memcmp(text, json_string_value(content), len) != 0 || text[len])
    fuzz_die("describe: the content is not read exactly");
  if (strcmp(type, json_string_value(json_object_get(doc, "Type"))) != 0)
    fuzz_die("describe: type %s", type);
  if (version != expected_version(json_object_get(doc, "SchemaVersion")))
    fuzz_die("describe: version %d", version);
  content_round_trip(type, text, len);
  free(text);
}

static void schemas(const uint8_t *data, size_t size) {
  json_t *doc = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
  if (!doc)
    return;
  collect(doc, "Registries", "RegistryName");
  collect(doc, "Schemas", "SchemaName");
  collect(doc, "SchemaVersions", "SchemaVersion");
  describe(doc);
  int version = 0;
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk__aws_version_of(doc, &version, &err) == IATK_OK
          ? version != expected_version(json_object_get(doc, "SchemaVersion"))
          : err.code != IATK_EAWS)
    fuzz_die("version_of: %d (%s)", version, err.message);
  json_decref(doc);
}

/* ------------------------------------------------- credentials JSON */

static void credentials(const uint8_t *data, size_t size) {
  json_t *doc = json_loadb((const char *)data, size, 0, NULL);
  static const char *const token_keys[] = {"SessionToken", "Token"};
  for (int i = 0; i < 2; i++) {
    iatk__aws_creds creds;
    memset(&creds, 0, sizeof creds);
    iatk_error err;
    iatk_error_clear(&err);
    int rc = iatk__aws_creds_from_json(doc, token_keys[i], "fuzz", "fuzz",
                                       &creds, &err);
    if (rc != IATK_OK) {
      fuzz_check_error("iatk__aws_creds_from_json", rc, &err);
      if (rc != IATK_ECREDENTIALS)
        fuzz_die("credentials: %s", err.message);
    } else if (!creds.access_key_id[0] || !creds.secret_access_key[0]) {
      fuzz_die("credentials without a key id or secret");
    }
    iatk__aws_creds_release(&creds);
  }
  json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > FUZZ_MAX_INPUT)
    return -1;
  static const char modes[] = "ESLJC";
  const char *mode = memchr(modes, data[0], 5);
  switch (mode ? *mode : modes[data[0] % 5]) {
  case 'E':
    raw_error(data + 1, size - 1);
    shaped_errors(data + 1, size - 1);
    break;
  case 'S': sts(data + 1, size - 1); break;
  case 'L': shlex(data + 1, size - 1); break;
  case 'J': schemas(data + 1, size - 1); break;
  default: credentials(data + 1, size - 1); break;
  }
  return 0;
}
