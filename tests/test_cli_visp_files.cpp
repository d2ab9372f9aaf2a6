// A ViSP user's files through the command line: its tracker settings as the
// camera (no image size: the frames give it) and its pose vectors as poses.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/core/eigen.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <tuple>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;

namespace {

namespace fs = std::filesystem;

// A two-frame synthetic clip and its camera.json.
struct Clip {
  fs::path dir = test::scratch_dir("visp_clip");
  Clip() {
    const std::string args =
        "synth --out " + (dir / "d").string() + " --frames 2 --size 96,72 --gaussians 800 --no-video";
    EXPECT_EQ(test::run_cli(args, dir / "synth.log"), 0) << test::read_text(dir / "synth.log");
  }
  std::string model() const { return (dir / "d" / "model.ply").string(); }
  std::string camera() const { return (dir / "d" / "camera.json").string(); }
  std::string frames() const { return (dir / "d" / "frames").string(); }
};

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Every digit a double needs to read back as itself.
std::string exact(double value) {
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

}  // namespace

// The clip's camera written as ViSP's tracker settings (<conf>, no size) and
// its first true pose as a pose vector (cMo), and as one of two cameras of a
// calibration XML: track gives the same poses as from camera.json and the
// pose JSON.
TEST(CliVisp, TrackerSettingsAndAPoseVectorStartATrack) {
  const Clip clip;
  const Camera camera = io::read_camera(clip.camera());
  const fs::path settings = clip.dir / "mbt.xml";
  write_text(settings, "<?xml version=\"1.0\"?>\n<conf><camera><u0>" + exact(camera.cx) + "</u0><v0>" +
                           exact(camera.cy) + "</v0><px>" + exact(camera.fx) + "</px><py>" + exact(camera.fy) +
                           "</py></camera></conf>\n");
  ASSERT_EQ(io::read_camera(settings.string(), io::ImageSize{camera.width, camera.height}).cy, camera.cy);
  const RigidPose truth =
      io::read_poses_csv((clip.dir / "d" / "truth" / "poses.csv").string()).front().world_from_model;
  const Eigen::AngleAxisd turn(truth.rotation);
  const Eigen::Vector3d theta_u = turn.angle() * turn.axis();
  const fs::path vector = clip.dir / "object.0.pos";
  write_text(vector, exact(truth.translation.x()) + "\n" + exact(truth.translation.y()) + "\n" +
                         exact(truth.translation.z()) + "\n" + exact(theta_u.x()) + "\n" + exact(theta_u.y()) +
                         "\n" + exact(theta_u.z()) + "\n");
  io::write_pose((clip.dir / "truth0.json").string(), truth);
  const auto track = [&](const std::string& camera_file, const fs::path& pose, const std::string& name) {
    const fs::path out = clip.dir / name;
    EXPECT_EQ(test::run_cli("track --model " + clip.model() + " --camera " + camera_file + " --video " +
                                clip.frames() + " --init-pose " + pose.string() + " --out " + out.string() +
                                " --threads 2 --quiet --max-frames 2",
                            clip.dir / (name + ".log")),
              0)
        << test::read_text(clip.dir / (name + ".log"));
    return io::read_poses_csv((out / "poses.csv").string());
  };
  // A calibration of two cameras, the clip's second: the frames' size picks it.
  const fs::path calibration = clip.dir / "cameras.xml";
  write_text(calibration, "<root><camera><name>vga</name><image_width>640</image_width><image_height>480"
                          "</image_height><model><type>perspectiveProjWithoutDistortion</type><px>500</px><py>500"
                          "</py><u0>320</u0><v0>240</v0></model></camera><camera><name>clip</name><image_width>" +
                              std::to_string(camera.width) + "</image_width><image_height>" +
                              std::to_string(camera.height) + "</image_height><model><type>"
                              "perspectiveProjWithoutDistortion</type><px>" + exact(camera.fx) + "</px><py>" +
                              exact(camera.fy) + "</py><u0>" + exact(camera.cx) + "</u0><v0>" + exact(camera.cy) +
                              "</v0></model></camera></root>\n");
  const auto ours = track(clip.camera(), clip.dir / "truth0.json", "ours");
  for (const auto& [file, pose, name] : {std::tuple{settings, vector, "settings"},
                                         std::tuple{calibration, clip.dir / "truth0.json", "calibration"}}) {
    const auto visp = track(file.string(), pose, name);
    ASSERT_EQ(ours.size(), 2u);
    ASSERT_EQ(visp.size(), 2u) << name;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_LT(rotation_error_deg(visp[i].world_from_model, ours[i].world_from_model), 1e-6) << name << " " << i;
      EXPECT_LT(translation_error(visp[i].world_from_model, ours[i].world_from_model), 1e-9) << name << " " << i;
    }
  }
}

