#ifndef ENGINE_CLIBUV_SHIM_H
#define ENGINE_CLIBUV_SHIM_H
#include <uv.h>
#endif
