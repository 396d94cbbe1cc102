/* version: version string and build features. */
#include "config.h"
#include "version.h"

#include <stdio.h>
#include <zlib.h>

#include "cluster.h"
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef HAVE_OPENBLAS_GET_CONFIG
char *openblas_get_config(void);
#endif

const char *plm_version(void)
{
	return PACKAGE_VERSION;
}

void plm_build_features(char *buf, size_t n)
{
	char omp[64], blas[256];
#ifdef _OPENMP
	snprintf(omp, sizeof omp, "yes (%d threads available)", omp_get_max_threads());
#else
	snprintf(omp, sizeof omp, "no (single-threaded build)");
#endif
#ifdef HAVE_OPENBLAS_GET_CONFIG
	snprintf(blas, sizeof blas, "%s (%s)", PLMEM_BLAS, openblas_get_config());
#else
	snprintf(blas, sizeof blas, "%s", PLMEM_BLAS);
#endif
	char mpi[256];
	cluster_library(mpi, sizeof mpi);
	snprintf(buf, n, "OpenMP: %s\nBLAS: %s\nzlib: %s\nMPI: %s\n", omp, blas, zlibVersion(), mpi);
}
