// GNU extensions, compiled with _GNU_SOURCE here rather than in the module header (see CLinux.h).
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/socket.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include "CLinux.h"

int clinux_accept4(int fd, int flags) {
    return accept4(fd, 0, 0, flags);
}

int clinux_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

int clinux_futex_wait(uint32_t *address, uint32_t expected, long timeout_ns) {
    struct timespec timeout = { .tv_sec = timeout_ns / 1000000000L, .tv_nsec = timeout_ns % 1000000000L };
    return (int)syscall(SYS_futex, address, FUTEX_WAIT, expected, &timeout, 0, 0);
}

int clinux_futex_wake_all(uint32_t *address) {
    return (int)syscall(SYS_futex, address, FUTEX_WAKE, INT_MAX, 0, 0, 0);
}

uint32_t clinux_atomic_load_u32(uint32_t *address) {
    return __atomic_load_n(address, __ATOMIC_SEQ_CST);
}

void clinux_atomic_increment_u32(uint32_t *address) {
    __atomic_fetch_add(address, 1, __ATOMIC_SEQ_CST);
}
