/* iatk version macros.  The runtime counterpart is iatk_version(). */
#ifndef IATK_VERSION_H
#define IATK_VERSION_H

#define IATK_VERSION_MAJOR 0
#define IATK_VERSION_MINOR 1
#define IATK_VERSION_PATCH 0

/* Hexadecimal 0xMMmmpp, comparable with < and >. */
#define IATK_VERSION_HEX                                                       \
  ((IATK_VERSION_MAJOR << 16) | (IATK_VERSION_MINOR << 8) | IATK_VERSION_PATCH)

#define IATK_STRINGIFY_(x) #x
#define IATK_STRINGIFY(x) IATK_STRINGIFY_(x)
#define IATK_VERSION_STRING                                                    \
  IATK_STRINGIFY(IATK_VERSION_MAJOR)                                           \
  "." IATK_STRINGIFY(IATK_VERSION_MINOR) "." IATK_STRINGIFY(IATK_VERSION_PATCH)

#endif
