// Node-API bindings of the native kernels (node-addon-api). Every float array is a Float32Array
// whose own memory the kernel reads and writes (no copy); lengths are checked here against the
// sizes the call implies, so a wrong size is a RangeError instead of a write out of bounds.
#include <napi.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels.h"
#include "pool.h"

using namespace gradlab;

namespace {

const Kernels* K = nullptr;
std::vector<std::string> cpu_features;

bool has_avx512() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

bool has_avx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

[[noreturn]] void range_error(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

float* farr(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t need, bool nullable = false) {
  Napi::Value v = info[i];
  if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(info.Env(), std::string("native: ") + name + " must be a Float32Array");
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  if (int64_t(a.ElementLength()) < need)
    range_error(info.Env(), std::string("native: ") + name + " holds " + std::to_string(a.ElementLength()) + " values, the call needs " +
                                std::to_string(need));
  return a.Data();
}

template <class T, napi_typedarray_type TY>
T* tarr(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t need, const char* tname) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TY)
    throw Napi::TypeError::New(info.Env(), std::string("native: ") + name + " must be a " + tname);
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  if (int64_t(a.ElementLength()) < need)
    range_error(info.Env(), std::string("native: ") + name + " holds " + std::to_string(a.ElementLength()) + " values, the call needs " +
                                std::to_string(need));
  return a.Data();
}
int32_t* iarr(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t need) {
  return tarr<int32_t, napi_int32_array>(info, i, name, need, "Int32Array");
}
double* darr(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t need) {
  return tarr<double, napi_float64_array>(info, i, name, need, "Float64Array");
}

