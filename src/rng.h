/* rng: a small, explicit-state random generator (xoshiro256**, seeded by splitmix64).
 * No global state: every stream is derived from (seed, stream id), so results do not
 * depend on the number of threads. */
#ifndef PLMEM_RNG_H
#define PLMEM_RNG_H

#include <stdint.h>

typedef struct plm_rng {
	uint64_t s[4];
} plm_rng;

/* Independent stream STREAM of seed SEED (e.g. stream = sequence index). */
void rng_seed(plm_rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(plm_rng *r);
/* Uniform double in [0, 1). */
double rng_uniform(plm_rng *r);
/* Uniform integer in [0, n), unbiased; n > 0. */
uint64_t rng_below(plm_rng *r, uint64_t n);
/* Standard normal deviate. */
double rng_normal(plm_rng *r);

#endif
