/* Shell-like word splitting, as Python's shlex.split does it: botocore
 * reads section names ([profile "my name"]) and runs credential_process
 * commands with it, so we split the same way. */
#include <string.h>

#include "aws/aws_private.h"

/* Appends the characters up to the closing quote.  Inside double quotes
 * a backslash escapes only a backslash or a double quote: POSIX-mode
 * shlex keeps it before anything else ("\$" stays two characters), unlike
 * a POSIX shell, which also unescapes $, ` and a newline there. */
static const char *double_quoted(const char *p, iatk_buf *word) {
  while (*p && *p != '"') {
    if (*p == '\\' && (p[1] == '\\' || p[1] == '"'))
      p++;
    iatk__buf_putc(word, *p++);
  }
  return *p ? p + 1 : NULL;
}

static const char *single_quoted(const char *p, iatk_buf *word) {
  while (*p && *p != '\'')
    iatk__buf_putc(word, *p++);
  return *p ? p + 1 : NULL;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads the word at p (not blank) into `word`; NULL on an open quote or
 * a backslash that ends the text (shlex: "No escaped character"). */
static const char *read_word(const char *p, iatk_buf *word) {
  while (p && *p && !is_blank(*p)) {
    if (*p == '\'')
      p = single_quoted(p + 1, word);
    else if (*p == '"')
      p = double_quoted(p + 1, word);
    else if (*p == '\\' && !p[1])
      p = NULL;
    else if (*p == '\\')
      iatk__buf_putc(word, p[1]), p += 2;
    else
      iatk__buf_putc(word, *p++);
  }
  return p;
}

int iatk__aws_shell_split(const char *text, iatk_strlist *words) {
  iatk_buf word;
  iatk__buf_init(&word);
  const char *p = text;
  int rc = 0;
  while (rc == 0) {
    while (is_blank(*p))
      p++;
    if (!*p)
      break;
    iatk__buf_reset(&word);
    iatk__buf_reserve(&word, 16); /* an empty word ('') is still a word */
    p = read_word(p, &word);
    if (!p)
      rc = -1;
    else if (word.failed || iatk__strlist_push(words, word.data) != IATK_OK)
      rc = -2;
  }
  iatk__buf_release(&word);
  return rc;
}