int64_t len(const Napi::CallbackInfo& info, size_t i) {
  return int64_t(info[i].As<Napi::TypedArray>().ElementLength());
}
int64_t num(const Napi::CallbackInfo& info, size_t i) {
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9.0e15) range_error(info.Env(), "native: a size argument is negative or not a number");
  return int64_t(d);
}
double dbl(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool flag(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

const Kernels& k(const Napi::CallbackInfo& info) {
  if (!K) throw Napi::Error::New(info.Env(), "native: configure() was not called");
  return *K;
}

Geom geom(const Napi::CallbackInfo& info, size_t i) {
  int32_t* g = iarr(info, i, "geometry", 12);
  return Geom{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]};
}

void check_index(const Napi::CallbackInfo& info, const int32_t* idx, int64_t m, int64_t size, const char* what) {
  for (int64_t j = 0; j < m; j++)
    if (idx[j] < 0 || idx[j] >= size)
      range_error(info.Env(), std::string(what) + ": index " + std::to_string(idx[j]) + " is out of range for a dimension of size " +
                                  std::to_string(size));
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int threads = int(num(info, 0));
  const std::string want = info[1].As<Napi::String>().Utf8Value();
  const bool a512 = has_avx512(), a2 = has_avx2();
  cpu_features.clear();
  if (a512) cpu_features.push_back("avx512f/bw/dq/vl");
  if (a2) cpu_features.push_back("avx2+fma");
  if (want == "avx512" && !a512) throw Napi::Error::New(env, "GRADLAB_NATIVE_ISA=avx512: this CPU lacks AVX-512 F/BW/DQ/VL");
  if (want == "avx2" && !a2) throw Napi::Error::New(env, "GRADLAB_NATIVE_ISA=avx2: this CPU lacks AVX2 + FMA");
  if (want == "portable") K = kernels_portable();
  else if (want == "avx2") K = kernels_avx2();
  else if (want == "avx512" || a512) K = kernels_avx512() ? kernels_avx512() : kernels_portable();
  else if (a2) K = kernels_avx2();
  else K = kernels_portable();
  const int started = pool().configure(threads);
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", K->isa);
  o.Set("threads", started);
  Napi::Array feats = Napi::Array::New(env, cpu_features.size());
  for (size_t i = 0; i < cpu_features.size(); i++) feats.Set(uint32_t(i), cpu_features[i]);
  o.Set("cpu", feats);
  return o;
}

void Unary(const Napi::CallbackInfo& info) {
  const int64_t n = len(info, 1);
  float* x = farr(info, 1, "x", n);
  float* out = farr(info, 2, "out", n);
  k(info).unary(int(num(info, 0)), x, out, n);
}
void LeakyRelu(const Napi::CallbackInfo& info) {
  const int64_t n = len(info, 0);
  k(info).leaky_relu(farr(info, 0, "x", n), dbl(info, 1), farr(info, 2, "out", n), n);
}
void Clamp(const Napi::CallbackInfo& info) {
  const int64_t n = len(info, 0);
  k(info).clamp(farr(info, 0, "x", n), float(dbl(info, 1)), float(dbl(info, 2)), farr(info, 3, "out", n), n);
}

// Largest offset + 1 a rank-4 walk reads.
int64_t extent(const int32_t* d, const int32_t* st) {
  int64_t e = 0;
  for (int i = 0; i < 4; i++) {
    if (d[i] == 0) return 0;
    e += int64_t(d[i] - 1) * st[i];
  }
  return e + 1;
}

void Binary(const Napi::CallbackInfo& info) {
  int32_t* d = iarr(info, 4, "dims", 4);
  int32_t* sa = iarr(info, 5, "strides of a", 4);
  int32_t* sb = iarr(info, 6, "strides of b", 4);
  const int64_t n = int64_t(d[0]) * d[1] * d[2] * d[3];
  float* a = farr(info, 1, "a", extent(d, sa));
  float* b = farr(info, 2, "b", extent(d, sb));
  float* out = farr(info, 3, "out", n);
  k(info).binary(int(num(info, 0)), a, b, out, d, sa, sb);
}
void Reduce(const Napi::CallbackInfo& info) {
  const int64_t outer = num(info, 2), r = num(info, 3), inner = num(info, 4);
  k(info).reduce(int(num(info, 0)), farr(info, 1, "x", outer * r * inner), outer, r, inner, farr(info, 5, "out", outer * inner));
}
void Matmul(const Napi::CallbackInfo& info) {
  const int64_t batch = num(info, 3), m = num(info, 4), kk = num(info, 5), n = num(info, 6);
  const bool ta = flag(info, 7), tb = flag(info, 8);
  const int64_t sa = num(info, 9), sb = num(info, 10);
  const int64_t needA = batch > 0 ? (batch - 1) * sa + m * kk : 0, needB = batch > 0 ? (batch - 1) * sb + kk * n : 0;
  k(info).gemm(farr(info, 0, "a", needA), farr(info, 1, "b", needB), farr(info, 2, "out", batch * m * n), batch, m, kk, n, ta, tb, sa, sb);
}
void Strided(const Napi::CallbackInfo& info) {
  int32_t* d = iarr(info, 2, "dims", 4);
  int32_t* st = iarr(info, 3, "strides", 4);
  const int64_t base = num(info, 1);
  const int64_t n = int64_t(d[0]) * d[1] * d[2] * d[3];
  k(info).strided(farr(info, 0, "x", n ? base + extent(d, st) : 0), base, d, st, farr(info, 4, "out", n));
}
void StridedAdd(const Napi::CallbackInfo& info) {
  int32_t* d = iarr(info, 1, "dims", 4);
  int32_t* st = iarr(info, 2, "strides", 4);
  const int64_t base = num(info, 3);
  const int64_t n = int64_t(d[0]) * d[1] * d[2] * d[3];
  k(info).strided_add(farr(info, 0, "src", n), d, st, base, farr(info, 4, "out", n ? base + extent(d, st) : 0));
}
void IndexSelect(const Napi::CallbackInfo& info) {
  const int64_t outer = num(info, 1), size = num(info, 2), inner = num(info, 3), m = len(info, 4);
  int32_t* idx = iarr(info, 4, "index", m);
  check_index(info, idx, m, size, "indexSelect");
  k(info).index_select(farr(info, 0, "x", outer * size * inner), outer, size, inner, idx, m, farr(info, 5, "out", outer * m * inner));
}
void IndexAdd(const Napi::CallbackInfo& info) {
  const int64_t outer = num(info, 1), size = num(info, 2), inner = num(info, 3), m = len(info, 4);
  int32_t* idx = iarr(info, 4, "index", m);
  check_index(info, idx, m, size, "indexAdd");
  k(info).index_add(farr(info, 0, "src", outer * m * inner), outer, size, inner, idx, m, farr(info, 5, "out", outer * size * inner));
}
void Softmax(const Napi::CallbackInfo& info) {
  const int64_t outer = num(info, 1), n = num(info, 2), inner = num(info, 3), all = outer * n * inner;
  k(info).softmax(farr(info, 0, "x", all), outer, n, inner, flag(info, 4), farr(info, 5, "out", all));
}
void CrossEntropy(const Napi::CallbackInfo& info) {
  const int64_t rows = num(info, 3), classes = num(info, 4);
  k(info).cross_entropy(farr(info, 0, "logits", rows * classes), iarr(info, 1, "target", rows), farr(info, 2, "weight", classes, true), rows,
                        classes, int(dbl(info, 5)), farr(info, 6, "loss", rows), farr(info, 7, "probs", rows * classes));
}
void CrossEntropyBackward(const Napi::CallbackInfo& info) {
  const int64_t rows = num(info, 4), classes = num(info, 5);
  k(info).cross_entropy_backward(farr(info, 0, "probs", rows * classes), iarr(info, 1, "target", rows), farr(info, 2, "weight", classes, true),
                                 farr(info, 3, "gLoss", rows), rows, classes, int(dbl(info, 6)), farr(info, 7, "dLogits", rows * classes));
}
void LayerNorm(const Napi::CallbackInfo& info) {
  const int64_t rows = num(info, 1), n = num(info, 2);
  k(info).layer_norm(farr(info, 0, "x", rows * n), rows, n, farr(info, 3, "weight", n, true), farr(info, 4, "bias", n, true), dbl(info, 5),
                     farr(info, 6, "out", rows * n), farr(info, 7, "mean", rows), farr(info, 8, "rstd", rows));
}
void LayerNormBackward(const Napi::CallbackInfo& info) {
  const int64_t rows = num(info, 2), n = num(info, 3);
  k(info).layer_norm_backward(farr(info, 0, "g", rows * n), farr(info, 1, "x", rows * n), rows, n, farr(info, 4, "weight", n, true),
                              farr(info, 5, "mean", rows), farr(info, 6, "rstd", rows), farr(info, 7, "dx", rows * n),
                              farr(info, 8, "dWeight", n, true), farr(info, 9, "dBias", n, true));
}

int64_t planeIn(const Geom& g) { return int64_t(g.ih) * g.iw; }
int64_t planeOut(const Geom& g) { return int64_t(g.oh) * g.ow; }
int64_t kern(const Geom& g) { return int64_t(g.kh) * g.kw; }

void Im2col(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  k(info).im2col(farr(info, 0, "x", n * c * planeIn(g)), n, c, g, farr(info, 4, "out", n * c * kern(g) * planeOut(g)), flag(info, 5));
}
void Col2im(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  k(info).col2im(farr(info, 0, "cols", n * c * kern(g) * planeOut(g)), n, c, g, farr(info, 4, "out", n * c * planeIn(g)), flag(info, 5));
}
void ConvForward(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2), cout = num(info, 5);
  const Geom g = geom(info, 3);
  k(info).conv_forward(farr(info, 0, "x", n * c * planeIn(g)), n, c, g, farr(info, 4, "weight", cout * c * kern(g)), cout,
                       farr(info, 6, "out", n * cout * planeOut(g)));
}
void ConvBackwardWeight(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2), cout = num(info, 5);
  const Geom g = geom(info, 3);
  k(info).conv_backward_weight(farr(info, 0, "x", n * c * planeIn(g)), n, c, g, farr(info, 4, "g", n * cout * planeOut(g)), cout,
                               farr(info, 6, "gw", cout * c * kern(g)));
}
void ConvBackwardInput(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 2), c = num(info, 3), cout = num(info, 5);
  const Geom g = geom(info, 4);
  k(info).conv_backward_input(farr(info, 0, "weight", cout * c * kern(g)), farr(info, 1, "g", n * cout * planeOut(g)), n, c, g, cout,
                              farr(info, 6, "gx", n * c * planeIn(g)));
}
void MaxPool(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  k(info).max_pool(farr(info, 0, "x", n * c * planeIn(g)), n, c, g, farr(info, 4, "out", n * c * planeOut(g)),
                   iarr(info, 5, "argmax", n * c * planeOut(g)));
}
void MaxPoolBackward(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  const int64_t L = n * c * planeOut(g);
  int32_t* am = iarr(info, 4, "argmax", L);
  for (int64_t i = 0; i < L; i++)
    if (am[i] >= planeIn(g)) range_error(info.Env(), "maxPoolBackward: argmax " + std::to_string(am[i]) + " is outside the input plane");
  k(info).max_pool_backward(farr(info, 0, "g", L), n, c, g, am, farr(info, 5, "gx", n * c * planeIn(g)));
}
void AvgPool(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  k(info).avg_pool(farr(info, 0, "x", n * c * planeIn(g)), n, c, g, darr(info, 4, "scale", planeOut(g)), farr(info, 5, "out", n * c * planeOut(g)));
}
void AvgPoolBackward(const Napi::CallbackInfo& info) {
  const int64_t n = num(info, 1), c = num(info, 2);
  const Geom g = geom(info, 3);
  k(info).avg_pool_backward(farr(info, 0, "g", n * c * planeOut(g)), n, c, g, darr(info, 4, "scale", planeOut(g)),
                            farr(info, 5, "gx", n * c * planeIn(g)));
}
void LstmCell(const Napi::CallbackInfo& info) {
  const int64_t b = num(info, 2), h = num(info, 3);
  k(info).lstm_cell(farr(info, 0, "gates", b * 4 * h), farr(info, 1, "cPrev", b * h), b, h, farr(info, 4, "c", b * h), farr(info, 5, "h", b * h),
                    farr(info, 6, "act", b * 5 * h));
}
void LstmCellBackward(const Napi::CallbackInfo& info) {
  const int64_t b = num(info, 4), h = num(info, 5);
  k(info).lstm_cell_backward(farr(info, 0, "act", b * 5 * h), farr(info, 1, "cPrev", b * h), farr(info, 2, "dh", b * h, true),
                             farr(info, 3, "dc", b * h, true), b, h, farr(info, 6, "dGates", b * 4 * h), farr(info, 7, "dCprev", b * h, true));
}
void GruCell(const Napi::CallbackInfo& info) {
  const int64_t b = num(info, 3), h = num(info, 4);
  k(info).gru_cell(farr(info, 0, "xp", b * 3 * h), farr(info, 1, "hp", b * 3 * h), farr(info, 2, "hPrev", b * h), b, h, farr(info, 5, "h", b * h),
                   farr(info, 6, "act", b * 3 * h));
}
void GruCellBackward(const Napi::CallbackInfo& info) {
  const int64_t b = num(info, 4), h = num(info, 5);
  k(info).gru_cell_backward(farr(info, 0, "act", b * 3 * h), farr(info, 1, "hp", b * 3 * h), farr(info, 2, "hPrev", b * h),
                            farr(info, 3, "dh", b * h), b, h, farr(info, 6, "dXp", b * 3 * h), farr(info, 7, "dHp", b * 3 * h),
                            farr(info, 8, "dHprev", b * h, true));
}
void Dropout(const Napi::CallbackInfo& info) {
  const int64_t n = len(info, 0);
  k(info).dropout(farr(info, 0, "x", n), dbl(info, 1), float(dbl(info, 2)), uint32_t(int64_t(dbl(info, 3))), uint32_t(int64_t(dbl(info, 4))),
                  farr(info, 5, "out", n), n);
}

