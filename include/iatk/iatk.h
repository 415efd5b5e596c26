/*
 * libiatk — generate mock events from event schemas, enrich them with
 * contexts and hand them to the consumer under test.
 *
 * Conventions used by every declaration below:
 *  - Handles are opaque and come in _new/_free (or _load/_free) pairs.  Every
 *    _free function accepts NULL and does nothing with it.
 *  - Every fallible call takes an optional `iatk_error *err` as its last
 *    argument.  Pass NULL if you do not want details.  On failure the call
 *    returns NULL or a non-zero iatk_code and fills *err; the first error
 *    wins (a filled error is never overwritten by a later one).
 *  - Strings returned as `const char *` belong to the handle they came from
 *    and live as long as it does.  Strings returned as `char *` are the
 *    caller's and are released with iatk_free().
 *  - The library never prints and never exits.
 *  - Thread safety: a compiled iatk_plan is immutable and may be shared by
 *    any number of threads.  Every other handle must be used by one thread
 *    at a time (distinct handles in distinct threads are fine).
 *  - No varargs anywhere, so the API can be bound with ctypes.
 */
#ifndef IATK_IATK_H
#define IATK_IATK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "iatk/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(IATK_BUILDING_LIBRARY) && defined(__GNUC__)
#define IATK_EXTERN __attribute__((visibility("default")))
#else
#define IATK_EXTERN
#endif

/* ---------------------------------------------------------------- errors */

/*
 * The error table: XX(NAME, exit status of the iatk tool, description).
 * Codes are append-only; a code's number never changes once released.
 * Exit statuses: 1 internal, 2 usage, 3 bad input, 4 not found,
 * 5 unsatisfiable schema, 6 context failed, 7 I/O, 8 invalid event,
 * 9 consumer failed, 10 AWS refused the request (service error, bad
 * credentials or signature), 11 network (no answer after retries).
 */
#define IATK_ERROR_MAP(XX)                                                     \
  XX(OK, 0, "success")                                                         \
  XX(EINVAL, 2, "invalid argument")                                            \
  XX(ENOMEM, 1, "out of memory")                                               \
  XX(EIO, 7, "input/output error")                                             \
  XX(EJSON, 3, "malformed JSON")                                               \
  XX(ESCHEMA, 3, "invalid schema document")                                    \
  XX(EUNSUPPORTED, 3, "unsupported schema feature")                            \
  XX(ENOREGISTRY, 4, "registry not found")                                     \
  XX(ENOSCHEMA, 4, "schema not found")                                         \
  XX(ENOVERSION, 4, "schema version not found")                                \
  XX(ENOEVENT, 4, "event_ref not found")                                       \
  XX(EREF, 3, "unresolvable $ref")                                             \
  XX(ECYCLE, 5, "schema admits no finite instance")                            \
  XX(EUNSAT, 5, "schema is unsatisfiable")                                     \
  XX(ENAME, 2, "invalid name")                                                 \
  XX(EEXIST, 2, "already exists")                                              \
  XX(EPOINTER, 2, "invalid JSON pointer")                                      \
  XX(ELIMIT, 3, "size or depth limit exceeded")                                \
  XX(ECONTEXT, 6, "context failed")                                            \
  XX(EINVALID, 8, "event does not validate")                                   \
  XX(ECONSUMER, 9, "consumer failed")                                          \
  XX(ETIMEOUT, 9, "consumer timed out")                                        \
  XX(EAWS, 10, "AWS service error")                                            \
  XX(ECREDENTIALS, 10, "no usable AWS credentials")                            \
  XX(ESIGNATURE, 10, "request signature rejected")                             \
  XX(ENETWORK, 11, "network error")

typedef enum iatk_code {
#define IATK_XX_ENUM(name, exit_status, text) IATK_##name,
  IATK_ERROR_MAP(IATK_XX_ENUM)
#undef IATK_XX_ENUM
      IATK_ERROR_COUNT
} iatk_code;

/* Sizes in bytes of iatk_error's text buffers, terminating NUL included.
 * Part of the ABI: changing one changes the struct's layout.  The library
 * shortens a longer text in its middle and marks the cut with "...". */
#define IATK_ERROR_WHERE_SIZE 512
#define IATK_ERROR_MESSAGE_SIZE 1024

/* Details of a failure.  `where` is a location such as "file.json:3:14" or
 * a JSON pointer "#/components/schemas/Item"; empty when there is none.
 * Both texts are always NUL-terminated within their buffers. */
typedef struct iatk_error {
  int code;         /* an iatk_code, IATK_OK when nothing failed */
  int line, column; /* 1-based position in a JSON input, 0 if none */
  char where[IATK_ERROR_WHERE_SIZE];
  char message[IATK_ERROR_MESSAGE_SIZE]; /* complete sentence fragment, no
                                          * trailing newline */
} iatk_error;

/* Resets *err to "no error".  NULL-safe. */
IATK_EXTERN void iatk_error_clear(iatk_error *err);
/* Static description of a code ("malformed JSON"); never NULL. */
IATK_EXTERN const char *iatk_strerror(int code);
/* Static symbolic name of a code ("IATK_EJSON"); never NULL. */
IATK_EXTERN const char *iatk_err_name(int code);
/* Exit status the iatk tool uses for a code (table above). */
IATK_EXTERN int iatk_err_exit_status(int code);
/*
 * For language bindings that declare iatk_error themselves (ctypes, cffi,
 * FFI): the layout of iatk_error as this library was compiled, so a binding
 * can check its own declaration against it, or build it from these values,
 * instead of trusting a copy of this header.  Stores the byte offsets and
 * sizes of `where` and `message` through the pointers that are not NULL and
 * returns sizeof(iatk_error).  C callers use the struct and the
 * IATK_ERROR_*_SIZE constants directly.
 */
IATK_EXTERN size_t iatk_error_layout(size_t *where_offset, size_t *where_size,
                                     size_t *message_offset,
                                     size_t *message_size);

/* Version of the linked library, "MAJOR.MINOR.PATCH".  Static. */
IATK_EXTERN const char *iatk_version(void);
/* Re-writes JSON text compactly (pretty == 0) or indented by two spaces,
 * with numbers in their shortest round-trip form.  Caller frees the result
 * with iatk_free.  EJSON with the position when the text does not parse. */
IATK_EXTERN char *iatk_format_json(const char *text, size_t len, int pretty,
                                   iatk_error *err);
/* Releases memory the library handed to the caller as `char *`. */
IATK_EXTERN void iatk_free(void *ptr);

/* ----------------------------------------------------------- string lists */

/* An immutable list of strings returned by listing calls. */
typedef struct iatk_strlist iatk_strlist;
IATK_EXTERN size_t iatk_strlist_count(const iatk_strlist *list);
/* The i-th string, or NULL when i is out of range.  Owned by the list. */
IATK_EXTERN const char *iatk_strlist_get(const iatk_strlist *list, size_t i);
IATK_EXTERN void iatk_strlist_free(iatk_strlist *list);

/* ------------------------------------------------------- schema documents */

/* A parsed schema document (OpenAPI 3 or JSON Schema). */
typedef struct iatk_schema iatk_schema;

/* Schema types as the EventBridge schema registry names them. */
#define IATK_TYPE_OPENAPI3 "OpenApi3"
#define IATK_TYPE_JSONSCHEMA_DRAFT4 "JSONSchemaDraft4"

