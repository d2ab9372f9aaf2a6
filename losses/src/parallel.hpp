// Internal: a fork-join loop over a few coarse tasks (image planes, row
// bands). Threads are started per call: the tasks are >= 50 µs, starting a
// thread costs ~20 µs, and the caller chooses the count (no global pool).
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace splattrack::losses {

// Runs task(i) for i in [0, count) on up to `threads` threads; the first
// exception a task throws is rethrown here after all have finished.
template <class Task>
void parallel_for(int count, int threads, Task&& task) {
  const int workers = std::max(1, std::min(threads, count));
  if (workers == 1) {
    for (int i = 0; i < count; ++i) task(i);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  const auto run = [&](int w) {
    try {
      for (int i = w; i < count; i += workers) task(i);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace splattrack::losses
