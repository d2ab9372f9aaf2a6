// `splattrack bench track --realistic` from the command line: its options,
// the skip when the real footage is absent, and a short run on the real
// footage (skipped without ../shared/data). The short run tracks one
// sequence with the photometric baseline only: the spectral tracker's
// recovery takes seconds per lost frame, too long for a test.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

TEST(CliBenchRealistic, OptionsAreChecked) {
  const fs::path dir = test::scratch_dir("usage");
  // The last one's message is read below.
  for (const std::string bad : {"bench render --realistic", "bench track --examples x", "bench track --methods spectral",
                                "bench track --realistic --frames 0", "bench track --realistic --sequences nope",
                                "bench track --realistic --trials 0", "bench track --trials 2",
                                "bench track --realistic --methods spectral,nope"})
    EXPECT_EQ(test::run_cli(bad, dir / "log"), 2) << bad;
  EXPECT_NE(test::read_text(dir / "log").find("spectral, spectral-bgsub, spectral-cuda, photometric"),
            std::string::npos);
  ASSERT_EQ(test::run_cli("bench --help", dir / "log"), 0);
  EXPECT_NE(test::read_text(dir / "log").find("--realistic"), std::string::npos);
}

// Runs `bench track --realistic ARGS --json` on the shared footage with
// examples in DIR/examples; the JSON list of rows (the one line of stdout;
// progress notes go to stderr), or null when the run failed.
nlohmann::json realistic_rows(const std::string& args, const fs::path& dir) {
  const std::string command = "bench track --realistic " + args + " --json --data " +
                              std::string(SPLATTRACK_SHARED_DATA) + " --examples " + (dir / "examples").string();
  if (test::run_cli(command, dir / "log") != 0) return nullptr;
  const std::string log = "\n" + test::read_text(dir / "log");
  const std::size_t start = log.find("\n[{");
  if (start == std::string::npos) return nullptr;
  return nlohmann::json::parse(log.substr(start + 1, log.find('\n', start + 1) - start - 1));
}

TEST(CliBenchRealistic, MissingFootageIsSkippedWithAMessage) {
  const fs::path dir = test::scratch_dir("nodata");
  ASSERT_EQ(test::run_cli("bench track --realistic --frames 5 --json --data " + dir.string(), dir / "log"), 0);
  const std::string log = test::read_text(dir / "log");
  EXPECT_NE(log.find("cube_video.mp4 not found"), std::string::npos) << log;
  EXPECT_NE(log.find("[]"), std::string::npos) << "no rows: " << log;
}

TEST(CliBenchRealistic, ShortRunGivesARowPerSequenceAndMethod) {
  const std::string data = SPLATTRACK_SHARED_DATA;
  if (!fs::is_regular_file(data + "/video/cube/cube_video.mp4")) GTEST_SKIP() << data << " absent";
  const fs::path dir = test::scratch_dir("short");
  const nlohmann::json rows = realistic_rows("--frames 5 --sequences object-moderate --methods photometric", dir);
  ASSERT_TRUE(rows.is_array()) << test::read_text(dir / "log");
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["sequence"], "object-moderate");
  EXPECT_EQ(rows[1]["sequence"], "all");
  for (const auto& row : rows) {
    EXPECT_EQ(row["bench"], "track");
    EXPECT_EQ(row["scene"], "realistic");
    EXPECT_EQ(row["method"], "photometric");
    EXPECT_EQ(row["frames"], 5);
    EXPECT_EQ(row["width"], 640);
    EXPECT_EQ(row["height"], 480);
    EXPECT_GE(row["within_5deg_5pct"].get<double>(), 0);
    EXPECT_LE(row["within_5deg_5pct"].get<double>(), 100);
    EXPECT_GE(row["median_rot_deg"].get<double>(), 0);
    EXPECT_GE(row["mean_trans_pct"].get<double>(), 0);
    EXPECT_GE(row["lost_frames"].get<double>(), 0);
    EXPECT_LE(row["lost_frames"].get<double>(), 5);
    EXPECT_GT(row["median_ms_per_frame"].get<double>(), 0);
  }
  EXPECT_TRUE(fs::exists(dir / "examples" / "object-moderate_0.png"));
}

// Trials pool into one row per sequence, each trial with its own frames
// (a different seed: not the same run twice) and examples.
TEST(CliBenchRealistic, TrialsPoolIntoOneRowPerSequence) {
  const std::string data = SPLATTRACK_SHARED_DATA;
  if (!fs::is_regular_file(data + "/video/cube/cube_video.mp4")) GTEST_SKIP() << data << " absent";
  const fs::path dir = test::scratch_dir("trials");
  const nlohmann::json rows =
      realistic_rows("--frames 2 --trials 2 --sequences object-moderate --methods photometric", dir);
  ASSERT_TRUE(rows.is_array()) << test::read_text(dir / "log");
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["sequence"], "object-moderate");
  EXPECT_EQ(rows[0]["frames"], 4);
  EXPECT_EQ(rows[0]["trials"], 2);
  EXPECT_LE(rows[0]["worst_trial_pct"].get<double>(), rows[0]["best_trial_pct"].get<double>());
  EXPECT_EQ(rows[1]["frames"], 4);
  const std::string truth0 = test::read_text(dir / "examples" / "object-moderate_t0_truth.csv");
  const std::string truth1 = test::read_text(dir / "examples" / "object-moderate_t1_truth.csv");
  EXPECT_FALSE(truth0.empty());
  EXPECT_NE(truth0, truth1);
  EXPECT_TRUE(fs::exists(dir / "examples" / "object-moderate_t1_0.png"));
}

}  // namespace
}  // namespace splattrack
