/* Reading the little XML AWS sends back (STS answers, query-protocol
 * errors) with libxml2: no network, no entity expansion, no messages on
 * stderr, and elements found by local name so namespaces do not matter. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "aws/aws_private.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants its globals set up once before threads parse. */
static void init_xml(void) { xmlInitParser(); }

xmlDoc *iatk__aws_xml_read(const char *text, size_t len) {
  pthread_once(&xml_once, init_xml);
  if (len > (size_t)INT_MAX)
    return NULL;
  return xmlReadMemory(text, (int)len, "aws.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
}

void iatk__aws_xml_free(xmlDoc *doc) {
  if (doc)
    xmlFreeDoc(doc);
}

static int named(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0;
}

const xmlNode *iatk__aws_xml_find(const xmlNode *from, const char *name) {
  for (const xmlNode *n = from; n; n = n->next) {
    if (named(n, name))
      return n;
    const xmlNode *below = iatk__aws_xml_find(n->children, name);
    if (below)
      return below;
  }
  return NULL;
}

const xmlNode *iatk__aws_xml_root(const xmlDoc *doc) {
  return doc ? xmlDocGetRootElement(doc) : NULL;
}

char *iatk__aws_xml_child_text(const xmlNode *parent, const char *name) {
  for (const xmlNode *n = parent ? parent->children : NULL; n; n = n->next) {
    if (!named(n, name))
      continue;
    xmlChar *content = xmlNodeGetContent(n);
    char *copy = content ? strdup((const char *)content) : NULL;
    xmlFree(content);
    return copy;
  }
  return NULL;
}
