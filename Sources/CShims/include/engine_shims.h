#ifndef ENGINE_SHIMS_H
#define ENGINE_SHIMS_H
#include <stdint.h>
#include <stddef.h>

/// The load address of the image (executable or shared object) holding `address`, and its path;
/// returns 0 when `address` is in no loaded image.
int engine_image_of(const void *address, uintptr_t *base, const char **path);

/// The load address of the main executable.
uintptr_t engine_main_image_base(void);

/// Copies the main executable's GNU build-id (at most `capacity` bytes) into `out`;
/// returns its length, or 0 when the executable has none.
int engine_main_build_id(unsigned char *out, int capacity);

/// Makes the calling process receive `signal` when its parent thread exits (Linux PR_SET_PDEATHSIG);
/// returns 0 on success, -1 elsewhere.
int engine_set_parent_death_signal(int signal);
#endif
