// GNU extensions, compiled with _GNU_SOURCE here rather than in the module header (see CLinux.h).
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/socket.h>
#include "CLinux.h"

int clinux_accept4(int fd, int flags) {
    return accept4(fd, 0, 0, flags);
}

int clinux_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
