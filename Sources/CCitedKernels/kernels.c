#include "cited_kernels_common.h"
