#define _GNU_SOURCE
#include "engine_shims.h"
#include <dlfcn.h>
#include <link.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int engine_image_of(const void *address, uintptr_t *base, const char **path) {
    Dl_info info;
    if (dladdr(address, &info) == 0 || info.dli_fbase == NULL) return 0;
    *base = (uintptr_t)info.dli_fbase;
    *path = info.dli_fname;
    return 1;
}

struct main_image { uintptr_t base; const ElfW(Phdr) *phdr; int phnum; int found; };

static int first_image(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct main_image *m = data;
    m->base = info->dlpi_addr;
    m->phdr = info->dlpi_phdr;
    m->phnum = info->dlpi_phnum;
    m->found = 1;
    return 1; /* the first entry is the main program */
}

uintptr_t engine_main_image_base(void) {
    struct main_image m = {0};
    dl_iterate_phdr(first_image, &m);
    /* dlpi_addr is the load bias (0 for non-PIE); report the address of the first PT_LOAD instead */
    for (int i = 0; i < m.phnum; i++) {
        if (m.phdr[i].p_type == PT_LOAD) return m.base + m.phdr[i].p_vaddr - m.phdr[i].p_offset;
    }
    return m.base;
}

int engine_main_build_id(unsigned char *out, int capacity) {
    struct main_image m = {0};
    dl_iterate_phdr(first_image, &m);
    for (int i = 0; i < m.phnum; i++) {
        if (m.phdr[i].p_type != PT_NOTE) continue;
        const unsigned char *p = (const unsigned char *)(m.base + m.phdr[i].p_vaddr);
        const unsigned char *end = p + m.phdr[i].p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const unsigned char *name = p + sizeof(ElfW(Nhdr));
            const unsigned char *desc = name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                int len = (int)n->n_descsz < capacity ? (int)n->n_descsz : capacity;
                memcpy(out, desc, len);
                return len;
            }
            p = desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 0;
}

int engine_set_parent_death_signal(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, signal);
#else
    (void)signal;
    return -1;
#endif
}
