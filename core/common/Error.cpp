#include "core/common/Error.h"
// Anchors the vtables of the exception hierarchy in one translation unit.
