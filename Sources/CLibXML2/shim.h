#pragma once
// Debian's libxml2 is built with ICU; its headers would pull in the system ICU,
// which clashes with Foundation's bundled copy. s3-mover never uses libxml2's ICU API.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
