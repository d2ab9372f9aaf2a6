// ExecutionContext: the one thread pool of render and losses.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "splattrack/render/execution.hpp"

using namespace splattrack;

namespace {

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// A task that throws its index.
struct TaskError : std::runtime_error {
  int task;
  explicit TaskError(int t) : std::runtime_error("task " + std::to_string(t)), task(t) {}
};

TEST(ExecutionContext, ThreadCountRule) {
  EXPECT_EQ(ExecutionContext(0).size(), cores());
  EXPECT_EQ(ExecutionContext().size(), cores());
  EXPECT_EQ(ExecutionContext(1).size(), 1);
  EXPECT_EQ(ExecutionContext(2).size(), std::min(2, cores()));
  EXPECT_EQ(ExecutionContext(cores() + 5).size(), cores());
  EXPECT_EQ(ExecutionContext(1 << 20).size(), cores());
  try {
    ExecutionContext bad(-3);
    FAIL() << "a negative thread count was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
  }
}

// Every task exactly once, thread in range, for 0, 1 and many tasks, on
// one context reused across many loops.
TEST(ExecutionContext, EveryTaskOnceOnAThreadInRange) {
  for (const int threads : {1, 2, 0}) {
    ExecutionContext context(threads);
    for (const int tasks : {0, 1, 2, 3, 17, 1000}) {
      std::vector<std::atomic<int>> runs(tasks);
      std::atomic<int> bad_thread{0};
      context.run(tasks, [&](int task, int thread) {
        runs[task].fetch_add(1);
        if (thread < 0 || thread >= context.size()) bad_thread.fetch_add(1);
      });
      for (int t = 0; t < tasks; ++t) EXPECT_EQ(runs[t].load(), 1) << "task " << t << " of " << tasks;
      EXPECT_EQ(bad_thread.load(), 0);
    }
  }
}

TEST(ExecutionContext, ReusableAcrossManyLoops) {
  ExecutionContext context(2);
  std::vector<long> sums(64);
  for (int loop = 0; loop < 20000; ++loop) {
    context.run(static_cast<int>(sums.size()), [&](int task, int) { sums[task] += task; });
  }
  for (std::size_t t = 0; t < sums.size(); ++t) EXPECT_EQ(sums[t], 20000L * static_cast<long>(t));
}

// Tasks are handed out in increasing order: on one thread they run in order.
TEST(ExecutionContext, TasksInIncreasingOrder) {
  ExecutionContext context(1);
  std::vector<int> order;
  context.run(50, [&](int task, int) { order.push_back(task); });
  ASSERT_EQ(order.size(), 50u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

// The lowest throwing task's exception reaches the caller once every task
// has run; the context works afterwards.
TEST(ExecutionContext, LowestTaskExceptionAfterAllTasks) {
  for (const int threads : {1, 2, 0}) {
    ExecutionContext context(threads);
    for (int round = 0; round < 20; ++round) {
      std::atomic<int> ran{0};
      try {
        context.run(200, [&](int task, int) {
          ran.fetch_add(1);
          if (task == 150 || task == 37 || task == 199) throw TaskError(task);
        });
        FAIL() << "no exception";
      } catch (const TaskError& e) {
        EXPECT_EQ(e.task, 37);
      }
      EXPECT_EQ(ran.load(), 200) << threads << " threads";
      std::atomic<int> after{0};
      context.run(100, [&](int, int) { after.fetch_add(1); });
      EXPECT_EQ(after.load(), 100);
    }
  }
}

TEST(ExecutionContext, NestedRunIsRefused) {
  for (const int threads : {1, 2}) {
    ExecutionContext context(threads);
    std::atomic<int> refused{0};
    context.run(4, [&](int, int) {
      try {
        context.run(2, [](int, int) {});
      } catch (const std::logic_error&) {
        refused.fetch_add(1);
      }
    });
    EXPECT_EQ(refused.load(), 4);
    // Not even an empty loop may nest; a refused one leaves the outer intact.
    EXPECT_THROW(context.run(1, [&](int, int) { context.run(0, [](int, int) {}); }), std::logic_error);
    int ran = 0;
    context.run(3, [&](int, int) { ++ran; });
    EXPECT_EQ(ran, 3);
  }
}

TEST(ExecutionContext, RunFromAnotherThreadWhileALoopRunsIsRefused) {
  ExecutionContext context(2);
  std::atomic<bool> inside{false}, release{false};
  std::thread outer([&] {
    context.run(1, [&](int, int) {
      inside = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  while (!inside) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_THROW(context.run(2, [](int, int) {}), std::logic_error);
  release = true;
  outer.join();
  int ran = 0;
  context.run(2, [&](int, int) { ++ran; });  // on this thread's turn: the loop is over
  EXPECT_EQ(ran, 2);
}

// Idle workers sleep: a context that is not used costs no CPU time.
TEST(ExecutionContext, IdleWorkersSleep) {
  if (cores() < 2) GTEST_SKIP() << "one core: no workers";
  ExecutionContext context(0);
  context.run(context.size() * 4, [](int, int) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the polling
  const std::clock_t before = std::clock();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - before) / CLOCKS_PER_SEC;
  EXPECT_LT(cpu_ms, 20.0) << "the process used CPU while idle";
}

}  // namespace
