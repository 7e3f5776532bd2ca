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
#include <stdint.h>

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

// Cross-process waiting on a 32-bit word in shared memory (a mapped file): the futex system call has no glibc
// wrapper, and Swift cannot call the variadic syscall(2). Not FUTEX_PRIVATE: the word is shared between processes.
// Waits while *address == expected, for at most timeout_ns; returns 0 when woken, -1 with errno otherwise
// (EAGAIN: the word had changed, ETIMEDOUT, EINTR).
int clinux_futex_wait(uint32_t *address, uint32_t expected, long timeout_ns);
// Wakes every waiter on address; returns how many were woken.
int clinux_futex_wake_all(uint32_t *address);
// Sequentially consistent load and increment of a shared 32-bit word (other processes change it too).
uint32_t clinux_atomic_load_u32(uint32_t *address);
void clinux_atomic_increment_u32(uint32_t *address);

#endif
