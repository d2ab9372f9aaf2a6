#include "splattrack/render/execution.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace splattrack {
namespace execution {

// next_task packs generation << 32 | next task index, so that a worker that
// wakes late can only claim tasks of the loop it read.
inline constexpr int kGenerationShift = 32;
inline constexpr std::uint64_t kIndexMask = 0xFFFFFFFFull;

}  // namespace execution

namespace {

int resolve_threads(int threads) {
  if (threads < 0)
    throw std::invalid_argument("ExecutionContext: threads must be >= 0 (0 = all cores), got " +
                                std::to_string(threads));
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return threads == 0 ? cores : std::min(threads, cores);
}

}  // namespace

struct ExecutionContext::Pool {
  struct Loop {
    Task fn = nullptr;
    void* body = nullptr;
    int tasks = 0;
    std::uint32_t generation = 0;
  };

  explicit Pool(int threads) {
    for (int t = 1; t < threads; ++t) workers.emplace_back([this, t] { work(t); });
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    wake.notify_all();
    for (std::thread& w : workers) w.join();
  }

  void run(int tasks, Task fn, void* body);
  void drain(const Loop& loop, int thread);
  void work(int thread);
  void record(int task, std::exception_ptr error);

  std::vector<std::thread> workers;  // threads 1..size() - 1
  std::atomic<bool> busy{false};     // a loop is running: run() refuses another

  std::mutex mutex;
  std::condition_variable wake;  // workers: a new loop or stop
  std::condition_variable done;  // the caller: the last task returned
  Loop loop;                     // guarded by mutex
  bool stop = false;             // guarded by mutex
  std::atomic<std::uint64_t> next_task{0};  // see execution::kGenerationShift
  std::atomic<int> unfinished{0};           // tasks of the loop not yet returned

  std::mutex error_mutex;
  int error_task = INT_MAX;   // guarded by error_mutex: the lowest task that threw
  std::exception_ptr error;   // guarded by error_mutex
};

void ExecutionContext::Pool::record(int task, std::exception_ptr e) {
  std::lock_guard<std::mutex> lock(error_mutex);
  if (task < error_task) {
    error_task = task;
    error = std::move(e);
  }
}

void ExecutionContext::Pool::drain(const Loop& l, int thread) {
  const std::uint64_t generation = static_cast<std::uint64_t>(l.generation) << execution::kGenerationShift;
  std::uint64_t cur = next_task.load(std::memory_order_acquire);
  for (;;) {
    if ((cur & ~execution::kIndexMask) != generation || static_cast<int>(cur & execution::kIndexMask) >= l.tasks)
      return;
    if (!next_task.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) continue;
    const int task = static_cast<int>(cur & execution::kIndexMask);
    try {
      l.fn(l.body, task, thread);
    } catch (...) {
      record(task, std::current_exception());
    }
    // The worker that ends the loop wakes the caller (which may already
    // wait); the caller itself checks `unfinished` before it waits.
    if (unfinished.fetch_sub(1, std::memory_order_acq_rel) == 1 && thread != 0) {
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_one();
    }
    cur = next_task.load(std::memory_order_acquire);
  }
}

// Idle workers sleep on `wake`. Polling for the next loop first (a few µs
// up to the 2 ms the renderer's pool used to) measured no faster on the
// 2-core development machine, in `splattrack bench render` and in loops of
// 10 µs tasks, and slower where the cores are shared (the poller takes the
// core the caller needs).
void ExecutionContext::Pool::work(int thread) {
  std::uint32_t seen = 0;
  for (;;) {
    Loop l;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stop || loop.generation != seen; });
      if (stop) return;
      l = loop;
      seen = l.generation;
    }
    drain(l, thread);
  }
}

void ExecutionContext::Pool::run(int tasks, Task fn, void* body) {
  Loop l;
  {
    std::lock_guard<std::mutex> lock(mutex);
    l = {fn, body, tasks, loop.generation + 1};
    loop = l;
    {
      std::lock_guard<std::mutex> errors(error_mutex);
      error_task = INT_MAX;
      error = nullptr;
    }
    unfinished.store(tasks, std::memory_order_relaxed);
    next_task.store(static_cast<std::uint64_t>(l.generation) << execution::kGenerationShift,
                    std::memory_order_release);
  }
  wake.notify_all();
  drain(l, 0);
  {
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, [&] { return unfinished.load(std::memory_order_acquire) == 0; });
  }
  std::exception_ptr e;
  {
    std::lock_guard<std::mutex> lock(error_mutex);
    e = std::move(error);
  }
  if (e) std::rethrow_exception(e);
}

ExecutionContext::ExecutionContext(int threads) : pool_(std::make_unique<Pool>(resolve_threads(threads))) {}

ExecutionContext::~ExecutionContext() = default;

int ExecutionContext::size() const { return static_cast<int>(pool_->workers.size()) + 1; }

void ExecutionContext::run_erased(int tasks, Task fn, void* body) {
  if (pool_->busy.exchange(true, std::memory_order_acquire))
    throw std::logic_error(
        "ExecutionContext::run: a loop is already running on this context (a call from inside a task, or "
        "from another thread); it runs one loop at a time");
  struct Release {
    std::atomic<bool>& busy;
    ~Release() { busy.store(false, std::memory_order_release); }
  } release{pool_->busy};
  if (tasks <= 0) return;
  if (pool_->workers.empty() || tasks == 1) {
    // In order on the caller; the first exception is the lowest task's.
    std::exception_ptr first;
    for (int task = 0; task < tasks; ++task) {
      try {
        fn(body, task, 0);
      } catch (...) {
        if (!first) first = std::current_exception();
      }
    }
    if (first) std::rethrow_exception(first);
    return;
  }
  pool_->run(tasks, fn, body);
}

}  // namespace splattrack
