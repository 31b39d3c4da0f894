// The avx2 build of the kernels (see kernels.inc).
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

#if defined(__x86_64__)
#pragma GCC target("avx2,fma,bmi2,f16c")
#define GRADLAB_NS isa_avx2
#define GRADLAB_ISA 1
#define GRADLAB_ISA_NAME "avx2"
#include "kernels.inc"

namespace gradlab {
const Kernels* kernels_avx2() { return &isa_avx2::table; }
}  // namespace gradlab
#else
namespace gradlab {
const Kernels* kernels_avx2() { return nullptr; }
}  // namespace gradlab
#endif
