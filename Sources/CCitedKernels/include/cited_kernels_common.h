// C kernels for what Swift cannot emit well (SIMD intrinsics with run-time CPU dispatch).
#pragma once
#include <stddef.h>
#include <stdint.h>
