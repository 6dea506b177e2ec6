#ifndef ENGINE_CLIBUV_SHIM_H
#define ENGINE_CLIBUV_SHIM_H
#include <uv.h>

#if defined(__linux__)
#include <sys/prctl.h>

/// Names the calling thread (Linux keeps 15 bytes). prctl is variadic, so Swift cannot call it directly.
static inline int engine_set_current_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
#endif

#endif
