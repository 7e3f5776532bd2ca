#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H
// Debian installs libpq's headers in /usr/include/postgresql. pkg-config (`pkgConfig: "libpq"` in Package.swift)
// adds that directory; the absolute path keeps the build working on machines without pkg-config.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include "/usr/include/postgresql/libpq-fe.h"
#endif

// The diagnostic field codes are character-literal macros ('C', 'M', ...), which Swift does not import.
static inline int cpostgres_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cpostgres_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int cpostgres_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int cpostgres_diag_constraint_name(void) { return PG_DIAG_CONSTRAINT_NAME; }
#endif
