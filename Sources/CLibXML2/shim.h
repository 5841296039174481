// libxml2's streaming reader and HTML parser (Debian: libxml2-dev), and zlib (zlib1g-dev, a dependency of it)
// for gzip input that spans several members.
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>
