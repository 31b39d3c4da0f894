// The portable build of the kernels (see kernels.inc).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include "kernels.h"
#include "ops.generated.h"
#include "pool.h"

// portable: the compiler's baseline for this machine (x86-64: SSE2)
#define GRADLAB_NS isa_portable
#define GRADLAB_ISA 0
#define GRADLAB_ISA_NAME "portable"
#include "kernels.inc"

namespace gradlab {
const Kernels* kernels_portable() { return &isa_portable::table; }
}  // namespace gradlab