// Arrays of tensors: [Float32Array | null, ...], each entry the size of the params entry.
std::vector<float*> list(const Napi::CallbackInfo& info, size_t i, const char* name, const std::vector<int64_t>& sizes, bool nullable) {
  Napi::Array a = info[i].As<Napi::Array>();
  if (a.Length() != sizes.size()) range_error(info.Env(), std::string("native: ") + name + " list has the wrong length");
  std::vector<float*> out(sizes.size());
  for (uint32_t j = 0; j < a.Length(); j++) {
    Napi::Value v = a.Get(j);
    if (nullable && (v.IsNull() || v.IsUndefined())) { out[j] = nullptr; continue; }
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(info.Env(), std::string("native: ") + name + " entries must be Float32Arrays");
    Napi::Float32Array f = v.As<Napi::Float32Array>();
    if (int64_t(f.ElementLength()) < sizes[j]) range_error(info.Env(), std::string("native: ") + name + " entry is shorter than its parameter");
    out[j] = f.Data();
  }
  return out;
}
std::vector<int64_t> sizes_of(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<int64_t> s(a.Length());
  for (uint32_t j = 0; j < a.Length(); j++) {
    Napi::Value v = a.Get(j);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(info.Env(), "native: params entries must be Float32Arrays");
    s[j] = int64_t(v.As<Napi::Float32Array>().ElementLength());
  }
  return s;
}

