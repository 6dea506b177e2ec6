#ifndef ENGINE_CZLIB_SHIM_H
#define ENGINE_CZLIB_SHIM_H
#include <zlib.h>
#endif
