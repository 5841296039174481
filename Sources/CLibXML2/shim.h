// libxml2's streaming reader and HTML parser (Debian: libxml2-dev).
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
