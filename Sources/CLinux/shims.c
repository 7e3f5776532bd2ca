// The module is header-only; SwiftPM needs one source file for a C target.
#include "CLinux.h"