void SgdSteps(const Napi::CallbackInfo& info) {
  const std::vector<int64_t> sz = sizes_of(info, 0);
  auto p = list(info, 0, "params", sz, false);
  auto g = list(info, 1, "grads", sz, false);
  auto b = list(info, 2, "momentum buffers", sz, true);
  k(info).sgd_steps(p.data(), const_cast<const float* const*>(g.data()), b.data(), sz.data(), int(sz.size()), dbl(info, 3), dbl(info, 4),
                    dbl(info, 5), dbl(info, 6), flag(info, 7), flag(info, 8));
}
void AdamSteps(const Napi::CallbackInfo& info) {
  const std::vector<int64_t> sz = sizes_of(info, 0);
  auto p = list(info, 0, "params", sz, false);
  auto g = list(info, 1, "grads", sz, false);
  auto m = list(info, 2, "expAvg", sz, false);
  auto v = list(info, 3, "expAvgSq", sz, false);
  auto vx = list(info, 4, "maxExpAvgSq", sz, true);
  k(info).adam_steps(p.data(), const_cast<const float* const*>(g.data()), m.data(), v.data(), vx.data(), sz.data(), int(sz.size()),
                     dbl(info, 5), dbl(info, 6), dbl(info, 7), dbl(info, 8), dbl(info, 9), flag(info, 10), dbl(info, 11));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The workers stop when this environment goes away (process exit, worker_threads teardown).
  env.AddCleanupHook([]() { pool().stop(); });
#define FN(name, f) exports.Set(name, Napi::Function::New(env, f, name))
  FN("configure", Configure);
  FN("unary", Unary);
  FN("leakyRelu", LeakyRelu);
  FN("clamp", Clamp);
  FN("binary", Binary);
  FN("reduce", Reduce);
  FN("matmul", Matmul);
  FN("strided", Strided);
  FN("stridedAdd", StridedAdd);
  FN("indexSelect", IndexSelect);
  FN("indexAdd", IndexAdd);
  FN("softmax", Softmax);
  FN("crossEntropy", CrossEntropy);
  FN("crossEntropyBackward", CrossEntropyBackward);
  FN("layerNorm", LayerNorm);
  FN("layerNormBackward", LayerNormBackward);
  FN("im2col", Im2col);
  FN("col2im", Col2im);
  FN("convForward", ConvForward);
  FN("convBackwardWeight", ConvBackwardWeight);
  FN("convBackwardInput", ConvBackwardInput);
  FN("maxPool", MaxPool);
  FN("maxPoolBackward", MaxPoolBackward);
  FN("avgPool", AvgPool);
  FN("avgPoolBackward", AvgPoolBackward);
  FN("lstmCell", LstmCell);
  FN("lstmCellBackward", LstmCellBackward);
  FN("gruCell", GruCell);
  FN("gruCellBackward", GruCellBackward);
  FN("dropout", Dropout);
  FN("sgdSteps", SgdSteps);
  FN("adamSteps", AdamSteps);
#undef FN
  return exports;
}

}  // namespace

NODE_API_MODULE(gradlab_native, Init)