/* Largest document accepted, in bytes, and deepest nesting. */
#define IATK_MAX_DOCUMENT_BYTES (64u * 1024u * 1024u)
#define IATK_MAX_SCHEMA_DEPTH 1800

/*
 * Parses `len` bytes of JSON text as a schema document.  `type` is
 * IATK_TYPE_OPENAPI3, IATK_TYPE_JSONSCHEMA_DRAFT4 or NULL to detect it (a
 * top-level "openapi" member means OpenApi3).  `origin` names the text in
 * error locations ("schema.json"); NULL means "<schema>".  The text is copied.
 * Returns NULL on failure (EJSON with line/column, ESCHEMA, ELIMIT, EINVAL).
 */
IATK_EXTERN iatk_schema *iatk_schema_load(const char *text, size_t len,
                                          const char *type, const char *origin,
                                          iatk_error *err);
/* Reads and parses a file; "-" reads standard input.  EIO when unreadable. */
IATK_EXTERN iatk_schema *
iatk_schema_load_file(const char *path, const char *type, iatk_error *err);
IATK_EXTERN void iatk_schema_free(iatk_schema *schema);
/* The document's type (IATK_TYPE_*).  Static string. */
IATK_EXTERN const char *iatk_schema_type(const iatk_schema *schema);
/* The JSON Schema dialect the document is read in: "draft4", "draft6",
 * "draft7", "2019-09", "2020-12", "openapi-3.0" or "openapi-3.1".  Decided
 * at load time: an OpenAPI document's version; else openapi-3.0 when the
 * type given at load is OpenApi3; else a recognised "$schema"; else draft4
 * when the type is JSONSchemaDraft4 and there is no "$schema"; else
 * "2020-12".  The compiler and the validator both
 * use it.  Static string; NULL for a NULL schema. */
IATK_EXTERN const char *iatk_schema_dialect(const iatk_schema *schema);
/* Reads the document in another dialect (one of the names above), for
 * schemas whose "$schema" is missing or wrong.  Call it before compiling
 * or validating; not safe while other threads use the schema.  EINVAL for
 * a NULL schema or an unknown name. */
IATK_EXTERN int iatk_schema_set_dialect(iatk_schema *schema, const char *name,
                                        iatk_error *err);
/* Where the document came from, as given at load time.  Owned by schema. */
IATK_EXTERN const char *iatk_schema_origin(const iatk_schema *schema);
/* The parsed document.  Borrowed: do not modify or decref. */
IATK_EXTERN const json_t *iatk_schema_document(const iatk_schema *schema);

/* --------------------------------------------------------------- compile */

/* A compiled, immutable generation plan for one event of one schema. */
typedef struct iatk_plan iatk_plan;

/*
 * Compiles the event named by `event_ref`:
 *  - OpenApi3: a name under components/schemas ("MyEvent") or a JSON
 *    pointer ("#/components/schemas/MyEvent").  NULL picks the only schema
 *    under components/schemas, or fails with ENOEVENT when there are several.
 *  - JSON Schema: NULL or "" for the root, a name under definitions/$defs,
 *    or a JSON pointer.
 * Fails with ENOEVENT, EREF, ECYCLE, EUNSAT, ESCHEMA (an invalid keyword
 * value, such as a pattern PCRE2 rejects), EUNSUPPORTED, ELIMIT or ENOMEM, with
 * `where` set to the JSON pointer of the offending schema.  The plan keeps
 * no reference to `schema`; free them in any order.
 */
IATK_EXTERN iatk_plan *iatk_compile(const iatk_schema *schema,
                                    const char *event_ref, iatk_error *err);
IATK_EXTERN void iatk_plan_free(iatk_plan *plan);
/* The event's x-amazon-events-detail-type / -source, or NULL. Owned by plan. */
IATK_EXTERN const char *iatk_plan_detail_type(const iatk_plan *plan);
IATK_EXTERN const char *iatk_plan_source(const iatk_plan *plan);
/* JSON pointer of the event schema inside its document.  Owned by plan. */
IATK_EXTERN const char *iatk_plan_pointer(const iatk_plan *plan);

/* -------------------------------------------------------------- generate */

typedef enum iatk_mode {
  IATK_MODE_BAREBONE = 0, /* AWS IATK's values, the smallest valid ones */
  IATK_MODE_SAMPLE = 1,   /* const, examples, default, enum, format samples */
  IATK_MODE_RANDOM = 2    /* seeded random values satisfying the schema */
} iatk_mode;

/* Parses "barebone" / "sample" / "random"; -1 when unknown. */
IATK_EXTERN int iatk_mode_parse(const char *name);

/* A generator: per-thread state (output buffer, options) over a plan.
 * It borrows the plan, which must outlive it. */
typedef struct iatk_gen iatk_gen;

IATK_EXTERN iatk_gen *iatk_gen_new(const iatk_plan *plan, iatk_error *err);
IATK_EXTERN void iatk_gen_free(iatk_gen *gen);
/* The setters do nothing when gen is NULL; an unknown mode is ignored. */
IATK_EXTERN void iatk_gen_set_mode(iatk_gen *gen, iatk_mode mode);
IATK_EXTERN void iatk_gen_set_seed(iatk_gen *gen, uint64_t seed);
/*
 * Which optional properties (those an object's `required` list leaves out)
 * are dropped.  Required properties are always emitted, and so is whatever
 * the schema forces (minProperties, dependentRequired).
 *  - OFF: none are dropped; the mode decides which optional properties
 *    appear (barebone and sample: all; random: a seeded choice).
 *  - SCHEMA: JSON Schema's meaning of `required`: every optional property
 *    is dropped, so an object without a `required` list comes out as {}.
 *    The iatk tool's --skip-optional.
 *  - AWS: AWS IATK's skip_optional: only objects that have a `required`
 *    list (even an empty one) drop their optional properties; an object
 *    without one is generated as with OFF.  What AWS IATK's
 *    generate_mock_event(skip_optional=True) and its JSON-RPC SkipOptional
 *    do, so the Python package and service mode use it.
 * Each object decides for itself.  In barebone mode, the object schema
 *   {"required": ["a"], "properties": {"c": {"type": "string"},
 *    "a": {"type": "object", "properties": {"b": {"type": "string"}}}}}
 * gives {"a": {"b": ""}} under AWS and {"a": {}} under SCHEMA.  After allOf
 * merging, an object has a `required` list when any merged schema has one.
 */
typedef enum iatk_skip_optional {
  IATK_SKIP_OPTIONAL_OFF = 0,
  IATK_SKIP_OPTIONAL_SCHEMA = 1,
  IATK_SKIP_OPTIONAL_AWS = 2
} iatk_skip_optional;

/* Sets the rule above (default OFF).  A value outside the enum is ignored,
 * so 0/1 from older callers keep their meaning. */
IATK_EXTERN void iatk_gen_set_skip_optional(iatk_gen *gen,
                                            iatk_skip_optional skip);
/* Pretty-prints with two-space indentation when non-zero. */
IATK_EXTERN void iatk_gen_set_pretty(iatk_gen *gen, int pretty);
/* Pins the clock to an RFC 3339 instant; its offset is kept for output.
 * NULL returns to the system clock.  EINVAL when unparsable. */
IATK_EXTERN int iatk_gen_set_now(iatk_gen *gen, const char *rfc3339,
                                 iatk_error *err);
