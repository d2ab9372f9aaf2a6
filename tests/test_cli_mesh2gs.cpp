// `splattrack mesh2gs` from the command line: usage errors exit 2, bad mesh
// files exit 1 with one message naming the file, a good run writes a model
// that loads, the same bytes every time.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "distortion_test_util.hpp"
#include "mesh_test_util.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

std::string box_obj(const fs::path& dir) {
  return test::write_textured_obj(dir, "box", test::box_patches({0.2, 0.1, 0.1}), 2);
}

TEST(CliMesh2gs, UsageErrorsExitTwo) {
  const fs::path dir = test::scratch_dir("usage");
  EXPECT_EQ(test::run_cli("mesh2gs", dir / "log"), 2);
  EXPECT_NE(test::read_text(dir / "log").find("give one mesh file"), std::string::npos);
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir), dir / "log"), 2);  // no --out
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir) + " --out m.ply --gaussians many", dir / "log"), 2);
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir) + " --out m.ply --gaussians 0", dir / "log"), 2);
  EXPECT_EQ(test::run_cli("mesh2gs --help", dir / "log"), 0);
  EXPECT_NE(test::read_text(dir / "log").find("--gaussians"), std::string::npos);
}

TEST(CliMesh2gs, GoodRunWritesTheSameLoadableModelEveryTime) {
  const fs::path dir = test::scratch_dir("good");
  const std::string obj = box_obj(dir);
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "a.ply").string() + " --gaussians 3000", dir / "log"), 0)
      << test::read_text(dir / "log");
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "b.ply").string() + " --gaussians 3000", dir / "log"), 0);
  const GaussianModel model = io::read_gaussians((dir / "a.ply").string());
  EXPECT_NEAR(static_cast<double>(model.size()), 3000, 150);
  EXPECT_EQ(model.sh_degree, 0);
  EXPECT_EQ(test::read_text(dir / "a.ply"), test::read_text(dir / "b.ply"));
  EXPECT_FALSE(model.antialiased);
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "c.ply").string() + " --gaussians 3000 --antialiased",
                          dir / "log"),
            0);
  EXPECT_TRUE(io::read_gaussians((dir / "c.ply").string()).antialiased);
}

// Each bad file: exit 1, the path and the problem in the message.
void expect_refused(const fs::path& dir, const std::string& mesh, const std::string& words) {
  EXPECT_EQ(test::run_cli("mesh2gs " + mesh + " --out " + (dir / "m.ply").string(), dir / "log"), 1) << mesh;
  const std::string log = test::read_text(dir / "log");
  EXPECT_NE(log.find(mesh), std::string::npos) << log;
  EXPECT_NE(log.find(words), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir / "m.ply"));
}

TEST(CliMesh2gs, BadMeshesExitOneNamingTheFile) {
  const fs::path dir = test::scratch_dir("bad");
  expect_refused(dir, (dir / "missing.obj").string(), "not found");
  expect_refused(dir, (dir / "mesh.stl").string(), "unknown mesh extension");
  std::ofstream(dir / "points.obj") << "v 0 0 0\nv 1 0 0\nv 0 1 0\n";
  expect_refused(dir, (dir / "points.obj").string(), "no faces");
  // tinyobjloader reads "nan" as 0, but an overflowing number as infinity.
  std::ofstream(dir / "inf.obj") << "v 0 0 0\nv 1e400 0 0\nv 0 1 0\nf 1 2 3\n";
  expect_refused(dir, (dir / "inf.obj").string(), "vertex 1 has a non-finite coordinate");
  std::ofstream(dir / "nan.ply") << "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                                    "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
                                    "end_header\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n";
  expect_refused(dir, (dir / "nan.ply").string(), "vertex 1 has a non-finite coordinate");
  std::ofstream(dir / "flat.obj") << "v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\n";
  expect_refused(dir, (dir / "flat.obj").string(), "no triangle of the mesh has an area");
  std::ofstream(dir / "index.ply") << "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                                      "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
                                      "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n";
  expect_refused(dir, (dir / "index.ply").string(), "refers to vertex 7");
  std::ofstream(dir / "cloud.ply") << "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
                                      "property float z\nend_header\n0 0 0\n";
  expect_refused(dir, (dir / "cloud.ply").string(), "no 'face' element");
}

