/* fuzz_schema: schema text -> iatk_schema_load -> iatk_compile (the root,
 * and the first named schema) -> events in every mode -> iatk_validator.
 * The promise checked: every event the generator emits validates, and
 * everything else fails with an ordinary error. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return -1;
  fuzz_check_document((const char *)data, size);
  return 0;
}