/*
 * Generates event number `index` (random mode: a pure function of plan,
 * seed and index).  On success *text points to NUL-terminated JSON owned by
 * the generator, valid until the next call on it, and *len is its length.
 */
IATK_EXTERN int iatk_gen_event(iatk_gen *gen, uint64_t index, const char **text,
                               size_t *len, iatk_error *err);

/*
 * iatk_gen_event for a caller that caches what it read from a directory
 * and must not use it once the directory has changed (the Python package
 * keeps a schema's latest version, which a version published into the
 * schema's directory changes, and the directory's mtime with it).
 *
 * When `path` is not NULL, the event is generated only if stat(path)
 * succeeds, its modification time is `mtime_ns` (nanoseconds since the
 * epoch, st_mtim as one number) and that time is more than `settle_ns`
 * nanoseconds before the current time (CLOCK_REALTIME): a second change
 * within one tick of the file system's clock would leave the time as it
 * was.  Otherwise it returns IATK_GEN_CHANGED, with *text, *len and `err`
 * untouched.  A binding (ctypes) pays for one foreign call instead of a
 * stat of its own and the event, which is what the function is for.
 * NULL `path`: exactly iatk_gen_event.  Thread safety as iatk_gen_event's:
 * one generator per thread.  lib/gen/gen_if_unchanged.c.
 */
#define IATK_GEN_CHANGED (-1)
IATK_EXTERN int iatk_gen_event_if_unchanged(iatk_gen *gen, const char *path,
                                            int64_t mtime_ns, int64_t settle_ns,
                                            uint64_t index, const char **text,
                                            size_t *len, iatk_error *err);

/* --------------------------------------------------------------- contexts */

/*
 * A context edits an event in place.  It returns 0 on success, or non-zero
 * after (optionally) filling `err` with a message.  The pipeline reports
 * any failure as IATK_ECONTEXT "context '<name>' failed: <message>", so
 * callers (and the iatk tool's exit status 6) see one code for "a context
 * failed".  It must not keep `event` beyond the call.
 */
typedef int (*iatk_context_fn)(json_t *event, void *userdata, iatk_error *err);

/* An ordered list of contexts applied to each event. */
typedef struct iatk_pipeline iatk_pipeline;

IATK_EXTERN iatk_pipeline *iatk_pipeline_new(iatk_error *err);
IATK_EXTERN void iatk_pipeline_free(iatk_pipeline *pipeline);
/* Appends a user context.  `name` (copied) appears in error messages. */
IATK_EXTERN int iatk_pipeline_add(iatk_pipeline *pipeline, const char *name,
                                  iatk_context_fn fn, void *userdata,
                                  iatk_error *err);
/* Appends a built-in context by name; `plan` may be NULL (used for the
 * EventBridge detail-type and source).  Known names: "eventbridge".
 * EINVAL for an unknown name. */
IATK_EXTERN int iatk_pipeline_add_builtin(iatk_pipeline *pipeline,
                                          const char *name,
                                          const iatk_plan *plan,
                                          iatk_error *err);
/* Appends an RFC 6901 assignment given as "/pointer=JSON".  Missing
 * objects on the way are created; "-" appends to an array. */
IATK_EXTERN int iatk_pipeline_add_set(iatk_pipeline *pipeline,
                                      const char *assignment, iatk_error *err);
/* Appends an RFC 7386 merge patch given as JSON text. */
IATK_EXTERN int iatk_pipeline_add_merge(iatk_pipeline *pipeline,
                                        const char *patch_json,
                                        iatk_error *err);
/* Pins the clock used by built-in contexts (as iatk_gen_set_now). */
IATK_EXTERN int iatk_pipeline_set_now(iatk_pipeline *pipeline,
                                      const char *rfc3339, iatk_error *err);
/* The region EventBridge contexts fill in (default: $AWS_REGION, else
 * $AWS_DEFAULT_REGION, else us-east-1): for events that should look as
 * they would in the region the tests run against.  Call it before adding
 * the eventbridge context; EINVAL after, or for a name not in AWS's form
 * (such as us-east-1 or us-gov-west-1). */
IATK_EXTERN int iatk_pipeline_set_region(iatk_pipeline *pipeline,
                                         const char *region, iatk_error *err);
/* Makes built-in random values (EventBridge id, account) a pure function
 * of (seed, index) instead of fresh randomness. */
IATK_EXTERN void iatk_pipeline_set_seed(iatk_pipeline *pipeline, uint64_t seed);
IATK_EXTERN size_t iatk_pipeline_count(const iatk_pipeline *pipeline);
/* Applies every context in order to `event` (event number `index`). */
IATK_EXTERN int iatk_pipeline_run(iatk_pipeline *pipeline, json_t *event,
                                  uint64_t index, iatk_error *err);
/*
 * Text in, text out: parses `event_json`, runs the pipeline and returns the
 * compact result (caller frees with iatk_free), or NULL on failure.
 */
IATK_EXTERN char *iatk_pipeline_run_text(iatk_pipeline *pipeline,
                                         const char *event_json, uint64_t index,
                                         iatk_error *err);

/* The EventBridge context on its own, text in and text out: makes the
 * envelope look as EventBridge delivers it.  Members already in
 * EventBridge's form are kept; missing or malformed ones are filled:
 * version "0", id a UUID, account 12 digits, region ($AWS_REGION,
 * $AWS_DEFAULT_REGION, us-east-1), resources an array of strings, detail
 * an object, detail-type and source non-empty strings (`detail_type` and
 * `source`, or "detail-type" and "source", AWS IATK's placeholders, when
 * NULL).  `time` is written as EventBridge writes it, in UTC with whole
 * seconds ("2019-11-30T09:02:36Z"): a date-time already there keeps its
 * instant, anything else becomes the current time.  (Through a pipeline,
 * "the current time" is the pipeline's clock, see iatk_pipeline_set_now.)
 * Caller frees the result with iatk_free. */
IATK_EXTERN char *iatk_eventbridge_context_text(const char *event_json,
                                                const char *detail_type,
                                                const char *source,
                                                iatk_error *err);

/* -------------------------------------------------------------- validate */

/*
 * A validator for one event schema: an independent code path from
 * generation (it walks the schema document itself, not the plan).  It
 * caches compiled regular expressions, so use one per thread.  It keeps its
 * own reference to the document; the schema may be freed first.
 */
typedef struct iatk_validator iatk_validator;

/* event_ref as for iatk_compile.  ENOEVENT when it names nothing. */
IATK_EXTERN iatk_validator *iatk_validator_new(const iatk_schema *schema,
                                               const char *event_ref,
                                               iatk_error *err);
IATK_EXTERN void iatk_validator_free(iatk_validator *v);
/*
 * Validates an event.  Returns IATK_OK, or IATK_EINVALID with the first
 * failing keyword in err->message and, in err->where, the JSON pointer
 * into the event followed by the schema location, e.g.
 * "/orderItems/0/count (schema #/components/schemas/Item/properties/count/type)".
 * Any other code means no verdict: validation stopped at a limit
 * (IATK_ELIMIT: the validator's work budget or depth limit, PCRE2's match,
 * depth or heap limit) or at a broken schema (IATK_ESCHEMA: a pattern that
 * does not compile; IATK_EREF: a reference that does not resolve), with the
 * cause and the same kind of location in err.  A caller that retries on
 * IATK_EINVALID must not retry on these.
 */
IATK_EXTERN int iatk_validate(iatk_validator *v, const json_t *event,
                              iatk_error *err);
