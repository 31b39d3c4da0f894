#include "pool.h"

#if defined(__linux__)
#include <sched.h>
#endif

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
  if (threads < 1) threads = 1;
  // Fewer threads than are running: the workers stay, and only the first threads − 1 take part
  // (switching between a 1-thread and a 2-thread backend over one addon, as the bench does, then
  // costs no thread start: a new thread starts on a CPU of the scheduler's choosing, often its
  // creator's, and ran the next products at 1-thread speed).
  if (!workers_.empty() && threads <= 1 + int(workers_.size())) {
    active_.store(threads);
    nthreads_ = threads;
    return nthreads_;
  }
  stop();
  cpu_.reset(new std::atomic<int>[size_t(threads)]);
  for (int t = 0; t < threads; t++) cpu_[t].store(-1);
  ncpu_slots_ = threads;
  active_.store(threads);
  for (int t = 1; t < threads; t++) {
    try {
      workers_.emplace_back(&Pool::worker, this, t, gen_.load());
    } catch (...) {
      break;  // a thread that cannot start: run with the ones that did
    }
  }
  nthreads_ = 1 + int(workers_.size());
  active_.store(nthreads_);
  return nthreads_;
}

static int current_cpu() {
#if defined(__linux__)
  return sched_getcpu();
#else
  return -1;
#endif
}

void Pool::note_cpu(int tid) {
  if (tid < ncpu_slots_) cpu_[tid].store(current_cpu(), std::memory_order_relaxed);
}

// Whether another thread of this pool last ran on this thread's CPU. Unknown (no sched_getcpu)
// counts as shared: yielding is then always the safe choice.
bool Pool::shares_cpu(int tid) const {
  const int me = current_cpu();
  if (me < 0) return true;
  for (int t = 0; t < ncpu_slots_; t++)
    if (t != tid && cpu_[t].load(std::memory_order_relaxed) == me) return true;
  return false;
}

// Moves the calling thread off `cpu` to another CPU it may run on, then gives it back every CPU
// it had: the scheduler migrates it at once and does not move it back by itself. Used by a
// worker that finds itself on its caller's CPU: wake-up placement puts a woken worker next to the
// thread that woke it, and the load balancer takes several milliseconds to separate two busy
// threads (measured: 2-thread products at 1-thread speed for 10-30 products after an idle pause).
// Not done when the pool has more threads than CPUs (sharing is then unavoidable).
static bool move_off(int cpu, int threads) {
#if defined(__linux__)
  if (cpu < 0) return false;
  cpu_set_t all;
  if (sched_getaffinity(0, sizeof all, &all) != 0) return false;
  if (!CPU_ISSET(cpu, &all) || CPU_COUNT(&all) < 2 || CPU_COUNT(&all) < threads) return false;
  cpu_set_t other = all;
  CPU_CLR(cpu, &other);
  if (sched_setaffinity(0, sizeof other, &other) != 0) return false;
  sched_setaffinity(0, sizeof all, &all);
  return true;
#else
  (void)cpu;
  (void)threads;
  return false;
#endif
}

// A worker on its caller's CPU moves off it; where it cannot, it yields (so that it does not take
// the CPU from the caller that feeds it).
void Pool::separate(int tid) {
  if (!shares_cpu(tid)) return;
  if (!move_off(current_cpu(), ncpu_slots_)) std::this_thread::yield();
  note_cpu(tid);
}

static void work(Job& j, int tid) {
  in_job = true;
  for (;;) {
    const int64_t c = j.next.fetch_add(1);
    if (c >= j.chunks) break;
    const int64_t from = c * j.grain;
    const int64_t to = from + j.grain < j.total ? from + j.grain : j.total;
    j.fn(j.ctx, from, to, tid);
    j.done.fetch_add(1, std::memory_order_release);
  }
  in_job = false;
}

// `seen` is the generation at creation: a job published before this thread first runs still counts.
void Pool::worker(int tid, uint64_t seen) {
  for (;;) {
    // Spin briefly: back-to-back kernels (a training step) arrive within microseconds. Every few
    // microseconds the spin looks where it runs: when the scheduler has put this worker on the
    // caller's CPU, a spin that never yields takes the CPU from the caller that feeds it (2-thread
    // products at a third of 1-thread speed), so it yields; on a CPU of its own it keeps spinning
    // (yielding there would hand the CPU to other processes and the next product would start
    // without this worker).
    int spins = 0;
    while (gen_.load(std::memory_order_acquire) == seen && spins < 20000 && tid < active_.load(std::memory_order_relaxed)) {
      GRADLAB_PAUSE();
      if ((++spins & 127) == 0) {
        note_cpu(tid);
        separate(tid);
      }
    }
    std::shared_ptr<Job> j;
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (gen_.load() == seen) {
        sleeping_.fetch_add(1);
        cv_.wait(lk, [&] { return gen_.load() != seen; });
        sleeping_.fetch_sub(1);
      }
      seen = gen_.load();
      if (stop_.load()) return;
      j = job_;
    }
    // A job already finished has no chunk left: nothing of it (nor its caller's stack) is touched.
    if (tid >= active_.load()) continue;  // not taking part at the configured thread count
    note_cpu(tid);
    separate(tid);
    if (j) work(*j, tid);
  }
}

void Pool::run(int64_t total, int64_t grain, RangeFn fn, void* ctx) {
  if (in_job) {
    fn(ctx, 0, total, 0);
    return;
  }
  std::lock_guard<std::mutex> run(run_mu_);
  if (workers_.empty() || active_.load() <= 1) {
    fn(ctx, 0, total, 0);
    return;
  }
  note_cpu(0);
  auto j = std::make_shared<Job>();
  j->fn = fn;
  j->ctx = ctx;
  j->total = total;
  j->grain = grain;
  j->chunks = (total + grain - 1) / grain;
  {
    std::lock_guard<std::mutex> lk(mu_);
    job_ = j;
    gen_.fetch_add(1, std::memory_order_release);
  }
  if (sleeping_.load() > 0) cv_.notify_all();
  work(*j, 0);
  int spins = 0;
  while (j->done.load(std::memory_order_acquire) < j->chunks) {
    // A chunk is running on a worker; if it shares this CPU, let it have it.
    GRADLAB_PAUSE();
    if ((++spins & 63) == 0 && shares_cpu(0)) std::this_thread::yield();
  }
  std::lock_guard<std::mutex> lk(mu_);
  if (job_ == j) job_.reset();
}

}  // namespace gradlab
