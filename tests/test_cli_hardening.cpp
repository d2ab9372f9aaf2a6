// The command line under a careless user and a hostile environment (issue #8):
// bad --threads / --max-frames, a typo on a finished run, two runs on one
// folder, a full disk, SIGINT/SIGTERM. Every case: one clear message, the
// conventional exit code, nothing already written lost or half written.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/output_lock.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/render/cuda.hpp"

extern char** environ;

using namespace splattrack;
using test::read_text;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

inline constexpr int kFrames = 60;

class CliHardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("splattrack_cli_hardening_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    synth_rc_ = run_cli("synth --out " + data().string() + " --frames " + std::to_string(kFrames) +
                            " --size 64,64 --gaussians 2000 --misalign 0.05 5 --no-video --threads 1",
                        root_ / "synth.log");
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }
  void SetUp() override { ASSERT_EQ(synth_rc_, 0) << read_text(root_ / "synth.log"); }

  static fs::path data() { return root_ / "data"; }
  static std::vector<std::string> track_args(const fs::path& out, const std::string& video) {
    return {"track", "--model", (data() / "model.ply").string(), "--camera", (data() / "camera.json").string(),
            "--video", video, "--init-pose", (data() / "init_pose.json").string(), "--iterations", "30",
            "--track-iterations", "10", "--threads", "1", "--quiet", "--out", out.string()};
  }
  static std::string track(const fs::path& out, const std::string& video = (data() / "frames").string()) {
    std::string line;
    for (const std::string& a : track_args(out, video)) line += a + " ";
    return line;
  }

  static fs::path root_;
  static int synth_rc_;
};

