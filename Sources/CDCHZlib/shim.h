#ifndef DCH_CDCHZLIB_SHIM_H
#define DCH_CDCHZLIB_SHIM_H
#include <zlib.h>
/* zlib's init calls are macros that pass the library version and the stream's size; Swift
   imports no function-like macros, so these wrappers make them callable. */
static inline int dch_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
static inline int dch_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
