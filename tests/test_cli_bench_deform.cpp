// `splattrack bench track --deform` from the command line: the case and
// method names it checks, and one short case from a start 1.5 object sizes
// to the side (no overlap), which the spectral tracker must find.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

TEST(CliBenchDeform, NamesAreChecked) {
  const fs::path dir = test::scratch_dir("bench_deform_usage");
  EXPECT_EQ(test::run_cli("bench track --deform --methods nope", dir / "log"), 2);
  EXPECT_NE(test::read_text(dir / "log").find("spectral, photometric"), std::string::npos);
  EXPECT_EQ(test::run_cli("bench track --deform --sequences nope", dir / "log"), 2);
  EXPECT_NE(test::read_text(dir / "log").find("bend-apart"), std::string::npos);
  EXPECT_EQ(test::run_cli("bench track --sequences bend", dir / "log"), 2);
}

// Measured (20 frames): mean error 0.047 object sizes, the photometric
// baseline's 0.47 (it never reaches the object).
TEST(CliBenchDeform, ABendStartedWithoutOverlapIsFound) {
  const fs::path dir = test::scratch_dir("bench_deform_run");
  ASSERT_EQ(test::run_cli("bench track --deform --frames 7 --threads 2 --sequences bend-apart --methods spectral --json",
                          dir / "log"),
            0)
      << test::read_text(dir / "log");
  const std::string log = "\n" + test::read_text(dir / "log");
  const std::size_t start = log.find("\n[{");
  ASSERT_NE(start, std::string::npos) << log;
  const nlohmann::json rows = nlohmann::json::parse(log.substr(start + 1, log.find('\n', start + 1) - start - 1));
  // A CUDA row follows the CPU's where a device passes the checks auto makes.
  const bool gpu = cuda_self_check().passed && losses::cuda_moments_check().passed;
  ASSERT_EQ(rows.size(), gpu ? 2u : 1u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["scene"], "bend-apart");
    EXPECT_EQ(rows[i]["method"], "spectral");
    EXPECT_EQ(rows[i]["device"], i == 0 ? "cpu" : "cuda");
    EXPECT_LT(rows[i]["mean_error"].get<double>(), 0.1);
    EXPECT_GT(rows[i]["mean_iou"].get<double>(), 0.85);
  }
  if (!gpu) {
    EXPECT_NE(log.find("CPU rows only"), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace splattrack