/* The same for JSON text (EJSON when it does not parse).  Integers of any
 * size and strings holding "\u0000" are read; an integer beyond int64 is
 * compared as the nearest double. */
IATK_EXTERN int iatk_validate_text(iatk_validator *v, const char *text,
                                   size_t len, iatk_error *err);

/*
 * Generates event `index` with `gen`, applies the pipeline's contexts (an
 * empty pipeline applies none) and, when `validator` is not NULL, validates
 * the result (IATK_EINVALID and the rest as iatk_validate_text); writes it
 * compact, or indented by two spaces when `pretty` is non-zero.  The text
 * is what iatk_gen_event (compact), iatk_pipeline_run_text and
 * iatk_format_json give in turn, but the event is parsed at most once and
 * written once: the built-in contexts (eventbridge, set) edit the
 * generator's text directly, so events with only those are never parsed;
 * a user context or a merge patch has the event parsed once.  The
 * generator's own pretty setting is not used.  *text (NUL-terminated, *len
 * bytes, `len` may be NULL) belongs to the pipeline and stays valid until
 * its next call; pipeline, generator and validator are this thread's for
 * the call.
 */
IATK_EXTERN int iatk_pipeline_generate(iatk_pipeline *pipeline, iatk_gen *gen,
                                       uint64_t index,
                                       iatk_validator *validator, int pretty,
                                       const char **text, size_t *len,
                                       iatk_error *err);

/* -------------------------------------------------------------------- AWS */

/*
 * An AWS client configuration, resolved the way the AWS CLI and SDKs do:
 * the profile (`profile`, else AWS_PROFILE, AWS_DEFAULT_PROFILE, else
 * "default"), the region (`region`, else AWS_REGION, AWS_DEFAULT_REGION,
 * the profile's region), endpoints (`endpoint_url` for every service, else
 * AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL, the profile's services section
 * and endpoint_url, else AWS's own), and credentials through the provider
 * chain (environment, assume role, web identity, SSO, the shared
 * credentials file, credential_process, the config file, container,
 * instance metadata; a profile named by `profile` skips the environment),
 * fetched at the first request and cached until shortly before they
 * expire.  NULL arguments follow the chain; see docs/aws.md.
 * Thread-safe once made: requests from several threads may share it.
 */
typedef struct iatk_aws iatk_aws;
IATK_EXTERN iatk_aws *iatk_aws_new(const char *profile, const char *region,
                                   const char *endpoint_url, iatk_error *err);
IATK_EXTERN void iatk_aws_free(iatk_aws *aws);
/* The region requests go to; NULL when nothing names one (then every
 * request fails with EINVAL saying so).  Owned by aws. */
IATK_EXTERN const char *iatk_aws_region(const iatk_aws *aws);
/* Whether an operation's host prefix ("sync-" for Step Functions'
 * StartSyncExecution) is put before the endpoint's host, an explicit
 * endpoint's too, as botocore does: on unless AWS_DISABLE_HOST_PREFIX_
 * INJECTION or the profile's disable_host_prefix_injection is true.  Turn
 * it off for a loopback endpoint (sync-127.0.0.1 resolves to nothing).
 * Call before the handle sends requests (not thread-safe with them). */
IATK_EXTERN void iatk_aws_set_inject_host_prefix(iatk_aws *aws, int on);
/* How long an answer may take once a request is sent (the AWS CLI's
 * --cli-read-timeout), in milliseconds.  0 restores the default: 60 s, and
 * 15.5 minutes for a Lambda Invoke that waits for the function's answer (a
 * function runs for up to 15).  Past it the call fails with ENETWORK; a
 * Lambda Invoke is then not sent again, since the function may have run.
 * Call before the handle sends requests (not thread-safe with them). */
IATK_EXTERN void iatk_aws_set_read_timeout(iatk_aws *aws, int timeout_ms);

/* ---------------------------------------------------------------- senders */

/*
 * Delivers events (JSON text, one event each) to an AWS target with many
 * requests in flight: EventBridge PutEvents, SQS SendMessageBatch and
 * Kinesis PutRecords in batches, or one asynchronous Lambda Invoke per
 * event.  Nothing is lost: every event given to iatk_sender_add ends up
 * either acknowledged by AWS (counted in `sent`) or reported, unchanged,
 * to the failure callback (counted in `failed`), by the time
 * iatk_sender_finish returns.  Delivery is at least once: a request whose
 * answer never arrived is sent again (the standard retry mode), and AWS
 * may have acted on the first one.  See docs/send.md.
 *
 * A sender is used by one thread at a time; the network work happens
 * inside iatk_sender_add (when a batch is full) and iatk_sender_finish,
 * and the callbacks run there, on that thread.  iatk_sender_stop alone may
 * be called from any thread or a signal handler.
 */
typedef struct iatk_sender iatk_sender;

typedef enum iatk_sink_kind {
  IATK_SINK_EVENTBRIDGE = 1, /* target: an event bus name or ARN */
  IATK_SINK_SQS = 2,         /* target: a queue URL */
  IATK_SINK_KINESIS = 3,     /* target: a stream name or ARN */
  IATK_SINK_LAMBDA_ASYNC = 4 /* target: a function name or ARN, with an
                               * optional :qualifier */
} iatk_sink_kind;

/* Why an event failed. */
typedef enum iatk_send_failure {
  IATK_SEND_REFUSED = 1,     /* never sent: not a JSON object, a member the
                              * target needs is missing, too large */
  IATK_SEND_AWS = 2,         /* AWS refused the request or the entry
                              * (after the retries a throttle allows) */
  IATK_SEND_NETWORK = 3,     /* no answer after the retries; AWS may have
                              * received it */
  IATK_SEND_INTERRUPTED = 4, /* iatk_sender_stop came before AWS
                               * acknowledged it */
  IATK_SEND_UNSENT = 5       /* never sent: no request could be made (no
                               * usable credentials) */
} iatk_send_failure;

/* Counters of a sender.  Plain integers and a double, for ctypes. */
typedef struct iatk_send_stats {
  uint64_t added;   /* events given to iatk_sender_add */
  uint64_t sent;    /* acknowledged by AWS */
  uint64_t failed;  /* reported to the failure callback */
  uint64_t refused; /* of which never sent (IATK_SEND_REFUSED) */
  uint64_t retried; /* times an event was sent again */
  uint64_t pending; /* added, neither sent nor failed yet */
  double seconds;   /* since iatk_sender_new */
} iatk_send_stats;

/* An event that failed: its text exactly as added (not NUL-terminated;
 * `len` bytes), the line number given with it, why (iatk_send_failure),
 * the AWS error code ("ThrottlingException", "" when none) and a message.
 * Everything is borrowed for the call only. */
typedef void (*iatk_send_failure_fn)(const char *event, size_t len,
                                     uint64_t line, int why, const char *code,
                                     const char *message, void *userdata);
/* Progress, at most every `interval` seconds (see iatk_sender_on_progress);
 * `stats` is borrowed for the call. */
typedef void (*iatk_send_progress_fn)(const iatk_send_stats *stats,
                                      void *userdata);

/* A sender to `target` of `kind` through `aws` (borrowed: it must outlive
 * the sender).  EINVAL for an unknown kind, an empty target, a queue URL
 * that is not http(s), or when `aws` has no region. */
IATK_EXTERN iatk_sender *iatk_sender_new(iatk_aws *aws, int kind,
                                         const char *target, iatk_error *err);
