// Colours from a frame for a model without any (datasets/colour_from_view.hpp):
// a box textured with four coloured quadrants per face is rendered; its grey
// twin (the same Gaussians, no texture) takes the render's colours. The
// Gaussians on the faces the camera sees must get their own texture's
// colour, those on the faces turned away none, and the frame's size must be
// the camera's.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "io_test_util.hpp"
#include "mesh_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/datasets/colour_from_view.hpp"
#include "splattrack/datasets/mesh_to_gaussians.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack {
namespace {

float colour(const GaussianModel& m, std::size_t i, std::size_t c) { return 0.5f + gs::kShC0 * m.sh[3 * i + c]; }

const Eigen::Vector3d kHalf(0.1, 0.05, 0.06);  // the box's half sizes

// Which face (its axis) a point of the box's surface lies on.
int face_axis(const Eigen::Vector3d& x) {
  int axis = 0;
  for (int a = 1; a < 3; ++a)
    if (std::abs(x[a]) / kHalf[a] > std::abs(x[axis]) / kHalf[axis]) axis = a;
  return axis;
}

struct Scene {
  GaussianModel textured, grey;
  Camera camera;
  RigidPose pose;
  RenderImage frame;  // the textured box over black: what the camera saw

  Scene() {
    const std::filesystem::path dir = test::scratch_dir("box");
    const io::TriangleMesh mesh = io::read_mesh(test::write_textured_obj(dir, "box", test::box_patches(2 * kHalf), 2));
    io::TriangleMesh plain = mesh;
    plain.corner_uvs.clear();
    plain.textures.clear();
    plain.materials.clear();
    plain.triangle_materials.clear();
    datasets::MeshToGaussiansOptions options;
    options.gaussians = 12000;
    textured = datasets::mesh_to_gaussians(mesh, options).model;
    grey = datasets::mesh_to_gaussians(plain, options).model;
    camera.width = 320;
    camera.height = 240;
    camera.fx = camera.fy = 420;
    camera.cx = 160;
    camera.cy = 120;
    // Turned to show three faces (+x, -y and +z in the camera's view).
    pose.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(0.7, Eigen::Vector3d(0.4, 1, 0.2).normalized()));
    pose.translation = {0.01, 0.0, 0.55};
    frame = test::render_image(transformed(textured, pose), camera);
  }
  // The distance from Gaussian i, along its face, to the nearest edge that
  // face shares with a face toward the camera.
  double from_seen_edge(std::size_t i) const {
    const Eigen::Vector3d x(textured.means[3 * i], textured.means[3 * i + 1], textured.means[3 * i + 2]);
    const int own = face_axis(x);
    double nearest = 1e9;
    for (int b = 0; b < 3; ++b)
      for (const double sign : {-1.0, 1.0}) {
        if (b == own) continue;
        Eigen::Vector3d on_face = Eigen::Vector3d::Zero();
        on_face[b] = sign * kHalf[b];
        const Eigen::Vector3d normal = pose.rotation * Eigen::Vector3d::Unit(b) * sign;
        if (normal.dot(-pose.apply(on_face).normalized()) > 0) nearest = std::min(nearest, kHalf[b] - sign * x[b]);
      }
    return nearest;
  }
  FrameView view() const { return {frame.width, frame.height, frame.rgb, {}}; }
  // Whether Gaussian i lies on a face whose outward normal points toward
  // the camera by more than `cos` (the box is centred at its origin).
  bool faces_camera(std::size_t i, double cos) const {
    const Eigen::Vector3d x(textured.means[3 * i], textured.means[3 * i + 1], textured.means[3 * i + 2]);
    const int axis = face_axis(x);
    const Eigen::Vector3d normal = pose.rotation * (Eigen::Vector3d::Unit(axis) * (x[axis] > 0 ? 1.0 : -1.0));
    const Eigen::Vector3d to_camera = -pose.apply(x).normalized();
    return normal.dot(to_camera) > cos;
  }
};

