/* fuzz_pattern: a fuzzed regular expression as a string's pattern,
 *   {"type":"string","pattern":P,"minLength":a,"maxLength":b}
 * through the fuzz_schema path (compile, generate in every mode,
 * validate).  Input: byte 0 picks the shape and the minimum, byte 1 the
 * maximum (0xff: none), the rest is the pattern (UTF-8).  Shapes (byte 0's
 * top two bits): 0 and 1 the string above; 2 the pattern as a
 * patternProperties name, its value a string with the same pattern; 3 the
 * pattern under propertyNames.  The object shapes ask for 1-4 members. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *string_schema(json_t *pattern, int min, int max) {
  json_t *s = json_object();
  json_object_set_new(s, "type", json_string("string"));
  json_object_set(s, "pattern", pattern);
  if (min >= 0)
    json_object_set_new(s, "minLength", json_integer(min));
  if (max >= 0)
    json_object_set_new(s, "maxLength", json_integer(max));
  return s;
}

static json_t *object_schema(int shape, json_t *pattern, int min, int max) {
  json_t *s = json_object();
  json_object_set_new(s, "type", json_string("object"));
  json_object_set_new(s, "minProperties", json_integer(1 + (min & 3)));
  if (shape == 2) {
    json_t *pp = json_object();
    json_object_set_new(pp, json_string_value(pattern),
                        string_schema(pattern, -1, max));
    json_object_set_new(s, "patternProperties", pp);
    json_object_set_new(s, "additionalProperties", json_false());
  } else {
    json_t *names = json_object();
    json_object_set(names, "pattern", pattern);
    if (max >= 0)
      json_object_set_new(names, "maxLength", json_integer(max));
    json_object_set_new(s, "propertyNames", names);
  }
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > 4096)
    return -1;
  int shape = data[0] >> 6;
  int min = (data[0] & 0x20) ? -1 : data[0] & 0x1f;
  int max = data[1] == 0xff ? -1 : data[1] % 64;
  json_t *pattern = json_stringn((const char *)data + 2, size - 2);
  if (!pattern)
    return -1; /* not UTF-8, or contains NUL */
  if (!fuzz_pattern_ok(json_string_value(pattern))) {
    json_decref(pattern);
    return -1;
  }
  json_t *schema = shape < 2 ? string_schema(pattern, min, max)
                             : object_schema(shape, pattern, min, max);
  json_decref(pattern);
  char *text = json_dumps(schema, JSON_COMPACT);
  json_decref(schema);
  if (!text)
    abort();
  fuzz_check_document(text, strlen(text));
  free(text);
  return 0;
}
