#include "thread_pool.hpp"

#include <chrono>

namespace splattrack::cpu {
namespace {

// A renderer call is a burst of parallel loops with short serial parts in
// between. Waking a sleeping thread can take milliseconds on a busy machine,
// so a worker first polls this long for the next loop, yielding its core
// to whoever else wants it.
constexpr std::chrono::microseconds kSpin{2000};

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { worker_loop(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void ThreadPool::run_erased(int tasks, Fn fn, void* body) {
  if (tasks <= 0) return;
  if (workers_.empty() || tasks == 1) {
    for (int task = 0; task < tasks; ++task) fn(body, task, 0);
    return;
  }
  Job job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job = {fn, body, tasks, job_.generation + 1};
    job_ = job;
    finished_.store(0, std::memory_order_relaxed);
    next_.store(static_cast<std::uint64_t>(job.generation) << 32, std::memory_order_release);
    published_.store(job.generation, std::memory_order_release);
  }
  wake_.notify_all();
  drain(job, 0);
  while (finished_.load(std::memory_order_acquire) != tasks) std::this_thread::yield();
}

void ThreadPool::drain(const Job& job, int thread) {
  const std::uint64_t gen = static_cast<std::uint64_t>(job.generation) << 32;
  std::uint64_t cur = next_.load(std::memory_order_acquire);
  for (;;) {
    if ((cur & ~0xFFFFFFFFull) != gen || static_cast<int>(cur & 0xFFFFFFFFull) >= job.tasks) return;
    if (!next_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) continue;
    job.fn(job.body, static_cast<int>(cur & 0xFFFFFFFFull), thread);
    finished_.fetch_add(1, std::memory_order_release);
    cur = next_.load(std::memory_order_acquire);
  }
}

void ThreadPool::worker_loop(int thread) {
  std::uint32_t seen = 0;
  for (;;) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpin;
    while (published_.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < spin_until)
      std::this_thread::yield();
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || job_.generation != seen; });
      if (stop_) return;
      job = job_;
      seen = job.generation;
    }
    drain(job, thread);
  }
}

}  // namespace splattrack::cpu
