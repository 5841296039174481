#include "CCitedKernels.h"