IATK_EXTERN void iatk_sender_free(iatk_sender *sender);
/* Requests in flight at once, 1..256 (default 8).  Before the first add. */
IATK_EXTERN int iatk_sender_set_concurrency(iatk_sender *sender, int n,
                                            iatk_error *err);
/* At most `events_per_second` events sent per second on average (a token
 * bucket); 0 (the default) means no limit.  Before the first add. */
IATK_EXTERN int iatk_sender_set_rate(iatk_sender *sender,
                                     double events_per_second, iatk_error *err);
/* Kinesis only: the partition key is the value at this JSON pointer
 * (RFC 6901) of each event (a string as is, anything else as compact
 * JSON); an event without it is refused.  NULL (the default): a hash of
 * the event's text.  EPOINTER for a malformed pointer, EINVAL for another
 * kind of sender. */
IATK_EXTERN int iatk_sender_set_partition_key(iatk_sender *sender,
                                              const char *pointer,
                                              iatk_error *err);
/* How many times an entry AWS failed with a throttling or internal error
 * is sent (alone) in all, with backoff; default the client's max_attempts
 * (AWS_MAX_ATTEMPTS, else 3).  1..100. */
IATK_EXTERN int iatk_sender_set_max_attempts(iatk_sender *sender, int n,
                                             iatk_error *err);
/* Sets (NULL: removes) the failure callback.  Without one, failures are
 * still counted. */
IATK_EXTERN void iatk_sender_on_failure(iatk_sender *sender,
                                        iatk_send_failure_fn fn,
                                        void *userdata);
/* Sets (NULL: removes) the progress callback, called at most every
 * `interval` seconds while the sender works. */
IATK_EXTERN void iatk_sender_on_progress(iatk_sender *sender,
                                         iatk_send_progress_fn fn,
                                         void *userdata, double interval);
/*
 * Adds one event (`len` bytes of JSON text; `line` is only reported back).
 * The text is copied.  A refused event goes to the failure callback and
 * still returns IATK_OK; so does an event added after iatk_sender_stop
 * (reported as interrupted).  May block while the requests in flight are
 * at the concurrency limit or the rate says wait.  Fails only with ENOMEM,
 * or EINVAL after iatk_sender_finish.
 */
IATK_EXTERN int iatk_sender_add(iatk_sender *sender, const char *event,
                                size_t len, uint64_t line, iatk_error *err);
/*
 * For a producer that has no event now (waiting on a slow input): answers
 * the requests in flight, starts retries that are due and, once the batch
 * being filled has waited 20 ms, sends it; at most `timeout_ms` (0: only
 * what is ready).  Call it instead of blocking, so that events already
 * added do not wait for the next ones.  ENOMEM, or EINVAL after
 * iatk_sender_finish.
 */
IATK_EXTERN int iatk_sender_idle(iatk_sender *sender, int timeout_ms,
                                 iatk_error *err);
/* Sends what is batched and waits until every event added is sent or
 * failed.  IATK_OK when none failed; else the most serious kind among the
 * failures, with a count in the message: ENETWORK (no answer), EAWS
 * (refused by AWS), EIO (interrupted), EJSON (refused before sending).
 * Once only. */
IATK_EXTERN int iatk_sender_finish(iatk_sender *sender, iatk_error *err);
/* Asks the sender to stop: no new request starts, events not yet in a
 * request in flight are reported as interrupted, the requests in flight
 * finish without further retries.  Async-signal-safe: only sets a flag,
 * acted on inside iatk_sender_add / iatk_sender_finish. */
IATK_EXTERN void iatk_sender_stop(iatk_sender *sender);
/* The counters now. */
IATK_EXTERN void iatk_sender_stats(const iatk_sender *sender,
                                   iatk_send_stats *out);

/* ------------------------------------------------------------- registries */

/*
 * A schema registry: a local tree (DIR/<registry>/<schema>/<version>/) or
 * the AWS EventBridge Schemas API.  The calls below work the same on both;
 * names and content are checked before anything is sent or written.
 * A handle may be used by one thread at a time.
 */
typedef struct iatk_registry iatk_registry;

/* Opens the tree at `root_dir` (created by iatk_registry_create if
 * missing).  NULL root_dir means $IATK_REGISTRY_DIR. */
IATK_EXTERN iatk_registry *iatk_registry_open(const char *root_dir,
                                              iatk_error *err);
/*
 * The AWS Schemas API through `aws` (borrowed: it must outlive the
 * handle).  Fetched versions are immutable, so they are kept in a local
 * tree under `cache_dir` (NULL: $IATK_CACHE_DIR, else
 * $XDG_CACHE_HOME/iatk, else ~/.cache/iatk; "": no cache) and served from
 * there; the latest version is always asked of AWS.
 */
IATK_EXTERN iatk_registry *
iatk_registry_open_aws(iatk_aws *aws, const char *cache_dir, iatk_error *err);
/*
 * The source a command should read: `source` "local" or "aws"; NULL means
 * $IATK_SOURCE, else "local" when a tree is configured (`root_dir` or
 * $IATK_REGISTRY_DIR) and "aws" when none is.  For "aws" the handle makes
 * and owns an iatk_aws from `profile`, `region` and `endpoint_url` (see
 * iatk_aws_new).  iatk_registry_describe says which source was chosen.
 *
 * Unless AWS was asked for by name ("aws" or $IATK_SOURCE=aws), the
 * built-in, read-only catalogue of AWS service event schemas answers for the
 * registry aws.events: over a local tree when the tree has no aws.events of
 * its own, and always when nothing is configured (no tree, no source), so
 * aws.events works offline.  Putting into the catalogue fails with
 * EUNSUPPORTED.  The catalogue is $IATK_CATALOGUE_DIR/aws.events, else the
 * installed one (DATADIR/iatk/catalogue), else the source tree's data/ for a
 * build-tree library.  docs/catalogue.md has the details.
 */
IATK_EXTERN iatk_registry *
iatk_registry_open_source(const char *source, const char *root_dir,
                          const char *profile, const char *region,
                          const char *endpoint_url, iatk_error *err);
IATK_EXTERN void iatk_registry_free(iatk_registry *reg);
/* The local tree's directory; NULL for other sources. */
IATK_EXTERN const char *iatk_registry_root(const iatk_registry *reg);
/* How many reads of the handle were answered from its cache of fetched
 * versions rather than by the source (always 0 for a local tree), so a
 * caller can say where a schema really came from. */
IATK_EXTERN unsigned long iatk_registry_cache_hits(const iatk_registry *reg);
/* Where the handle reads and writes, for messages: "local registry DIR"
 * or "AWS Schemas API at URL (region R, profile P)".  Owned by reg. */
IATK_EXTERN const char *iatk_registry_describe(const iatk_registry *reg);
/* What answered the handle's last read: its iatk_registry_describe, or for
 * aws.events served by the built-in catalogue "the built-in aws.events
 * catalogue in DIR" (see iatk_registry_open_source).  Owned by reg; valid
 * until the handle is freed.  NULL for a NULL reg. */
IATK_EXTERN const char *iatk_registry_served_by(const iatk_registry *reg);
/* 0 when `name` is a valid registry (kind 'r') or schema (kind 's') name,
 * else ENAME with the reason. */
IATK_EXTERN int iatk_registry_check_name(char kind, const char *name,
                                         iatk_error *err);