TEST(CliMesh2gs, MissingTextureWarnsAndUsesKd) {
  const fs::path dir = test::scratch_dir("notexture");
  const std::string obj = box_obj(dir);
  fs::remove(dir / "quadrants.png");
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "m.ply").string() + " --gaussians 500", dir / "log"), 0);
  const std::string log = test::read_text(dir / "log");
  EXPECT_NE(log.find("quadrants.png: texture file not found"), std::string::npos) << log;
  const GaussianModel model = io::read_gaussians((dir / "m.ply").string());
  for (float dc : model.sh) ASSERT_NEAR(dc * 0.28209479f + 0.5f, 0.5f, 1e-5f);  // the MTL's Kd 0.5
}

TEST(CliMesh2gs, PlyMeshWithVertexColoursAndADegenerateFace) {
  const fs::path dir = test::scratch_dir("ply");
  std::ofstream(dir / "quad.ply") << "ply\nformat ascii 1.0\nelement vertex 5\nproperty float x\nproperty float y\n"
                                     "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
                                     "element face 2\nproperty list uchar int vertex_indices\nend_header\n"
                                     "0 0 0 255 0 0\n1 0 0 255 0 0\n1 1 0 255 0 0\n0 1 0 255 0 0\n2 2 0 0 0 0\n"
                                     "4 0 1 2 3\n3 4 4 4\n";
  ASSERT_EQ(test::run_cli("mesh2gs " + (dir / "quad.ply").string() + " --out " + (dir / "m.ply").string() +
                              " --gaussians 400",
                          dir / "log"),
            0)
      << test::read_text(dir / "log");
  EXPECT_NE(test::read_text(dir / "log").find("1 triangles without an area"), std::string::npos);
  const GaussianModel model = io::read_gaussians((dir / "m.ply").string());
  EXPECT_NEAR(static_cast<double>(model.size()), 400, 40);
  for (std::size_t i = 0; i < model.size(); ++i) {
    ASSERT_NEAR(model.sh[3 * i] * 0.28209479f + 0.5f, 1.0f, 1e-5f);  // red
    ASSERT_NEAR(model.sh[3 * i + 1] * 0.28209479f + 0.5f, 0.0f, 1e-5f);
  }
}

// A frame of the box to colour from, and the files that say where it is:
// the pose, and the box's corners where the frame shows them (projected
// here), as a user picks them.
struct SeenBox {
  fs::path dir;
  std::string obj, camera, pose, points, frame;

  explicit SeenBox(const std::string& name) : dir(test::scratch_dir(name)) {
    obj = box_obj(dir);
    camera = (dir / "camera.json").string();
    std::ofstream(camera) << R"({"width": 160, "height": 120, "fx": 150, "fy": 150, "cx": 80, "cy": 60})";
    RigidPose p;
    p.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(0.6, Eigen::Vector3d(1, 2, 0.5).normalized()));
    p.translation = {0.01, -0.01, 0.5};
    pose = (dir / "pose.json").string();
    io::write_pose(pose, p);
    std::string model_pixels, corners;
    for (const double x : {-0.1, 0.1})
      for (const double y : {-0.05, 0.05}) {
        const Eigen::Vector3d c = p.apply({x, y, 0.05});
        const std::string comma = corners.empty() ? "" : ",";
        corners += comma + "[" + std::to_string(x) + "," + std::to_string(y) + ",0.05]";
        model_pixels += comma + "[" + std::to_string(150 * c.x() / c.z() + 80) + "," +
                        std::to_string(150 * c.y() / c.z() + 60) + "]";
      }
    points = test::write_file("points.json", R"({"model": [)" + corners + R"(], "pixels": [)" + model_pixels + "]}");
    const std::string model = (dir / "textured.ply").string();
    frame = (dir / "frame.png").string();
    if (test::run_cli("mesh2gs " + obj + " --out " + model + " --gaussians 3000", dir / "log") != 0 ||
        test::run_cli("render --model " + model + " --camera " + camera + " --pose " + pose + " --out " + frame,
                      dir / "log") != 0)
      ADD_FAILURE() << test::read_text(dir / "log");
  }
};

