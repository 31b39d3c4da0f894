// The avx512 build of the kernels (see kernels.inc).
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
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi2,f16c")
#define GRADLAB_NS isa_avx512
#define GRADLAB_ISA 2
#define GRADLAB_ISA_NAME "avx512"
// GCC 12's AVX-512 intrinsics start some results from _mm512_undefined_ps() and then warn that it
// "may be used uninitialized" wherever they are inlined (the register transposes): a false alarm.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "kernels.inc"
#pragma GCC diagnostic pop

namespace gradlab {
const Kernels* kernels_avx512() { return &isa_avx512::table; }
}  // namespace gradlab
#else
namespace gradlab {
const Kernels* kernels_avx512() { return nullptr; }
}  // namespace gradlab
#endif
