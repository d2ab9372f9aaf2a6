// What a run leaves in its output folder (issue #8 D1, D3): one writer per
// folder, and files that are complete or absent, never truncated.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "io_test_util.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/output_lock.hpp"

using namespace splattrack;
using test::read_text;
namespace fs = std::filesystem;

namespace {


// Files in `dir` whose name says they are a temporary of write_file_atomically.
int temporaries(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(".tmp-") != std::string::npos;
  return n;
}

}  // namespace

TEST(OutputLock, SecondHolderIsRefusedWithTheFirstOnesPid) {
  const fs::path dir = test::scratch_dir("locked");
  {
    const io::OutputLock first(dir.string());
    test::expect_input_error([&] { io::OutputLock second(dir.string()); }, dir.string(),
                             {"in use by another splattrack run", "process " + std::to_string(::getpid())});
  }
  // Released with its holder: the next run takes it.
  EXPECT_NO_THROW(io::OutputLock again(dir.string()));
  fs::remove_all(dir);
}

TEST(OutputLock, AnotherProcessHoldingItIsSeen) {
  const fs::path dir = test::scratch_dir("locked_child");
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const io::OutputLock held(dir.string());
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  test::expect_input_error([&] { io::OutputLock mine(dir.string()); }, dir.string(),
                           {"in use", "process " + std::to_string(child)});
  ASSERT_EQ(::write(release[1], &c, 1), 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_NO_THROW(io::OutputLock mine(dir.string()));
  fs::remove_all(dir);
}

TEST(OutputLock, StaleLockFileOfADeadRunIsTakenOver) {
  const fs::path dir = test::scratch_dir("stale");
  // What a SIGKILLed run leaves: the file with its pid, no lock held.
  std::ofstream(dir / io::kOutputLockName) << "999999999\n";
  EXPECT_NO_THROW(io::OutputLock taken(dir.string()));
  EXPECT_EQ(read_text(dir / io::kOutputLockName), std::to_string(::getpid()) + "\n");
  fs::remove_all(dir);
}

TEST(AtomicFile, WritesAndReplacesWholeFiles) {
  const fs::path dir = test::scratch_dir("atomic");
  const std::string path = (dir / "run.json").string();
  io::write_file_atomically(path, "first\n");
  EXPECT_EQ(read_text(path), "first\n");
  io::write_file_atomically(path, "second, longer\n");
  EXPECT_EQ(read_text(path), "second, longer\n");
  io::write_file_atomically(path, "");
  EXPECT_EQ(read_text(path), "");
  EXPECT_EQ(temporaries(dir), 0);
  fs::remove_all(dir);
}

// Issue #8 D3: a full disk left run.json empty with exit 0.
TEST(AtomicFile, FullDiskKeepsThePreviousFileAndSaysSo) {
  const fs::path dir = test::scratch_dir("full");
  const std::string path = (dir / "run.json").string();
  io::write_file_atomically(path, "complete\n");
  {
    test::FileSizeLimit limit(64);  // as a full disk: writes past 64 bytes fail
    test::expect_input_error([&] { io::write_file_atomically(path, std::string(1000, 'x')); }, path,
                             {"writing failed", "disk full"});
    test::expect_input_error(
        [&] {
          io::write_file_atomically(path, [](const std::string& temp) {
            std::ofstream out(temp);
            out << std::string(1000, 'y');
            out.close();
            if (!out) throw io::InputError(temp, "writing failed");
          });
        },
        path, {"writing failed"});
  }
  EXPECT_EQ(read_text(path), "complete\n");
  EXPECT_EQ(temporaries(dir), 0);
  test::expect_input_error([&] { io::write_file_atomically((dir / "no" / "f.json").string(), "x"); },
                           (dir / "no" / "f.json").string(), {"cannot open for writing"});
  fs::remove_all(dir);
}
