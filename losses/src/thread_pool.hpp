// Internal: a fixed set of worker threads, started once and kept by the loss
// objects that use them, so that a loss evaluation of ~1 ms does not pay for
// starting threads (~20–50 µs each) or for their thread-local buffers being
// allocated afresh.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace splattrack::losses {

class ThreadPool {
 public:
  // threads >= 1: the calling thread plus threads − 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(i) once for every i in [0, count) on the calling thread and
  // the workers, and returns when all have finished. Which thread runs which
  // i is not fixed: tasks must not depend on it. If tasks throw, the
  // exception of the lowest i is rethrown. Calls from several threads are
  // served one at a time.
  void run(int count, const std::function<void(int)>& task);

 private:
  void drain();
  void work();

  std::mutex run_mutex_;  // one run() at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* task_ = nullptr;
  int count_ = 0;
  std::atomic<int> next_{0};
  int busy_ = 0;  // workers still draining the current run
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::vector<std::exception_ptr> errors_;  // [count_]
  std::vector<std::thread> workers_;
};

}  // namespace splattrack::losses