TEST(CliMesh2gs, ColourFromAFrameNeedsItsCameraAndThePose) {
  const SeenBox box("colour_usage");
  const std::string base = "mesh2gs " + box.obj + " --out " + (box.dir / "m.ply").string() + " --gaussians 3000";
  for (const std::string& bad :
       {base + " --colour-from " + box.frame, base + " --colour-from " + box.frame + " --camera " + box.camera,
        base + " --colour-from " + box.frame + " --camera " + box.camera + " --pose " + box.pose + " --points " +
            box.points,
        base + " --camera " + box.camera, base + " --threads 1"})
    EXPECT_EQ(test::run_cli(bad, box.dir / "log"), 2) << bad << "\n" << test::read_text(box.dir / "log");
  EXPECT_EQ(test::run_cli(base + " --colour-frame -1 --colour-from " + box.frame + " --camera " + box.camera +
                              " --pose " + box.pose,
                          box.dir / "log"),
            2);
  EXPECT_NE(test::read_text(box.dir / "log").find("--colour-frame must be a frame index"), std::string::npos)
      << test::read_text(box.dir / "log");
  EXPECT_FALSE(fs::exists(box.dir / "m.ply"));
  // Three points: no PnP. Exit 1, naming the file; nothing written.
  const std::string three = test::write_file("three.json", R"({"model": [[0,0,0],[1,0,0],[0,1,0]],
                                                              "pixels": [[1,1],[2,1],[1,2]]})");
  EXPECT_EQ(test::run_cli(base + " --colour-from " + box.frame + " --camera " + box.camera + " --points " + three,
                          box.dir / "log"),
            1);
  EXPECT_NE(test::read_text(box.dir / "log").find(three + ": "), std::string::npos) << test::read_text(box.dir / "log");
  EXPECT_FALSE(fs::exists(box.dir / "m.ply"));
}

// The same frame coloured at the pose file's pose and at the pose PnP finds
// from the corners gives the same model; a Gaussian the frame shows takes
// its colour, and the plain conversion's colours differ from it.
TEST(CliMesh2gs, ColourFromAFrameAtAPoseOrPickedPoints) {
  const SeenBox box("colour_good");
  const std::string base = "mesh2gs " + box.obj + " --gaussians 3000 --colour-from " + box.frame + " --camera " +
                           box.camera;
  ASSERT_EQ(test::run_cli(base + " --out " + (box.dir / "a.ply").string() + " --pose " + box.pose, box.dir / "log"), 0)
      << test::read_text(box.dir / "log");
  EXPECT_NE(test::read_text(box.dir / "log").find("coloured "), std::string::npos);
  ASSERT_EQ(test::run_cli(base + " --out " + (box.dir / "b.ply").string() + " --points " + box.points, box.dir / "log"),
            0)
      << test::read_text(box.dir / "log");
  EXPECT_NE(test::read_text(box.dir / "log").find("pose from 4 points"), std::string::npos);
  const GaussianModel a = io::read_gaussians((box.dir / "a.ply").string());
  const GaussianModel b = io::read_gaussians((box.dir / "b.ply").string());
  const GaussianModel plain = io::read_gaussians((box.dir / "textured.ply").string());
  ASSERT_EQ(a.size(), plain.size());
  std::size_t same = 0, recoloured = 0;
  for (std::size_t i = 0; i < a.sh.size(); ++i) {
    same += std::abs(a.sh[i] - b.sh[i]) < 1e-3f ? 1 : 0;
    recoloured += a.sh[i] != plain.sh[i] ? 1 : 0;
  }
  EXPECT_GT(same, a.sh.size() * 98 / 100);  // PnP's pose agrees with the file's but for rounding
  EXPECT_GT(recoloured, a.sh.size() / 5);   // the faces toward the camera, out of six
}

