// `splattrack track --overlay` end to end, through the built binary: the
// overlay video holds one frame per tracked frame at the frames' size and
// rate, only the finished video carries the name overlay.mp4, and a resumed
// run draws the frames it continues after again, so that the overlay covers
// the whole run whatever an earlier run left.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;
using test::read_text;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

inline constexpr int kFrames = 6;
inline constexpr int kSize = 64;

class CliOverlay : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::scratch_dir("overlay");
    const fs::path data = root_ / "data";
    ASSERT_EQ(run_cli("synth --out " + data.string() + " --frames " + std::to_string(kFrames) + " --size " +
                          std::to_string(kSize) + "," + std::to_string(kSize) +
                          " --gaussians 2000 --misalign 0.1 10 --no-video --threads 1",
                      root_ / "synth.log"),
              0)
        << read_text(root_ / "synth.log");
    track_ = "track --model " + (data / "model.ply").string() + " --camera " + (data / "camera.json").string() +
             " --video " + (data / "frames").string() + " --init-pose " + (data / "init_pose.json").string() +
             " --iterations 60 --track-iterations 10 --no-recover --threads 1 --quiet --overlay --out ";
  }
  void TearDown() override { fs::remove_all(root_); }
  // (--no-recover: what is drawn is under test here, not how well it tracks,
  // and the recovery of a first frame costs seconds.)

  // Runs track into `out` with `extra` arguments; expects success.
  void track(const fs::path& out, const std::string& extra = "") {
    const fs::path log = root_ / "track.log";
    ASSERT_EQ(run_cli(track_ + out.string() + " " + extra, log), 0) << read_text(log);
  }

  fs::path root_;
  std::string track_;
};

}  // namespace

TEST_F(CliOverlay, OneVideoFramePerTrackedFrame) {
  const fs::path out = root_ / "run";
  track(out);
  const test::DecodedVideo d = test::decode_video(out / "overlay.mp4");
  EXPECT_EQ(d.frames, kFrames);
  EXPECT_EQ(d.width, kSize);
  EXPECT_EQ(d.height, kSize);
  EXPECT_NEAR(d.fps, 30.0, 0.01);  // an image folder's default rate
  EXPECT_FALSE(fs::exists(out / "overlay.partial.mp4"));
  const auto run = nlohmann::json::parse(read_text(out / "run.json"));
  EXPECT_EQ(run["settings"]["overlay"], true);
  EXPECT_GT(run["summary"]["overlay_median_ms_per_frame"].get<double>(), 0.0);

  const fs::path plain = root_ / "plain";
  const fs::path log = root_ / "plain.log";
  std::string without = track_;
  without.replace(without.find(" --overlay"), std::string(" --overlay").size(), "");
  ASSERT_EQ(run_cli(without + plain.string() + " --max-frames 1", log), 0) << read_text(log);
  EXPECT_FALSE(fs::exists(plain / "overlay.mp4"));
  EXPECT_EQ(nlohmann::json::parse(read_text(plain / "run.json"))["settings"]["overlay"], false);
}

// A run stopped after 2 frames leaves a 2-frame overlay; one killed outright
// during the resumed run would leave an unfinished overlay.partial.mp4 (here:
// garbage) beside it. Resuming draws frames 0-1 again and continues.
TEST_F(CliOverlay, ResumedRunCoversTheWholeRun) {
  const fs::path out = root_ / "run";
  track(out, "--max-frames 2");
  EXPECT_EQ(test::decode_video(out / "overlay.mp4").frames, 2);
  std::ofstream(out / "overlay.partial.mp4") << "what a killed run left";

  track(out, "--resume");
  ASSERT_EQ(io::read_poses_csv((out / "poses.csv").string()).size(), static_cast<std::size_t>(kFrames));
  const test::DecodedVideo d = test::decode_video(out / "overlay.mp4");
  EXPECT_EQ(d.frames, kFrames);
  EXPECT_EQ(d.width, kSize);
  EXPECT_FALSE(fs::exists(out / "overlay.partial.mp4"));
}
