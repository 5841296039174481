// OpenBLAS's CBLAS interface (Debian: libopenblas-dev).
#include <cblas.h>
// Thread control, so that callers can keep one layer of parallelism at a time.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
