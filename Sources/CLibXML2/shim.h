#ifndef DCH_CLIBXML2_SHIM_H
#define DCH_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* libxml2's ICU support pulls the system ICU headers into this module, which clash with the
   ICU that Foundation bundles (_FoundationICU). dch never touches the ICU-only fields (the
   trailing uconv pointers of xmlCharEncodingHandler), so hide them. */
#ifdef LIBXML_ICU_ENABLED
#undef LIBXML_ICU_ENABLED
#endif
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>
#endif