TEST(ColourFromView, SeenGaussiansTakeTheirOwnColourAndHiddenOnesKeepTheirs) {
  Scene s;
  ASSERT_EQ(s.grey.size(), s.textured.size());
  ASSERT_EQ(s.grey.means, s.textured.means);
  GaussianModel model = s.grey;
  const datasets::ViewColouring result =
      datasets::colour_from_view(model, s.camera, s.pose, s.view(), datasets::UnseenColour::keep, test::test_context());
  EXPECT_EQ(result.total, model.size());
  // Beside an edge where a seen face meets one turned away, the depth
  // test cannot tell the two faces' first cells apart: only Gaussians
  // further in must keep their colour.
  const double spacing = std::sqrt(2 * (0.2 * 0.1 + 0.2 * 0.12 + 0.1 * 0.12) / static_cast<double>(model.size()));
  std::size_t facing = 0, facing_seen = 0, close = 0, away_changed = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const bool changed = model.sh[3 * i] != s.grey.sh[3 * i] || model.sh[3 * i + 1] != s.grey.sh[3 * i + 1];
    if (!s.faces_camera(i, 0.0)) {
      away_changed += changed && s.from_seen_edge(i) > 2 * spacing ? 1 : 0;
      continue;
    }
    if (!s.faces_camera(i, 0.4)) continue;
    ++facing;
    if (!changed) continue;
    ++facing_seen;
    float worst = 0;
    for (std::size_t c = 0; c < 3; ++c)
      worst = std::max(worst, std::abs(colour(model, i, c) - colour(s.textured, i, c)));
    close += worst < 0.05f ? 1 : 0;
  }
  EXPECT_EQ(away_changed, 0u);
  EXPECT_GT(facing_seen, 0.9 * static_cast<double>(facing)) << facing_seen << " of " << facing;
  // The render blends each colour over about two lattice cells, so the
  // Gaussians along the quadrants' borders (some 10 %) take mixed colours.
  EXPECT_GT(close, 0.85 * static_cast<double>(facing_seen)) << close << " of " << facing_seen;
  EXPECT_LE(result.seen, model.size() / 2 + model.size() / 20);  // at most the faces toward the camera
}

TEST(ColourFromView, UnseenGaussiansCanTakeTheMeanOfTheSeen) {
  Scene s;
  GaussianModel kept = s.grey, mean = s.grey;
  datasets::colour_from_view(kept, s.camera, s.pose, s.view(), datasets::UnseenColour::keep, test::test_context());
  const datasets::ViewColouring result =
      datasets::colour_from_view(mean, s.camera, s.pose, s.view(), datasets::UnseenColour::mean, test::test_context());
  double sum[3] = {0, 0, 0};
  std::vector<std::size_t> unseen;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept.sh[3 * i] == s.grey.sh[3 * i] && kept.sh[3 * i + 1] == s.grey.sh[3 * i + 1]) {
      unseen.push_back(i);
      continue;
    }
    for (std::size_t c = 0; c < 3; ++c) sum[c] += colour(kept, i, c);
  }
  ASSERT_EQ(unseen.size(), kept.size() - result.seen);
  ASSERT_FALSE(unseen.empty());
  for (const std::size_t i : unseen)
    for (std::size_t c = 0; c < 3; ++c)
      EXPECT_NEAR(colour(mean, i, c), sum[c] / static_cast<double>(result.seen), 1e-5);
}

TEST(ColourFromView, RefusesAFrameOfAnotherSizeOrAModelOutOfView) {
  Scene s;
  GaussianModel model = s.grey;
  Camera wider = s.camera;
  wider.width = 400;
  EXPECT_THROW(datasets::colour_from_view(model, wider, s.pose, s.view(), datasets::UnseenColour::keep,
                                          test::test_context()),
               std::invalid_argument);
  RigidPose behind = s.pose;
  behind.translation.z() = -0.55;
  EXPECT_THROW(datasets::colour_from_view(model, s.camera, behind, s.view(), datasets::UnseenColour::keep,
                                          test::test_context()),
               std::invalid_argument);
  EXPECT_EQ(model.sh, s.grey.sh);
}

}  // namespace
}  // namespace splattrack
