// `splattrack track --resume` end to end, through the built binary: a run
// killed in the middle of writing a row (simulated by stopping after a few
// frames and cutting poses.csv's last line in half) and then resumed must give
// every frame once, in order, with the poses of one uninterrupted run, and a
// run.json that agrees with poses.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>

#include "io_test_util.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;
namespace fs = std::filesystem;

namespace {

inline constexpr int kFrames = 6;
inline constexpr int kStopAfter = 3;  // the killed run wrote frames 0-2, the last one half
// Both runs are the same binary on the same input with one thread, hence
// deterministic. The resumed tracker's warm start comes back from poses.csv,
// whose shortest round-trip decimals give the same doubles, but moving the
// pose to the model centre and back and renormalising its quaternion may
// change it in the last bit (~1e-16). The renderer works in float (~1e-7), so
// that can at most flip a float rounding, which a few dozen Adam steps do not
// grow anywhere near these bounds (measured: the poses are bitwise equal).
// Resuming with a first-frame alignment from the last pose instead ends
// 0.09-0.17 rad and 0.06 object sizes off.
inline constexpr double kRotationToleranceRad = 1e-6;
inline constexpr double kTranslationTolerance = 1e-6;  // object sizes (the procedural object's diameter is 1)

// Runs `splattrack ARGS`, stdout and stderr into `log`; returns the exit code.
int run_cli(const std::string& args, const fs::path& log) {
  const std::string command = std::string(SPLATTRACK_BINARY) + " " + args + " > " + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Angle between two rotations, accurate near zero (unlike acos of a dot product).
double rotation_gap_rad(const RigidPose& a, const RigidPose& b) {
  const Eigen::Quaterniond d = a.rotation.normalized().conjugate() * b.rotation.normalized();
  return 2 * std::asin(std::min(1.0, d.vec().norm()));
}

}  // namespace

TEST(CliTrackResume, ResumedRunMatchesOneRun) {
  const fs::path root = test::scratch_path("resume");
  fs::remove_all(root);
  fs::create_directories(root);
  const fs::path data = root / "data";
  ASSERT_EQ(run_cli("synth --out " + data.string() + " --frames " + std::to_string(kFrames) +
                        " --size 64,64 --gaussians 2000 --misalign 0.1 10 --no-video --threads 1",
                    root / "synth.log"),
            0)
      << read_text(root / "synth.log");
  const std::string track = "track --model " + (data / "model.ply").string() + " --camera " +
                            (data / "camera.json").string() + " --video " + (data / "frames").string() +
                            " --init-pose " + (data / "init_pose.json").string() +
                            " --iterations 60 --track-iterations 10 --threads 1 --quiet --out ";

  const fs::path whole = root / "whole";
  ASSERT_EQ(run_cli(track + whole.string(), root / "whole.log"), 0) << read_text(root / "whole.log");
  const auto expected = io::read_poses_csv((whole / "poses.csv").string());
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kFrames));

  const fs::path killed = root / "killed";
  ASSERT_EQ(run_cli(track + killed.string() + " --max-frames " + std::to_string(kStopAfter), root / "killed.log"),
            0)
      << read_text(root / "killed.log");
  const fs::path csv = killed / "poses.csv";
  const std::string text = read_text(csv);
  const std::size_t last_line = text.rfind('\n', text.size() - 2) + 1;
  fs::resize_file(csv, last_line + (text.size() - last_line) / 2);

  const fs::path resume_log = root / "resume.log";
  ASSERT_EQ(run_cli(track + killed.string() + " --resume", resume_log), 0) << read_text(resume_log);
  const std::string log = read_text(resume_log);
  EXPECT_NE(log.find("warning: " + csv.string() + ": line " + std::to_string(kStopAfter + 1) + ":"),
            std::string::npos)
      << log;

  const auto rows = io::read_poses_csv(csv.string());
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kFrames));
  for (int f = 0; f < kFrames; ++f) {
    const RigidPose& got = rows[f].world_from_model;
    const RigidPose& want = expected[f].world_from_model;
    EXPECT_EQ(rows[f].frame, f);
    EXPECT_LT(rotation_gap_rad(got, want), kRotationToleranceRad) << "frame " << f;
    EXPECT_LT((got.translation - want.translation).norm(), kTranslationTolerance) << "frame " << f;
  }

  const auto run = nlohmann::json::parse(read_text(killed / "run.json"));
  EXPECT_EQ(run["settings"]["resume_after"], kStopAfter - 2);
  EXPECT_EQ(run["summary"]["frames"], kFrames);
  int lost = 0;
  for (const auto& r : rows) lost += r.status == TrackStatus::lost;
  EXPECT_EQ(run["summary"]["lost_frames"], lost);
  fs::remove_all(root);
}