// track --init-points: one first pose or the other, a points file no pose
// explains is named, and good points start where the pose file would.
TEST(CliTrackInputs, StartsFromPickedPoints) {
  const SeenBox box("track_points");
  const std::string model = (box.dir / "textured.ply").string();
  const std::string out = (box.dir / "run").string();
  const std::string base =
      "track --model " + model + " --camera " + box.camera + " --video " + box.frame + " --max-frames 1 --threads 2";
  EXPECT_EQ(test::run_cli(base + " --out " + out + " --init-pose " + box.pose + " --init-points " + box.points,
                          box.dir / "log"),
            2);
  const std::string line = test::write_file("line.json", R"({"model": [[0,0,0],[0.1,0,0],[0.2,0,0],[0.3,0,0]],
                                                             "pixels": [[10,10],[150,20],[80,100],[5,90]]})");
  EXPECT_EQ(test::run_cli(base + " --out " + out + " --init-points " + line, box.dir / "log"), 1);
  EXPECT_NE(test::read_text(box.dir / "log").find(line + ": "), std::string::npos) << test::read_text(box.dir / "log");
  EXPECT_FALSE(fs::exists(fs::path(out) / "poses.csv"));
  ASSERT_EQ(test::run_cli(base + " --out " + out + " --init-points " + box.points, box.dir / "log"), 0)
      << test::read_text(box.dir / "log");
  const std::vector<io::PoseRow> rows = io::read_poses_csv((fs::path(out) / "poses.csv").string());
  ASSERT_EQ(rows.size(), 1u);
  const RigidPose truth = io::read_pose(box.pose);
  EXPECT_LT(rotation_error_deg(rows[0].world_from_model, truth), 1.0);
  EXPECT_LT(translation_error(rows[0].world_from_model, truth), 0.005);
}