// A camera file that cannot be read is named before the video is opened.
TEST(CliVisp, ABadCameraIsNamedBeforeTheVideo) {
  const Clip clip;
  const fs::path camera = clip.dir / "camera.xml";
  write_text(camera, "<conf><camera><u0>1</u0></camera></conf>");
  const fs::path log = clip.dir / "log";
  EXPECT_EQ(test::run_cli("track --model " + clip.model() + " --camera " + camera.string() + " --video " +
                              (clip.dir / "no_such_video.mp4").string() + " --out " + (clip.dir / "out").string(),
                          log),
            1);
  const std::string text = test::read_text(log);
  EXPECT_NE(text.find(camera.string() + ": ViSP camera: missing <px>"), std::string::npos) << text;
}

// `render --pose` takes a pose vector as the object in the camera's frame:
// with a camera placed in a world, the same image as the JSON of
// world_from_camera · cMo, worked out here by matrices.
TEST(CliVisp, RenderTakesAPoseVectorThroughTheCamerasWorld) {
  const Clip clip;
  const fs::path dir = clip.dir;
  Eigen::Matrix4d cam_from_world = Eigen::Matrix4d::Identity();
  cam_from_world.topLeftCorner<3, 3>() = Eigen::AngleAxisd(0.3, Eigen::Vector3d(0, 1, 0)).toRotationMatrix();
  cam_from_world.topRightCorner<3, 1>() = Eigen::Vector3d(0.2, -0.1, 1);
  Camera posed = io::read_camera(clip.camera());
  posed.cam_from_world = cam_from_world;
  const fs::path camera = dir / "posed_camera.json";
  io::write_camera_json(camera.string(), posed);
  // cMo: 4 units ahead, turned by θu = (0.3, -0.5, 0.2).
  const fs::path vector = dir / "object.0.pos";
  write_text(vector, "0.01 -0.02 4 0.3 -0.5 0.2\n");
  cv::Mat r;
  cv::Rodrigues(cv::Vec3d(0.3, -0.5, 0.2), r);
  Eigen::Matrix3d rotation;
  cv::cv2eigen(r, rotation);
  Eigen::Matrix4d cam_from_model = Eigen::Matrix4d::Identity();
  cam_from_model.topLeftCorner<3, 3>() = rotation;
  cam_from_model.topRightCorner<3, 1>() = Eigen::Vector3d(0.01, -0.02, 4);
  const Eigen::Matrix4d world_from_model = cam_from_world.inverse() * cam_from_model;
  RigidPose expected;
  expected.rotation = Eigen::Quaterniond(Eigen::Matrix3d(world_from_model.topLeftCorner<3, 3>()));
  expected.translation = world_from_model.topRightCorner<3, 1>();
  io::write_pose((dir / "expected.json").string(), expected);
  for (const std::string& pose : {vector.string(), (dir / "expected.json").string()})
    ASSERT_EQ(test::run_cli("render --model " + clip.model() + " --camera " + camera.string() + " --pose " + pose +
                                " --out " + (dir / (fs::path(pose).extension().string().substr(1) + ".png")).string(),
                            dir / "render.log"),
              0)
        << test::read_text(dir / "render.log");
  const cv::Mat from_vector = cv::imread((dir / "pos.png").string(), cv::IMREAD_UNCHANGED);
  const cv::Mat from_json = cv::imread((dir / "json.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(from_vector.empty());
  ASSERT_EQ(from_vector.size(), from_json.size());
  // The same image up to the last bits of the two ways to the pose; and the
  // object in view (a tenth of the pixels or more differ from the corner's).
  cv::Mat difference;
  cv::absdiff(from_vector, from_json, difference);
  double largest = 0;
  cv::minMaxLoc(difference.reshape(1), nullptr, &largest);
  EXPECT_LE(largest, 1);
  cv::Mat differs;
  cv::compare(from_vector.reshape(1), cv::Scalar(from_vector.reshape(1).at<unsigned char>(0, 0)), differs, cv::CMP_NE);
  EXPECT_GT(cv::countNonZero(differs), static_cast<int>(from_vector.total()) / 10);
}
