// The one execution context of the CPU back end: a persistent pool of
// threads that the renderer and the losses share, so that a tracker holds
// one set of threads and never pays thread start-up per call. Threads with
// nothing to do sleep on a condition variable.
#pragma once

#include <memory>
#include <type_traits>

namespace splattrack {

class ExecutionContext {
 public:
  // threads counts the calling thread, which takes part in every loop:
  // 0 = all cores (std::thread::hardware_concurrency(), at least 1); more
  // than the cores is capped to the cores (more threads would only contend).
  // Throws std::invalid_argument, naming the value, when threads < 0.
  explicit ExecutionContext(int threads = 0);
  ~ExecutionContext();
  ExecutionContext(const ExecutionContext&) = delete;
  ExecutionContext& operator=(const ExecutionContext&) = delete;

  // Threads a loop runs on, the caller included.
  int size() const;

  // Calls body(task, thread) once for every task in [0, tasks), with thread
  // in [0, size()) (for per-thread scratch), and returns when every call has
  // returned. Tasks are handed out in increasing order to whichever thread
  // is free, so results must not depend on which thread runs a task. If
  // calls throw, the exception of the lowest task is rethrown once all
  // tasks have finished. One loop at a time: a call from inside a body, or
  // from another thread while a loop runs, throws std::logic_error.
  template <class Body>
  void run(int tasks, Body&& body) {
    using B = std::remove_reference_t<Body>;
    run_erased(
        tasks, [](void* b, int task, int thread) { (*static_cast<B*>(b))(task, thread); },
        const_cast<void*>(static_cast<const void*>(&body)));
  }

 private:
  using Task = void (*)(void* body, int task, int thread);
  void run_erased(int tasks, Task fn, void* body);

  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace splattrack
