/* version: plmem's version and the features of this build (OpenMP, BLAS). */
#ifndef PLMEM_VERSION_H
#define PLMEM_VERSION_H

#include <stddef.h>

const char *plm_version(void);
/* One line per feature, e.g. "OpenMP: yes (2 threads)\nBLAS: OpenBLAS ...\n". */
void plm_build_features(char *buf, size_t n);

#endif
