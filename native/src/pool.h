// A small thread pool for the native kernels: the caller plus N−1 workers that spin briefly on a
// generation counter, then sleep on a condition variable. A job is a range [0, total) handed out in
// chunks of `grain`; the caller takes chunks too and returns as soon as every chunk is done, so a
// worker that wakes late (a busy machine) costs nothing: it finds no chunk left. Which thread runs a
// chunk never changes what the chunk computes, so results do not depend on the thread count.
// Workers are plain std::threads: they hold no libuv handle, so they never keep the Node process
// alive; a thread that cannot start lowers the count instead of hanging.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace gradlab {

using RangeFn = void (*)(void* ctx, int64_t from, int64_t to, int tid);

struct Job {
  RangeFn fn;
  void* ctx;
  int64_t total, grain, chunks;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
};

class Pool {
 public:
  ~Pool();
  // (Re)starts with `threads` threads including the caller; returns the count that started.
  int configure(int threads);
  int threads() const { return nthreads_; }
  // Runs fn over [0, total) in chunks of grain, on every thread; returns when all chunks are done.
  void run(int64_t total, int64_t grain, RangeFn fn, void* ctx);
  void stop();

 private:
  void worker(int tid, uint64_t seen);
  void note_cpu(int tid);
  bool shares_cpu(int tid) const;
  void separate(int tid);
  int nthreads_ = 1;
  // Threads taking part in jobs (the caller counts): at most 1 + workers_.size().
  std::atomic<int> active_{1};
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> sleeping_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Job> job_;  // guarded by mu_
  std::mutex run_mu_;
  // The CPU each thread last ran on (index 0: the caller, as of its last job): a spinning thread
  // yields only to a thread of this pool on its own CPU (see pool.cc).
  std::unique_ptr<std::atomic<int>[]> cpu_;
  int ncpu_slots_ = 0;
};

Pool& pool();

// Convenience: parallel for over [0, total) with a lambda (from, to, tid).
template <class F>
void parallel(int64_t total, int64_t grain, F&& f) {
  if (total <= 0) return;
  if (grain < 1) grain = 1;
  if (total <= grain || pool().threads() == 1) {
    f(int64_t(0), total, 0);
    return;
  }
  using Fn = typename std::remove_reference<F>::type;
  auto tramp = [](void* c, int64_t a, int64_t b, int tid) { (*static_cast<Fn*>(c))(a, b, tid); };
  pool().run(total, grain, tramp, const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace gradlab
