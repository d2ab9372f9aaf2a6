// A persistent pool of std::threads that runs one parallel loop at a time,
// so the renderer does not pay thread start-up on every call.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace splattrack::cpu {

class ThreadPool {
 public:
  // threads counts the calling thread, which takes part in every loop.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls body(task, thread) once for every task in [0, tasks), thread in
  // [0, size()), and returns when all calls have returned. Tasks are handed
  // out in increasing order to whichever thread is free, so results must not
  // depend on which thread runs a task. body must not throw.
  template <class Body>
  void run(int tasks, Body&& body) {
    using B = std::remove_reference_t<Body>;
    run_erased(
        tasks, [](void* b, int task, int thread) { (*static_cast<B*>(b))(task, thread); },
        const_cast<void*>(static_cast<const void*>(&body)));
  }

 private:
  using Fn = void (*)(void*, int, int);
  struct Job {
    Fn fn = nullptr;
    void* body = nullptr;
    int tasks = 0;
    std::uint32_t generation = 0;
  };
  void run_erased(int tasks, Fn fn, void* body);
  // Runs tasks of job until none is left; false once the job is over.
  void drain(const Job& job, int thread);
  void worker_loop(int thread);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Job job_;           // guarded by mutex_
  bool stop_ = false;  // guarded by mutex_
  // job_.generation, readable without the lock, for workers that spin.
  std::atomic<std::uint32_t> published_{0};
  // generation << 32 | next task index: a worker that wakes late can only
  // claim tasks of the job it read, so the caller never waits for a worker
  // that the OS has not scheduled yet.
  std::atomic<std::uint64_t> next_{0};
  std::atomic<int> finished_{0};  // tasks of the current job that returned
};

}  // namespace splattrack::cpu
