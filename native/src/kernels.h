// The native kernels, one table per instruction set (kernels.inc compiled three times:
// k_avx512.cc, k_avx2.cc, k_portable.cc). Every array is contiguous float32 unless noted; the
// semantics are those of the same-named kernels in src/backend/backend.ts.
#pragma once
#include <cstdint>

namespace gradlab {

using i64 = int64_t;

struct Geom {  // window geometry, 1-d as height 1: in, out, kernel, stride, padding, dilation
  int ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw;
};

struct Kernels {
  const char* isa;
  void (*unary)(int code, const float* x, float* out, i64 n);
  void (*leaky_relu)(const float* x, double slope, float* out, i64 n);
  void (*clamp)(const float* x, float lo, float hi, float* out, i64 n);
  void (*binary)(int code, const float* a, const float* b, float* out, const int* dims, const int* sa, const int* sb);
  void (*reduce)(int code, const float* x, i64 outer, i64 r, i64 inner, float* out);
  void (*gemm)(const float* a, const float* b, float* c, i64 batch, i64 m, i64 k, i64 n, bool ta, bool tb, i64 sa, i64 sb);
  void (*strided)(const float* x, i64 base, const int* dims, const int* st, float* out);
  void (*strided_add)(const float* src, const int* dims, const int* st, i64 base, float* out);
  void (*index_select)(const float* x, i64 outer, i64 size, i64 inner, const int32_t* index, i64 m, float* out);
  void (*index_add)(const float* src, i64 outer, i64 size, i64 inner, const int32_t* index, i64 m, float* out);
  void (*softmax)(const float* x, i64 outer, i64 n, i64 inner, bool log, float* out);
  void (*cross_entropy)(const float* x, const int32_t* t, const float* w, i64 rows, i64 classes, int ignore, float* loss, float* probs);
  void (*cross_entropy_backward)(const float* probs, const int32_t* t, const float* w, const float* gl, i64 rows, i64 classes, int ignore, float* dx);
  void (*layer_norm)(const float* x, i64 rows, i64 n, const float* w, const float* b, double eps, float* out, float* mean, float* rstd);
  void (*layer_norm_backward)(const float* g, const float* x, i64 rows, i64 n, const float* w, const float* mean, const float* rstd,
                              float* dx, float* dw, float* db);
  void (*im2col)(const float* x, i64 n, i64 c, const Geom& g, float* out, bool batch_inner);
  void (*col2im)(const float* cols, i64 n, i64 c, const Geom& g, float* out, bool batch_inner);
  void (*conv_forward)(const float* x, i64 n, i64 c, const Geom& g, const float* w, i64 cout, float* out);
  void (*conv_backward_weight)(const float* x, i64 n, i64 c, const Geom& g, const float* gy, i64 cout, float* gw);
  void (*conv_backward_input)(const float* w, const float* gy, i64 n, i64 c, const Geom& g, i64 cout, float* gx);
  void (*max_pool)(const float* x, i64 n, i64 c, const Geom& g, float* out, int32_t* argmax);
  void (*max_pool_backward)(const float* gy, i64 n, i64 c, const Geom& g, const int32_t* argmax, float* gx);
  void (*avg_pool)(const float* x, i64 n, i64 c, const Geom& g, const double* scale, float* out);
  void (*avg_pool_backward)(const float* gy, i64 n, i64 c, const Geom& g, const double* scale, float* gx);
  void (*lstm_cell)(const float* gates, const float* c_prev, i64 b, i64 h, float* c, float* h_out, float* act);
  void (*lstm_cell_backward)(const float* act, const float* c_prev, const float* dh, const float* dc, i64 b, i64 h, float* dgates, float* dc_prev);
  void (*gru_cell)(const float* xp, const float* hp, const float* h_prev, i64 b, i64 h, float* h_out, float* act);
  void (*gru_cell_backward)(const float* act, const float* hp, const float* h_prev, const float* dh, i64 b, i64 h,
                            float* dxp, float* dhp, float* dh_prev);
  void (*dropout)(const float* x, double keep, float scale, uint32_t key0, uint32_t key1, float* out, i64 n);
  // Multi-tensor steps: count tensors of sizes[i]; null buffers where absent.
  void (*sgd_steps)(float* const* p, const float* const* g, float* const* buf, const i64* sizes, int count,
                    double lr, double momentum, double dampening, double wd, bool nesterov, bool first);
  void (*adam_steps)(float* const* p, const float* const* g, float* const* m, float* const* v, float* const* vmax, const i64* sizes,
                     int count, double lr, double b1, double b2, double eps, double wd, bool decoupled, double step);
};

const Kernels* kernels_avx512();
const Kernels* kernels_avx2();
const Kernels* kernels_portable();

}  // namespace gradlab