fs::path CliHardening::root_;
int CliHardening::synth_rc_ = -1;

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_text{SPLATTRACK_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits (at most ~60 s) until `csv` holds at least `rows` rows.
bool wait_for_rows(const fs::path& csv, std::size_t rows) {
  for (int i = 0; i < 6000; ++i) {
    const std::string text = read_text(csv);
    if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= rows + 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

// R1 and the message row: --threads -3 was exit 1 from deep inside the
// renderer; --threads 100000 created 32k threads.
// --device (issue 12): a bad value is a usage error; cuda without a usable
// GPU is one line saying why, exit 1, nothing written; auto records what it
// chose, and why the CPU, in run.json.
TEST_F(CliHardening, DeviceIsCheckedRecordedAndCudaWithoutAGpuFailsSayingWhy) {
  const fs::path log = root_ / "device.log";
  const std::string render = "render --model " + (data() / "model.ply").string() + " --camera " +
                             (data() / "camera.json").string() + " --out ";
  EXPECT_EQ(run_cli(render + (root_ / "d0.png").string() + " --device gpu", log), 2);
  EXPECT_NE(read_text(log).find("--device must be cpu, cuda or auto"), std::string::npos) << read_text(log);

  const bool gpu = splattrack::cuda_device().available;
  EXPECT_EQ(run_cli(render + (root_ / "d1.png").string() + " --device cuda", log), gpu ? 0 : 1) << read_text(log);
  EXPECT_EQ(fs::exists(root_ / "d1.png"), gpu);
  if (!gpu) {
    EXPECT_EQ(read_text(log), "splattrack render: --device cuda: " + splattrack::cuda_device().reason + "\n");
  }
  EXPECT_EQ(run_cli(render + (root_ / "d2.png").string() + " --device auto", log), 0) << read_text(log);
  EXPECT_TRUE(fs::exists(root_ / "d2.png"));

  if (!gpu) {
    const fs::path cuda_out = root_ / "device_cuda";
    EXPECT_EQ(run_cli(track(cuda_out) + " --device cuda --max-frames 1", log), 1);
    EXPECT_EQ(read_text(log), "splattrack track: --device cuda: " + splattrack::cuda_device().reason + "\n");
    EXPECT_FALSE(fs::exists(cuda_out));
  }
  const fs::path auto_out = root_ / "device_auto";
  ASSERT_EQ(run_cli(track(auto_out) + " --max-frames 1", log), 0) << read_text(log);
  const auto run = nlohmann::json::parse(read_text(auto_out / "run.json"));
  const bool on_gpu = splattrack::cuda_self_check().passed;
  EXPECT_EQ(run["settings"]["device"]["used"], on_gpu ? "cuda" : "cpu");
  EXPECT_EQ(run["settings"]["device"]["requested"], "auto");
  if (!on_gpu) {
    EXPECT_FALSE(run["settings"]["device"]["note"].get<std::string>().empty());
  }
}

TEST_F(CliHardening, ThreadCountIsCheckedAndCapped) {
  const fs::path log = root_ / "threads.log";
  EXPECT_EQ(run_cli(track(root_ / "threads") + " --threads -3", log), 2);
  EXPECT_NE(read_text(log).find("--threads"), std::string::npos) << read_text(log);
  EXPECT_EQ(run_cli("render --model " + (data() / "model.ply").string() + " --camera " +
                        (data() / "camera.json").string() + " --threads -1 --out " + (root_ / "r.png").string(),
                    log),
            2);
  EXPECT_EQ(run_cli("render --model " + (data() / "model.ply").string() + " --camera " +
                        (data() / "camera.json").string() + " --threads 100000 --out " + (root_ / "r.png").string(),
                    log),
            0)
      << read_text(log);
  EXPECT_TRUE(fs::exists(root_ / "r.png"));
}

TEST_F(CliHardening, MaxFramesZeroIsAUsageError) {
  const fs::path log = root_ / "maxframes.log";
  EXPECT_EQ(run_cli(track(root_ / "maxframes") + " --max-frames 0", log), 2);
  EXPECT_NE(read_text(log).find("--max-frames must be >= 1"), std::string::npos) << read_text(log);
  EXPECT_EQ(run_cli(track(root_ / "optimiser") + " --track-optimiser sgd", log), 2);
  EXPECT_NE(read_text(log).find("--track-optimiser must be lm or adam"), std::string::npos) << read_text(log);
}

// D2: a re-run over a finished run truncated poses.csv before it checked the
// video: a typo destroyed the finished rows.
TEST_F(CliHardening, MistakesOnAFinishedRunKeepItsRows) {
  const fs::path out = root_ / "finished";
  const fs::path log = root_ / "finished.log";
  ASSERT_EQ(run_cli(track(out) + " --max-frames 3", log), 0) << read_text(log);
  const std::string rows = read_text(out / "poses.csv");
  const std::string run = read_text(out / "run.json");

  EXPECT_EQ(run_cli(track(out, (data() / "framez").string()), log), 1);
  EXPECT_NE(read_text(log).find("framez"), std::string::npos) << read_text(log);
  // A camera of another shape: the frames are the wrong size, and no scaling
  // of the intrinsics explains them.
  const fs::path camera = root_ / "camera80.json";
  std::string text = read_text(data() / "camera.json");
  text.replace(text.find("\"width\": 64"), 11, "\"width\": 80");
  std::ofstream(camera) << text;
  std::string wrong = track(out);
  wrong.replace(wrong.find((data() / "camera.json").string()), (data() / "camera.json").string().size(),
                camera.string());
  EXPECT_EQ(run_cli(wrong, log), 1);
  EXPECT_NE(read_text(log).find("the camera is calibrated at 80x64, another shape"), std::string::npos)
      << read_text(log);
  EXPECT_EQ(read_text(out / "poses.csv"), rows);
  EXPECT_EQ(read_text(out / "run.json"), run);
}

// D1: two runs on one --out interleaved their rows silently.
TEST_F(CliHardening, SecondRunOnTheSameFolderIsRefused) {
  const fs::path out = root_ / "busy";
  const fs::path log = root_ / "busy.log";
  const io::OutputLock held(out.string());
  EXPECT_EQ(run_cli(track(out), log), 1);
  EXPECT_NE(read_text(log).find("in use by another splattrack run (process " + std::to_string(::getpid())),
            std::string::npos)
      << read_text(log);
  EXPECT_FALSE(fs::exists(out / "poses.csv"));
}

// D3: on a full disk run.json was left empty and the run exited 0. Here the
// file size limit (1 KiB) plays the full disk: run.json (over 1 KiB) fails.
TEST_F(CliHardening, FullDiskIsAnErrorAndLeavesNoPartialFile) {
  const fs::path out = root_ / "full";
  const fs::path log = root_ / "full.log";
  EXPECT_EQ(run_cli(track(out) + " --max-frames 2", log, "trap '' XFSZ; ulimit -f 2;"), 1);
  EXPECT_NE(read_text(log).find((out / "run.json").string()), std::string::npos) << read_text(log);
  EXPECT_NE(read_text(log).find("disk full"), std::string::npos) << read_text(log);
  EXPECT_FALSE(fs::exists(out / "run.json"));
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  EXPECT_NO_THROW(io::read_poses_csv((out / "poses.csv").string()));
}

// Point 5: SIGINT / SIGTERM finish the frame in flight, flush, write the
// summary and exit 128 + signal; a second signal stops at once. Every row
// and run.json stay whole, and --overlay's video of the finished frames is
// closed and renamed into place.
TEST_F(CliHardening, SignalsStopAfterTheFrameInFlight) {
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    const fs::path out = root_ / ("signal" + std::to_string(signal));
    std::vector<std::string> args = track_args(out, (data() / "frames").string());
    args.push_back("--overlay");
    const pid_t pid = spawn(args, root_ / "signal.log");
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_for_rows(out / "poses.csv", 1));
    ASSERT_EQ(::kill(pid, signal), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << read_text(root_ / "signal.log");
    EXPECT_EQ(WEXITSTATUS(status), 128 + signal) << read_text(root_ / "signal.log");
    const auto rows = io::read_poses_csv((out / "poses.csv").string());
    EXPECT_GE(rows.size(), 1u);
    EXPECT_LT(rows.size(), static_cast<std::size_t>(kFrames));
    const auto run = nlohmann::json::parse(read_text(out / "run.json"));
    EXPECT_EQ(run["interrupted"], signal == SIGINT ? "SIGINT" : "SIGTERM");
    EXPECT_EQ(run["summary"]["frames"], rows.size());
    EXPECT_EQ(test::decode_video(out / "overlay.mp4").frames, static_cast<int>(rows.size()));
    EXPECT_FALSE(fs::exists(out / "overlay.partial.mp4"));
  }
}

TEST_F(CliHardening, SecondSignalStopsAtOnceLeavingWholeRows) {
  const fs::path out = root_ / "twice";
  const pid_t pid = spawn(track_args(out, (data() / "frames").string()), root_ / "twice.log");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_rows(out / "poses.csv", 1));
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGINT);  // may find it gone already, if the frame in flight was done
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) ||
              (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT))
      << status;
  EXPECT_NO_THROW(io::read_poses_csv((out / "poses.csv").string()));
  if (fs::exists(out / "run.json")) {
    EXPECT_NO_THROW(nlohmann::json::parse(read_text(out / "run.json")));
  }
}