/* Creates a registry; EEXIST if it exists. */
IATK_EXTERN int iatk_registry_create(iatk_registry *reg, const char *registry,
                                     iatk_error *err);
/*
 * Stores `len` bytes of `content` as a new immutable version of `schema`
 * (creating the registry and schema when needed) and sets *version_out.
 * `type` NULL means detect.  The content must be a valid schema document.
 * The version appears atomically: a reader never sees half of it.
 */
IATK_EXTERN int iatk_registry_put(iatk_registry *reg, const char *registry,
                                  const char *schema, const char *type,
                                  const char *content, size_t len,
                                  int *version_out, iatk_error *err);
/*
 * Stores content as exactly version `version` (for mirroring a registry
 * whose numbers must be kept): IATK_OK when that version already holds
 * the same type and content, EEXIST when it holds other content.  AWS
 * numbers versions itself: there this fails with EUNSUPPORTED.
 */
IATK_EXTERN int iatk_registry_put_version(iatk_registry *reg,
                                          const char *registry,
                                          const char *schema, const char *type,
                                          const char *content, size_t len,
                                          int version, iatk_error *err);
/* Registries (registry == NULL) or schemas of a registry, sorted. */
IATK_EXTERN iatk_strlist *
iatk_registry_list(iatk_registry *reg, const char *registry, iatk_error *err);
/* Versions of a schema, in ascending numeric order. */
IATK_EXTERN iatk_strlist *iatk_registry_versions(iatk_registry *reg,
                                                 const char *registry,
                                                 const char *schema,
                                                 iatk_error *err);
/* Reads a version (NULL = latest) exactly as stored: returns its bytes
 * (NUL-terminated; caller frees with iatk_free) and sets *len, *type (a
 * static IATK_TYPE_* string) and *version_out (the number read) when those
 * are non-NULL. */
IATK_EXTERN char *iatk_registry_read(iatk_registry *reg, const char *registry,
                                     const char *schema, const char *version,
                                     size_t *len, const char **type,
                                     int *version_out, iatk_error *err);
/* Loads a version (NULL = latest) of a schema. */
IATK_EXTERN iatk_schema *
iatk_registry_load(iatk_registry *reg, const char *registry, const char *schema,
                   const char *version, iatk_error *err);
/* When a version (NULL = latest) was written: its directory's modification
 * time, in microseconds since 1970-01-01T00:00:00Z, stored in *epoch_us.
 * The tree itself stores no times; since versions are immutable this time
 * only changes when someone edits the tree by hand.  Fails like
 * iatk_registry_read (ENAME, ENOREGISTRY, ENOSCHEMA, ENOVERSION, ESCHEMA
 * for a symbolic link, EIO); EINVAL when reg or epoch_us is NULL;
 * EUNSUPPORTED for a source other than a local tree. */
IATK_EXTERN int iatk_registry_version_time(iatk_registry *reg,
                                           const char *registry,
                                           const char *schema,
                                           const char *version,
                                           int64_t *epoch_us, iatk_error *err);

/* Told about each version iatk_registry_sync looked at: its number in the
 * source and in the destination, and whether it was copied (0: the
 * destination held it already). */
typedef void (*iatk_registry_sync_cb)(const char *registry, const char *schema,
                                      int from_version, int to_version,
                                      int copied, void *userdata);
/*
 * Copies every version of `schema` of `registry` (schema NULL: of every
 * schema of the registry) from `from` to `to`, creating what is missing.
 * A local tree keeps the source's version numbers (a version it holds with
 * other content is EEXIST); AWS numbers versions itself, so only content
 * it does not hold yet is added.  Running it twice copies nothing the
 * second time.  `progress` may be NULL.  A registry or schema that `from`
 * lacks fails (ENOREGISTRY, ENOSCHEMA) before anything is written to `to`.
 */
IATK_EXTERN int iatk_registry_sync(iatk_registry *from, iatk_registry *to,
                                   const char *registry, const char *schema,
                                   iatk_registry_sync_cb progress,
                                   void *userdata, iatk_error *err);

/* ------------------------------------------------------- template import */

/*
 * Imports the AWS::EventSchemas::Registry and AWS::EventSchemas::Schema
 * resources of CloudFormation templates (JSON or YAML with the short-form
 * tags), SAM templates and CDK output (a cdk.out/<stack>.template.json or
 * the cdk.out folder itself) into a local registry tree, and evaluates the
 * stacks' Outputs that need no deployed stack.  docs/templates.md has the
 * details.  A handle may be used by one thread at a time.
 */
typedef struct iatk_import iatk_import;

/* What an import did with one resource (iatk_import_cb's `status`). */
typedef enum iatk_import_status {
  IATK_IMPORT_CREATED = 0,    /* a new registry, or a schema's version 1 */
  IATK_IMPORT_EXISTS = 1,     /* the registry was there already */
  IATK_IMPORT_UNCHANGED = 2,  /* the latest version has this type+content */
  IATK_IMPORT_NEW_VERSION = 3 /* the content changed: a new version */
} iatk_import_status;

/*
 * Told about each EventSchemas resource once it is written: its stack and
 * logical ID, the registry, the schema (NULL for a registry), the schema's
 * version (0 for a registry), the status, and whether the name was
 * generated (the resource gave no RegistryName / SchemaName).  The strings
 * live for the duration of the call.
 */
typedef void (*iatk_import_cb)(const char *stack, const char *logical_id,
                               const char *registry, const char *schema,
                               int version, int status, int generated_name,
                               void *userdata);

/* A new importer writing into `reg`, a local tree (borrowed: it must
 * outlive the handle).  EINVAL when reg is NULL or not a local tree. */
IATK_EXTERN iatk_import *iatk_import_new(iatk_registry *reg, iatk_error *err);
IATK_EXTERN void iatk_import_free(iatk_import *imp);
/* A template parameter's value (copied), over its Default.  EINVAL for an
 * empty name or NULL value. */
IATK_EXTERN int iatk_import_set_parameter(iatk_import *imp, const char *name,
                                          const char *value, iatk_error *err);
/* The stack name for the next plain template (copied); NULL: the file's
 * base name without .template.json/.json/.yaml/.yml.  A cdk.out folder
 * names its stacks itself. */
IATK_EXTERN int iatk_import_set_stack_name(iatk_import *imp, const char *name,
                                           iatk_error *err);
/* AWS::Region (default us-east-1; it also sets AWS::Partition and
 * AWS::URLSuffix) and AWS::AccountId (default 123456789012: twelve
 * digits).  Copied.  EINVAL for an empty or malformed value. */
IATK_EXTERN int iatk_import_set_region(iatk_import *imp, const char *region,
                                       iatk_error *err);
IATK_EXTERN int iatk_import_set_account(iatk_import *imp, const char *account,
                                        iatk_error *err);
/* The progress callback (NULL: none). */
IATK_EXTERN void iatk_import_set_callback(iatk_import *imp, iatk_import_cb cb,
                                          void *userdata);
/*
 * Imports a template file, or a cdk.out folder (every stack its
 * manifest.json lists).  Everything of a template is evaluated before
 * anything is written: a template that fails writes nothing.  Errors:
 * EJSON (malformed text, with file:line:column, or a malformed template),
 * EUNSUPPORTED (a value that needs a deployed stack, naming the resource,
 * the property path and the function), ENAME (an invalid name or logical
 * ID), ESCHEMA (Content that is no valid schema), ELIMIT (size, depth,
 * YAML alias expansion), EIO.
 */
