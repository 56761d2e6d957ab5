// Profile access for the CLI and GUI (issue 6; being written).
#include "app/common/ProfileAccess.h"