// A camera with lens distortion: its frames are made pinhole before they
// are tracked, and picked points are where the lens put them. Before, the
// renderer refused such a camera and `track` stopped on the first frame.
TEST(CliTrackInputs, FramesOfALensAreMadePinhole) {
  const SeenBox box("lens");
  Camera lens = io::read_camera(box.camera);  // fx = fy = 150, cx = 80, cy = 60
  lens.distortion = {-0.3, 0.1, 0.002, -0.001, 0};
  const std::string camera = (box.dir / "lens.json").string();
  io::write_camera_json(camera, lens);
  const cv::Mat ideal = cv::imread(box.frame, cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(ideal.empty());
  const std::string frame = (box.dir / "lens.png").string();
  ASSERT_TRUE(cv::imwrite(frame, test::record_with_distortion(ideal, lens)));
  // The box's top corners where the lens shows them.
  const RigidPose truth = io::read_pose(box.pose);
  std::string model, pixels;
  for (const double x : {-0.1, 0.1})
    for (const double y : {-0.05, 0.05}) {
      const Eigen::Vector3d c = truth.apply({x, y, 0.05});
      const cv::Point2d d = test::distort(lens.distortion, c.x() / c.z(), c.y() / c.z());
      const std::string comma = model.empty() ? "" : ",";
      model += comma + "[" + std::to_string(x) + "," + std::to_string(y) + ",0.05]";
      pixels += comma + "[" + std::to_string(150 * d.x + 80) + "," + std::to_string(150 * d.y + 60) + "]";
    }
  const std::string points = test::write_file("lens_points.json", R"({"model": [)" + model + R"(], "pixels": [)" +
                                                                      pixels + "]}");
  const std::string base = "track --model " + (box.dir / "textured.ply").string() + " --camera " + camera +
                           " --video " + frame + " --max-frames 1 --threads 2";
  for (const std::string& start : {"--init-pose " + box.pose, "--init-points " + points}) {
    const fs::path out = box.dir / "run";
    ASSERT_EQ(test::run_cli(base + " --out " + out.string() + " " + start, box.dir / "log"), 0)
        << test::read_text(box.dir / "log");
    EXPECT_NE(test::read_text(out / "run.json").find("\"undistorted\": true"), std::string::npos);
    const std::vector<io::PoseRow> rows = io::read_poses_csv((out / "poses.csv").string());
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_LT(rotation_error_deg(rows[0].world_from_model, truth), 1.0) << start;
    EXPECT_LT(translation_error(rows[0].world_from_model, truth), 0.005) << start;
  }
  // Coloured from the lens's frame, made pinhole too: as from the ideal one.
  const std::string from = "mesh2gs " + box.obj + " --gaussians 3000 --pose " + box.pose + " --colour-from ";
  ASSERT_EQ(test::run_cli(from + frame + " --camera " + camera + " --out " + (box.dir / "lens.ply").string(),
                          box.dir / "log"),
            0)
      << test::read_text(box.dir / "log");
  ASSERT_EQ(test::run_cli(from + box.frame + " --camera " + box.camera + " --out " + (box.dir / "ideal.ply").string(),
                          box.dir / "log"),
            0);
  const GaussianModel a = io::read_gaussians((box.dir / "lens.ply").string());
  const GaussianModel b = io::read_gaussians((box.dir / "ideal.ply").string());
  ASSERT_EQ(a.sh.size(), b.sh.size());
  std::size_t close = 0;
  for (std::size_t i = 0; i < a.sh.size(); ++i) close += std::abs(a.sh[i] - b.sh[i]) * 0.28209479f < 0.03f ? 1 : 0;
  EXPECT_GT(close, a.sh.size() * 95 / 100);
}

// A camera calibrated at twice the frames' size: its intrinsics are scaled
// to them (so is the model coloured from such a frame); calibrated at
// another shape, it is refused, naming the frame and both sizes.
TEST(CliTrackInputs, ACameraCalibratedAtAnotherSizeIsScaledToTheFrames) {
  const SeenBox box("scaled");
  // The box's camera (150 px focal length, centre 80, 60 at 160 x 120) at
  // 320 x 240: pixel centres at integers, so the centre is 2 (c + 0.5) - 0.5.
  const std::string twice = (box.dir / "twice.json").string();
  std::ofstream(twice) << R"({"width": 320, "height": 240, "fx": 300, "fy": 300, "cx": 160.5, "cy": 120.5})";
  const std::string other = (box.dir / "other.json").string();
  std::ofstream(other) << R"({"width": 320, "height": 200, "fx": 300, "fy": 300, "cx": 160.5, "cy": 100.5})";
  const std::string model = (box.dir / "textured.ply").string();
  const fs::path out = box.dir / "run";
  const std::string base = "track --model " + model + " --video " + box.frame + " --init-pose " + box.pose +
                           " --max-frames 1 --threads 2 --out " + out.string() + " --camera ";
  ASSERT_EQ(test::run_cli(base + twice, box.dir / "log"), 0) << test::read_text(box.dir / "log");
  EXPECT_NE(test::read_text(box.dir / "log").find("scaled to the frames' 160x120"), std::string::npos)
      << test::read_text(box.dir / "log");
  EXPECT_NE(test::read_text(out / "run.json").find("\"camera_scaled_to\": [\n      160,\n      120\n    ]"),
            std::string::npos)
      << test::read_text(out / "run.json");
  const std::vector<io::PoseRow> rows = io::read_poses_csv((out / "poses.csv").string());
  ASSERT_EQ(rows.size(), 1u);
  const RigidPose truth = io::read_pose(box.pose);
  EXPECT_LT(rotation_error_deg(rows[0].world_from_model, truth), 1.0);
  EXPECT_LT(translation_error(rows[0].world_from_model, truth), 0.005);

  EXPECT_EQ(test::run_cli(base + other, box.dir / "log"), 1);
  const std::string refused = test::read_text(box.dir / "log");
  EXPECT_NE(refused.find(box.frame + ": the frames are 160x120, the camera is calibrated at 320x200"),
            std::string::npos)
      << refused;

  const std::string colour = "mesh2gs " + box.obj + " --gaussians 3000 --pose " + box.pose + " --colour-from " +
                             box.frame + " --out ";
  ASSERT_EQ(test::run_cli(colour + (box.dir / "a.ply").string() + " --camera " + twice, box.dir / "log"), 0)
      << test::read_text(box.dir / "log");
  ASSERT_EQ(test::run_cli(colour + (box.dir / "b.ply").string() + " --camera " + box.camera, box.dir / "log"), 0);
  EXPECT_EQ(test::read_text(box.dir / "a.ply"), test::read_text(box.dir / "b.ply"));
  EXPECT_EQ(test::run_cli(colour + (box.dir / "c.ply").string() + " --camera " + other, box.dir / "log"), 1);
}

}  // namespace
}  // namespace splattrack
