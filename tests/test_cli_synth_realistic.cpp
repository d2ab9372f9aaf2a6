// `splattrack synth` over real footage and with the realism options, through
// the built binary: RGB frames without alpha and truth masks over a footage
// folder, the footage frame each dataset frame lies over, the made-up
// backgrounds unchanged (RGBA, no masks), and bad options refused before
// anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "cli_test_util.hpp"
#include "splattrack/io/image_write.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

inline constexpr int kFootageFrames = 4;

// Footage of uniform frames, each its own colour (80x60: scaled by 0.8 to
// cover 64x48, so a colour stays that colour).
std::array<float, 3> footage_colour(int k) { return {0.1f + 0.2f * k, 0.8f - 0.15f * k, 0.3f}; }

fs::path make_footage(const fs::path& dir) {
  const fs::path footage = dir / "footage";
  fs::create_directories(footage);
  for (int k = 0; k < kFootageFrames; ++k) {
    std::vector<float> rgb(80 * 60 * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = footage_colour(k)[i % 3];
    io::write_image((footage / ("bg" + std::to_string(k) + ".png")).string(), 80, 60, rgb.data());
  }
  return footage;
}

std::string synth(const fs::path& out, const std::string& extra) {
  return "synth --out " + out.string() + " --frames 3 --size 64,48 --gaussians 2000 --no-video --threads 2 " + extra;
}

TEST(CliSynthRealistic, OverFootageFramesAreRgbAndMasksAreTheVisibleObject) {
  const fs::path dir = test::scratch_dir("footage");
  const fs::path footage = make_footage(dir);
  const fs::path out = dir / "data";
  ASSERT_EQ(test::run_cli(synth(out, "--seed 4 --background " + footage.string() + " --occluder 0.3"), dir / "log"),
            0)
      << test::read_text(dir / "log");
  const nlohmann::json scene = nlohmann::json::parse(test::read_text(out / "scene.json"));
  const int offset = scene.at("background_offset").get<int>();
  EXPECT_EQ(scene.at("masks"), "truth/masks");
  for (int f = 0; f < 3; ++f) {
    char name[16];
    std::snprintf(name, sizeof name, "%06d.png", f);
    const cv::Mat frame = cv::imread((out / "frames" / name).string(), cv::IMREAD_UNCHANGED);
    const cv::Mat mask = cv::imread((out / "truth" / "masks" / name).string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(frame.channels(), 3) << "frame " << f << ": no alpha over footage";
    ASSERT_EQ(mask.channels(), 1) << "frame " << f;
    ASSERT_EQ(frame.size(), cv::Size(64, 48));
    ASSERT_EQ(mask.size(), cv::Size(64, 48));
    EXPECT_GT(cv::countNonZero(mask > 128), 50) << "frame " << f << ": the object is in the mask";
    EXPECT_EQ(mask.at<unsigned char>(0, 0), 0);
    // The corner shows footage frame (f + offset) mod its length (OpenCV: BGR).
    const auto colour = footage_colour((f + offset) % kFootageFrames);
    const cv::Vec3b corner = frame.at<cv::Vec3b>(0, 0);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(corner[2 - c], 255 * colour[static_cast<std::size_t>(c)], 1.0) << f;
  }
  // A glob of the same frames works too.
  ASSERT_EQ(test::run_cli(synth(dir / "glob", "--background '" + (footage / "bg*.png").string() + "'"), dir / "log"), 0)
      << test::read_text(dir / "log");
  EXPECT_TRUE(fs::exists(dir / "glob" / "truth" / "masks" / "000002.png"));
}

TEST(CliSynthRealistic, MadeUpBackgroundsStayRgbaWithoutMaskFiles) {
  const fs::path dir = test::scratch_dir("plain");
  ASSERT_EQ(test::run_cli(synth(dir / "data", "--background clutter --lighting 1 --motion-blur 0.5 --occluder 0.2"),
                          dir / "log"),
            0)
      << test::read_text(dir / "log");
  const cv::Mat frame = cv::imread((dir / "data" / "frames" / "000000.png").string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(frame.channels(), 4);
  EXPECT_FALSE(fs::exists(dir / "data" / "truth" / "masks"));
}

TEST(CliSynthRealistic, BadOptionsAreRefused) {
  const fs::path dir = test::scratch_dir("bad");
  const fs::path out = dir / "data";
  for (const std::string bad : {"--background nowhere", "--occluder 0.5", "--lighting -1", "--motion-blur 2",
                                "--lighting much"}) {
    EXPECT_EQ(test::run_cli(synth(out, bad), dir / "log"), 2) << bad;
  }
  EXPECT_NE(test::read_text(dir / "log").find("--lighting"), std::string::npos);
  // A file that is no video: one message naming it, exit 1.
  const std::string fake = (dir / "fake.mp4").string();
  std::ofstream(fake) << "not a video";
  EXPECT_EQ(test::run_cli(synth(out, "--background " + fake), dir / "log"), 1);
  EXPECT_NE(test::read_text(dir / "log").find(fake), std::string::npos) << test::read_text(dir / "log");
  EXPECT_FALSE(fs::exists(out / "model.ply")) << "nothing is written before the footage is read";
}

}  // namespace
}  // namespace splattrack
