/* The description's checks, shared by the tissue's C and C++ files (not part of the API). */
#ifndef SCRUB_TISSUE_DESC_H
#define SCRUB_TISSUE_DESC_H

#include "tissue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A description filled in by scrub_tissue_desc_defaults is finite and in range: SCRUB_OK, else
 * SCRUB_ERR_INVALID or SCRUB_ERR_LIMIT (too large a block), with the reason logged. */
scrub_result tissue_desc_check(const scrub_tissue_desc *d);

#ifdef __cplusplus
}
#endif

#endif
