#include "pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GRADLAB_PAUSE() _mm_pause()
#else
#define GRADLAB_PAUSE() std::this_thread::yield()
#endif

namespace gradlab {

// Set while a thread runs chunks: a kernel called from inside a chunk runs inline.
static thread_local bool in_job = false;

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destructors
  return *p;
}

Pool::~Pool() { stop(); }

void Pool::stop() {
  if (workers_.empty()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_.store(true);
    gen_.fetch_add(1);
  }
  cv_.notify_all();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  stop_.store(false);
  nthreads_ = 1;
}

int Pool::configure(int threads) {
  std::lock_guard<std::mutex> run(run_mu_);
  stop();
  if (threads < 1) threads = 1;
  for (int t = 1; t < threads; t++) {
    try {
      workers_.emplace_back(&Pool::worker, this, t, gen_.load());
    } catch (...) {
      break;  // a thread that cannot start: run with the ones that did
    }
  }
  nthreads_ = 1 + int(workers_.size());
  return nthreads_;
}

void Pool::work(int tid) {
  in_job = true;
  for (;;) {
    int64_t from = next_.fetch_add(grain_);
    if (from >= total_) break;
    int64_t to = from + grain_ < total_ ? from + grain_ : total_;
    fn_(ctx_, from, to, tid);
  }
  in_job = false;
}

// `seen` is the generation at creation: a job published before this thread first runs still counts.
void Pool::worker(int tid, uint64_t seen) {
  for (;;) {
    // Spin briefly: back-to-back kernels (a training step) arrive within microseconds.
    int spins = 0;
    while (gen_.load(std::memory_order_acquire) == seen && spins < 20000) {
      GRADLAB_PAUSE();
      spins++;
    }
    if (gen_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lk(mu_);
      sleeping_.fetch_add(1);
      cv_.wait(lk, [&] { return gen_.load() != seen; });
      sleeping_.fetch_sub(1);
    }
    seen = gen_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    work(tid);
    done_.fetch_add(1, std::memory_order_release);
  }
}

void Pool::run(int64_t total, int64_t grain, RangeFn fn, void* ctx) {
  if (in_job) {
    fn(ctx, 0, total, 0);
    return;
  }
  std::lock_guard<std::mutex> run(run_mu_);
  if (workers_.empty()) {
    fn(ctx, 0, total, 0);
    return;
  }
  fn_ = fn;
  ctx_ = ctx;
  total_ = total;
  grain_ = grain;
  next_.store(0);
  done_.store(0);
  {
    std::lock_guard<std::mutex> lk(mu_);
    gen_.fetch_add(1, std::memory_order_release);
  }
  if (sleeping_.load() > 0) cv_.notify_all();
  work(0);
  const int want = int(workers_.size());
  while (done_.load(std::memory_order_acquire) < want) GRADLAB_PAUSE();
}

}  // namespace gradlab