IATK_EXTERN int iatk_import_file(iatk_import *imp, const char *path,
                                 iatk_error *err);
/* The same for `len` bytes of template text; `source` names it in
 * messages, `stack` is the stack name (NULL: "stack"). */
IATK_EXTERN int iatk_import_text(iatk_import *imp, const char *text, size_t len,
                                 const char *source, const char *stack,
                                 iatk_error *err);
/*
 * The outputs file of every stack imported so far, in the shape of
 * `cdk deploy --outputs-file` ({"<stack>": {"<OutputKey>": "<value>"}}),
 * merged over `existing` (the file's current text, NULL or len 0 for
 * none): other stacks and outputs are kept, evaluated outputs replaced.
 * Two-space indented with a final newline; caller frees with iatk_free.
 * EJSON when `existing` is not a JSON object of objects.
 */
IATK_EXTERN char *iatk_import_outputs(iatk_import *imp, const char *existing,
                                      size_t len, iatk_error *err);
/* The outputs that could not be evaluated locally, one line each:
 * "<stack>.<OutputKey>: <why>".  Owned by the handle; valid until the
 * next import call. */
IATK_EXTERN const iatk_strlist *iatk_import_skipped(const iatk_import *imp);

/* ------------------------------------------------------------- consumers */

/* What happened to a consumer run by iatk_invoke_command. */
typedef struct iatk_invoke_result {
  int exit_status; /* exit status if it exited, else -1 */
  int signal;      /* terminating signal, else 0 */
  int timed_out;   /* non-zero when killed after the timeout */
} iatk_invoke_result;

/*
 * Runs argv[0] (searched in PATH) with `input` on its standard input and
 * returns its standard output (caller frees with iatk_free; *out_len set).
 * Standard error is inherited.  timeout_ms <= 0 means no timeout.
 * A consumer that exits non-zero, dies on a signal or times out fails with
 * ECONSUMER / ETIMEOUT; *result is filled in every case when non-NULL.
 */
IATK_EXTERN char *iatk_invoke_command(char *const argv[], const char *input,
                                      size_t input_len, int timeout_ms,
                                      size_t *out_len,
                                      iatk_invoke_result *result,
                                      iatk_error *err);

/* ---------------------------------------------------- consumers on AWS */

/* Flags of iatk_lambda_invoke. */
#define IATK_LAMBDA_ASYNC 1    /* InvocationType Event: queued, no answer */
#define IATK_LAMBDA_LOG_TAIL 2 /* LogType Tail: the last 4 KB of the log */

/* What a Lambda Invoke answered.  Strings are the caller's: release them
 * all with iatk_lambda_result_release (not each with iatk_free). */
typedef struct iatk_lambda_result {
  int status_code; /* 200 (RequestResponse), 202 (Event) */
  char *payload;   /* the function's answer or error object, NUL-
                           * terminated; "" for an asynchronous invoke */
  size_t payload_len;
  char *function_error;   /* X-Amz-Function-Error ("Unhandled"), else NULL */
  char *log_tail;         /* X-Amz-Log-Result decoded, else NULL */
  char *executed_version; /* X-Amz-Executed-Version ("$LATEST"), or NULL */
} iatk_lambda_result;

/*
 * Invokes a Lambda function through `aws` with `payload` (JSON text,
 * len bytes).  `function` is a name, a partial ARN (ACCOUNT:function:NAME)
 * or a full ARN, each optionally followed by ":QUALIFIER" (a version or an
 * alias); the qualifier is split off and sent as Lambda's Qualifier
 * parameter.  `flags` is IATK_LAMBDA_ASYNC and/or IATK_LAMBDA_LOG_TAIL.
 * Returns 0 when the function answered without error.  A function error
 * fails with ECONSUMER "errorType: errorMessage" (from the error object;
 * the payload is still in *out); a malformed `function` with EINVAL; a
 * refusal by Lambda with EAWS "Code: Message" (ResourceNotFoundException,
 * ...), after the standard retries for throttling and 5xx.  *out (may be
 * NULL) is filled as far as the answer went; release it in every case.
 * Thread-safe as `aws` is: concurrent invokes may share it.
 */
IATK_EXTERN int iatk_lambda_invoke(iatk_aws *aws, const char *function,
                                   const char *payload, size_t len, int flags,
                                   iatk_lambda_result *out, iatk_error *err);
/* Frees the strings of *r and zeroes it.  NULL-safe. */
IATK_EXTERN void iatk_lambda_result_release(iatk_lambda_result *r);

/* Flags of iatk_sfn_run. */
#define IATK_SFN_SYNC 1 /* StartSyncExecution (Express workflows) */

/* How a Step Functions execution ended.  Strings are the caller's:
 * release them with iatk_sfn_result_release. */
typedef struct iatk_sfn_result {
  char *execution_arn; /* NULL when the execution did not start */
  char *status;        /* "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED",
                        * "RUNNING" (iatk's own timeout), or NULL */
  char *output;        /* the execution's output (JSON text), or NULL */
  char *error;         /* the error and cause of a failed execution, or */
  char *cause;         /* NULL */
  int polls;           /* DescribeExecution calls made */
} iatk_sfn_result;

/*
 * Runs a state machine with `input` (JSON text, len bytes) and waits for
 * the end: StartExecution, then DescribeExecution every 100 ms, doubling
 * up to 5 s, until the status is not RUNNING; with IATK_SFN_SYNC one
 * StartSyncExecution call instead (Express workflows; host prefix "sync-",
 * see iatk_aws_set_inject_host_prefix).  `name` names the execution (NULL:
 * Step Functions picks one).  timeout_ms > 0 bounds the wait: past it the
 * call fails with ETIMEOUT naming the execution, which is left running.
 * Returns 0 when the execution SUCCEEDED; FAILED, TIMED_OUT and ABORTED
 * fail with ECONSUMER "STATUS: error: cause"; refusals with EAWS.  *out
 * (may be NULL) is filled as far as the run went; release it in every
 * case.  Thread-safe as `aws` is.
 */
IATK_EXTERN int iatk_sfn_run(iatk_aws *aws, const char *state_machine_arn,
                             const char *name, const char *input, size_t len,
                             int flags, int timeout_ms, iatk_sfn_result *out,
                             iatk_error *err);
/* Frees the strings of *r and zeroes it.  NULL-safe. */
IATK_EXTERN void iatk_sfn_result_release(iatk_sfn_result *r);

/* -------------------------------------------------- local Lambda handlers */

/*
 * A Lambda function's handler run locally, with no container: the system's
 * `node` (runtime "nodejs") or `python3` (runtime "python") loads the
 * handler through a small bootstrap shipped with iatk (runtime/node/
 * bootstrap.mjs, runtime/python/bootstrap.py) the way Lambda's runtimes do,
 * calls it once with the event and a context object, and the library
 * returns the invocation's payload: the handler's result as JSON, or
 * Lambda's error document.  docs/handlers.md has the details.
 *
 * The bootstraps are looked for in $IATK_RUNTIME_DIR, then the installed
 * DATADIR/iatk/runtime, then the source tree the library was built from;
 * iatk_handler_set(h, "runtime-dir", ...) overrides all three.
 * One handle per thread at a time; distinct handles may run concurrently.
 */
typedef struct iatk_handler iatk_handler;

