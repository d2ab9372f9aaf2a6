// ViSP's pose vector files through the command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/pose_io.hpp"

using namespace splattrack;
using test::write_file;

// `render --pose` draws the same image from a pose vector as from the pose
// JSON holding the same pose.
TEST(PoseVisp, RenderTakesAPoseVector) {
  namespace fs = std::filesystem;
  const fs::path dir = test::scratch_dir("render_pos");
  const std::string camera = write_file("camera.json", R"({"width":64,"height":48,"fx":60,"fy":60,"cx":31.5,"cy":23.5})");
  ASSERT_EQ(test::run_cli("synth --out " + (dir / "d").string() + " --frames 1 --size 64,48 --gaussians 500 --no-video",
                          dir / "synth.log"),
            0)
      << test::read_text(dir / "synth.log");
  const std::string vector = write_file("object.0.pos", "0.01 -0.02 4 0.3 -0.5 0.2\n");
  io::write_pose((dir / "same.json").string(), io::read_pose(vector));
  const std::string model = (dir / "d" / "model.ply").string();
  for (const std::string& pose : {vector, (dir / "same.json").string()})
    ASSERT_EQ(test::run_cli("render --model " + model + " --camera " + camera + " --pose " + pose + " --out " +
                                (dir / (fs::path(pose).extension().string().substr(1) + ".png")).string(),
                            dir / "render.log"),
              0)
        << test::read_text(dir / "render.log");
  EXPECT_EQ(test::read_text(dir / "pos.png"), test::read_text(dir / "json.png"));
  // and the object is in view: a tenth of the pixels or more differ from the corner's.
  const cv::Mat image = cv::imread((dir / "pos.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(image.empty());
  cv::Mat differs;
  cv::compare(image.reshape(1), cv::Scalar(image.reshape(1).at<unsigned char>(0, 0)), differs, cv::CMP_NE);
  EXPECT_GT(cv::countNonZero(differs), static_cast<int>(image.total()) / 10);
}
