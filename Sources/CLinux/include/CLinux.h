#ifndef C_LINUX_H
#define C_LINUX_H

// No feature macros here: defining _GNU_SOURCE in a module header changes glibc's struct definitions
// (fd_set) and clashes with Swift's Glibc module. GNU-only calls are wrapped in shims.c instead.

// Linux-only APIs that Swift's Glibc overlay does not import.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <sched.h>

// EPOLLEXCLUSIVE and friends are enum constants with a type Swift can't always bridge; expose plain values.
static inline unsigned int clinux_epollin(void) { return EPOLLIN; }
static inline unsigned int clinux_epollout(void) { return EPOLLOUT; }
static inline unsigned int clinux_epollerr(void) { return EPOLLERR; }
static inline unsigned int clinux_epollhup(void) { return EPOLLHUP; }
static inline unsigned int clinux_epollexclusive(void) { return EPOLLEXCLUSIVE; }

// accept4 is a GNU extension Glibc's overlay hides; defined in shims.c.
int clinux_accept4(int fd, int flags);

// pthread_setname_np is a GNU extension too: names the calling thread (at most 15 bytes); defined in shims.c.
int clinux_set_thread_name(const char *name);

#endif