/*
 * `handler` is "DIR/MODULE.FUNCTION" ("fn/index.lambdaHandler"): DIR is the
 * function's code directory (Lambda's task root; none means the current
 * directory) and MODULE.FUNCTION is Lambda's handler setting.  `runtime` is
 * "nodejs" or "python", or a Lambda runtime name that starts with one of
 * them ("nodejs18.x", "python3.12"); the system's interpreter runs it either
 * way.  Both strings are copied.  EINVAL for a malformed handler or an
 * unknown runtime.  Defaults: function name = DIR's last component,
 * version $LATEST, 128 MB, timeout 3 s, region $AWS_REGION or us-east-1,
 * account 123456789012.
 */
IATK_EXTERN iatk_handler *
iatk_handler_new(const char *handler, const char *runtime, iatk_error *err);
IATK_EXTERN void iatk_handler_free(iatk_handler *h);
/*
 * Sets one setting by name (the value is copied):
 *   "function-name", "function-version", "region", "account" (12 digits),
 *   "memory-size" (MB, 128..10240), "timeout" (seconds, decimals allowed,
 *   0 < t <= 900), "log-group", "log-stream", "request-id",
 *   "runtime-dir" (where the bootstraps are), "interpreter" (the program
 *   that runs the bootstrap, instead of node / python3),
 *   "env" ("NAME=VALUE", added to the function's environment; repeatable).
 * EINVAL for an unknown name or a bad value.
 */
IATK_EXTERN int iatk_handler_set(iatk_handler *h, const char *name,
                                 const char *value, iatk_error *err);
/*
 * Invokes the handler once with `event` (len bytes of JSON text).  The
 * handler's console output (stdout and stderr) goes to this process's
 * standard error.  *payload (caller frees with iatk_free) and *payload_len
 * receive what Lambda's Invoke would answer:
 *  - IATK_OK: the result as JSON text ("null" for no result);
 *  - IATK_ECONSUMER: the handler failed (threw, rejected, callback(err),
 *    could not be loaded, result not serialisable, runtime exited): the
 *    payload is Lambda's error document ({"errorType", "errorMessage",
 *    "trace"} for Node; {"errorMessage", "errorType", "requestId",
 *    "stackTrace"} for Python) and err's message is
 *    "<errorType>: <errorMessage>";
 *  - IATK_ETIMEOUT: killed at the timeout; the payload is
 *    {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: ...
 *    Error: Task timed out after N.NN seconds"};
 *  - anything else (EINVAL, EIO: no bootstrap found, ...): *payload NULL.
 * payload_len may be NULL.  A fresh request id (a UUID) per call unless
 * "request-id" was set.
 */
IATK_EXTERN int iatk_handler_invoke(iatk_handler *h, const char *event,
                                    size_t len, char **payload,
                                    size_t *payload_len, iatk_error *err);

/* ------------------------------------------------------- registry server */

/*
 * The Amazon EventBridge Schemas REST API over a local registry tree, so
 * the AWS CLI, the SDKs and iatk's own AWS source can use the tree as they
 * use AWS (endpoint http://HOST:PORT).  Served: ListRegistries,
 * DescribeRegistry, CreateRegistry, UpdateRegistry, ListSchemas,
 * DescribeSchema, CreateSchema, UpdateSchema, ListSchemaVersions; answers
 * and errors as AWS sends them (status, x-amzn-ErrorType, {"Code",
 * "Message"}).  docs/registry-serve.md has the details.
 *
 * Lifecycle: make it with iatk_server_new, configure it (the setters,
 * iatk_server_add_key), start it with iatk_server_listen, stop it with
 * iatk_server_free.  Configuration is refused (EINVAL) once listening.
 * Thread safety: configure and free from one thread; once listening it
 * answers requests concurrently on threads of its own, and
 * iatk_server_port / iatk_server_url may be called from any thread.
 */
typedef struct iatk_server iatk_server;

/* A server over the tree of `reg`.  Only the tree's root is taken from
 * reg (copied): each request opens its own handle, so reg may be freed at
 * any time.  ARNs use region us-east-1 and account 123456789012 until
 * iatk_server_set_arn says otherwise.  EINVAL when reg is NULL or not a
 * local tree (iatk_registry_root gives NULL). */
IATK_EXTERN iatk_server *iatk_server_new(iatk_registry *reg, iatk_error *err);
/* Stops accepting connections, lets requests in progress finish (for at
 * most a few seconds), stops every server thread and frees.  NULL-safe. */
IATK_EXTERN void iatk_server_free(iatk_server *srv);
/* The region and account of the ARNs in answers
 * (arn:aws:schemas:REGION:ACCOUNT:registry/R, .../schema/R/S).  NULL keeps
 * the current value.  EINVAL for a region that is not lower-case letters,
 * digits and '-', or an account that is not 12 digits. */
IATK_EXTERN int iatk_server_set_arn(iatk_server *srv, const char *region,
                                    const char *account, iatk_error *err);
/*
 * Accepts requests signed (AWS Signature Version 4, service "schemas")
 * with this access key.  Once a key is added, every request must carry a
 * valid signature by one of the keys, dated within 5 minutes of the
 * server's clock; others are refused as AWS refuses them (403 with
 * MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException or InvalidSignatureException).  Both
 * strings are copied.  EINVAL for an empty or non-alphanumeric id or an
 * empty secret; EEXIST when the id was added with another secret.
 */
IATK_EXTERN int iatk_server_add_key(iatk_server *srv, const char *access_key_id,
                                    const char *secret_access_key,
                                    iatk_error *err);
/* Adds the key of every profile of an AWS shared credentials file
 * (aws_access_key_id / aws_secret_access_key).  EIO when unreadable,
 * EINVAL when it holds no complete key or a profile holds half of one. */
IATK_EXTERN int iatk_server_add_credentials_file(iatk_server *srv,
                                                 const char *path,
                                                 iatk_error *err);
/*
 * Called once per answered request, from the thread that served it (so
 * possibly from several threads at once): the method, the request target
 * as received (non-printable bytes shown as '?', cut after 512 bytes), the
 * HTTP status, the AWS error code or NULL on success, and the time from
 * the request's first line to its completion.  The strings live for the
 * call only.
 */
typedef void (*iatk_server_log_fn)(const char *method, const char *target,
                                   int status, const char *error_code,
                                   double elapsed_ms, void *userdata);
/* Sets (or, with NULL, removes) the request log. */
IATK_EXTERN int iatk_server_set_log(iatk_server *srv, iatk_server_log_fn fn,
                                    void *userdata, iatk_error *err);
/*
 * Starts serving on `address`: "HOST:PORT" with HOST an IPv4 literal,
 * "[IPv6 literal]", "localhost" or empty (both mean 127.0.0.1); port 0
 * picks a free port (see iatk_server_port).  Returns once the socket
 * listens; requests are answered on the server's own threads.  EINVAL for
 * a malformed address or a second call, EIO when the address cannot be
 * bound (in use, not local, no permission).
 */
IATK_EXTERN int iatk_server_listen(iatk_server *srv, const char *address,
                                   iatk_error *err);
/* The port listened on; 0 before iatk_server_listen. */
IATK_EXTERN int iatk_server_port(const iatk_server *srv);
/* "http://127.0.0.1:4010" (an IPv6 host in brackets); "" before
 * iatk_server_listen.  Owned by srv. */
IATK_EXTERN const char *iatk_server_url(const iatk_server *srv);

#ifdef __cplusplus
}
#endif
#endif
