// mesh_to_gaussians: Gaussians on the surface with the texture's colours,
// the silhouette of the rendered model inside the mesh's (and solid within
// it), and the real textured cube of the sample data.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <filesystem>

#include "io_test_util.hpp"
#include "mesh_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/datasets/mesh_to_gaussians.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/mesh_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack {
namespace {

using Eigen::Vector3d;

inline constexpr double kShC0 = 0.28209479177387814;

Vector3d mean_of(const GaussianModel& m, std::size_t i) { return {m.means[3 * i], m.means[3 * i + 1], m.means[3 * i + 2]}; }

std::array<double, 3> colour_of(const GaussianModel& m, std::size_t i) {
  return {m.sh[3 * i] * kShC0 + 0.5, m.sh[3 * i + 1] * kShC0 + 0.5, m.sh[3 * i + 2] * kShC0 + 0.5};
}

// World covariance of Gaussian i.
Eigen::Matrix3d covariance_of(const GaussianModel& m, std::size_t i) {
  const Eigen::Quaterniond q(m.quats[4 * i], m.quats[4 * i + 1], m.quats[4 * i + 2], m.quats[4 * i + 3]);
  const Eigen::Matrix3d r = q.normalized().toRotationMatrix();
  const Vector3d s(std::exp(m.log_scales[3 * i]), std::exp(m.log_scales[3 * i + 1]), std::exp(m.log_scales[3 * i + 2]));
  return r * s.cwiseAbs2().asDiagonal() * r.transpose();
}

TEST(MeshToGaussians, TexturedQuadLiesOnItsPlaneWithTheTexturesColours) {
  const auto dir = test::scratch_dir("quad");
  // A tilted 0.4 x 0.3 rectangle, split into 8 x 8 cells.
  const Vector3d origin(0.1, -0.2, 0.3), a = Vector3d(0.4, 0.0, 0.1).normalized() * 0.4,
                 b = Vector3d(0.0, 0.3, 0.0);
  const std::string path = test::write_textured_obj(dir, "quad", {{origin, a, b}}, 8);
  io::LoadReport report;
  const io::TriangleMesh mesh = io::read_mesh(path, &report);
  EXPECT_TRUE(report.warnings.empty());
  ASSERT_EQ(mesh.triangle_count(), 128u);

  const int requested = 4000;
  const datasets::MeshConversion c = datasets::mesh_to_gaussians(mesh, {.gaussians = requested});
  const GaussianModel& m = c.model;
  EXPECT_NEAR(static_cast<double>(m.size()), requested, 0.05 * requested);
  EXPECT_EQ(c.regions, 1u);        // 128 coplanar triangles: one lattice
  EXPECT_EQ(c.crease_edges, 32u);  // the rectangle's rim, 8 segments a side

  const Vector3d normal = a.cross(b).normalized();
  std::size_t checked = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Vector3d x = mean_of(m, i);
    ASSERT_LT(std::abs((x - origin).dot(normal)), 1e-6 * 0.5) << "Gaussian " << i;
    // Flat along the normal: the thin axis is the normal.
    const Eigen::Matrix3d cov = covariance_of(m, i);
    EXPECT_LT(std::sqrt(normal.dot(cov * normal)), 0.02 * c.spacing);
    const double s = (x - origin).dot(a) / a.squaredNorm(), t = (x - origin).dot(b) / b.squaredNorm();
    ASSERT_GT(std::min({s, t, 1 - s, 1 - t}), 0) << "outside the rectangle";
    if (std::abs(s - 0.5) < 0.1 || std::abs(t - 0.5) < 0.1) continue;  // near a quadrant border: blended
    const auto want = test::quadrant_colour(s, t);
    const auto got = colour_of(m, i);
    for (int ch = 0; ch < 3; ++ch) ASSERT_NEAR(got[ch], want[ch], 0.03) << "Gaussian " << i << " at " << s << ", " << t;
    ++checked;
  }
  EXPECT_GT(checked, m.size() / 2);
}

TEST(MeshToGaussians, SameMeshSameModel) {
  const auto dir = test::scratch_dir("determinism");
  const std::string path = test::write_textured_obj(dir, "box", test::box_patches({0.3, 0.2, 0.1}), 3);
  const io::TriangleMesh mesh = io::read_mesh(path);
  const GaussianModel a = datasets::mesh_to_gaussians(mesh, {.gaussians = 3000}).model;
  const GaussianModel b = datasets::mesh_to_gaussians(mesh, {.gaussians = 3000}).model;
  EXPECT_EQ(a.means, b.means);
  EXPECT_EQ(a.quats, b.quats);
  EXPECT_EQ(a.log_scales, b.log_scales);
  EXPECT_EQ(a.sh, b.sh);
}

// A camera at `eye` looking at the origin, world z up, OpenCV axes.
Camera look_at(const Vector3d& eye, int size, double focal) {
  const Vector3d z = (-eye).normalized();
  const Vector3d x = z.cross(Vector3d::UnitZ()).normalized();
  const Vector3d y = z.cross(x);
  Camera cam;
  cam.width = cam.height = size;
  cam.fx = cam.fy = focal;
  cam.cx = cam.cy = (size - 1) / 2.0;
  Eigen::Matrix3d r;
  r.row(0) = x.transpose();
  r.row(1) = y.transpose();
  r.row(2) = z.transpose();
  cam.cam_from_world.setIdentity();
  cam.cam_from_world.topLeftCorner<3, 3>() = r;
  cam.cam_from_world.topRightCorner<3, 1>() = -r * eye;
  return cam;
}

// The mesh's silhouette by brute force: pixel centres inside any projected
// triangle (every triangle lies in front of the camera in these views).
std::vector<char> mesh_silhouette(const io::TriangleMesh& mesh, const Camera& cam) {
  std::vector<char> inside(static_cast<std::size_t>(cam.width * cam.height), 0);
  const Eigen::Matrix4d& T = cam.cam_from_world;
  const auto project = [&](std::uint32_t v) {
    const Vector3d p = T.topLeftCorner<3, 3>() * Vector3d(mesh.positions[3 * v], mesh.positions[3 * v + 1],
                                                          mesh.positions[3 * v + 2]) +
                       T.topRightCorner<3, 1>();
    return Eigen::Vector2d(cam.fx * p.x() / p.z() + cam.cx, cam.fy * p.y() / p.z() + cam.cy);
  };
  for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
    const Eigen::Vector2d a = project(mesh.triangles[3 * t]), b = project(mesh.triangles[3 * t + 1]),
                          c = project(mesh.triangles[3 * t + 2]);
    const auto edge = [](const Eigen::Vector2d& p, const Eigen::Vector2d& q, const Eigen::Vector2d& x) {
      return (q.x() - p.x()) * (x.y() - p.y()) - (q.y() - p.y()) * (x.x() - p.x());
    };
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({a.x(), b.x(), c.x()}))));
    const int x1 = std::min(cam.width - 1, static_cast<int>(std::ceil(std::max({a.x(), b.x(), c.x()}))));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a.y(), b.y(), c.y()}))));
    const int y1 = std::min(cam.height - 1, static_cast<int>(std::ceil(std::max({a.y(), b.y(), c.y()}))));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const Eigen::Vector2d p(x, y);
        const double e0 = edge(a, b, p), e1 = edge(b, c, p), e2 = edge(c, a, p);
        if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) inside[y * cam.width + x] = 1;
      }
  }
  return inside;
}

// Whether every pixel within Chebyshev distance r of (x, y) has `value` in mask.
bool all_within(const std::vector<char>& mask, int w, int h, int x, int y, int r, char value) {
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx) {
      const int u = x + dx, v = y + dy;
      if (u < 0 || v < 0 || u >= w || v >= h) {
        if (value) return false;
        continue;
      }
      if (mask[v * w + u] != value) return false;
    }
  return true;
}

struct SilhouetteCheck {
  int silhouette = 0;       // mesh silhouette pixels
  int spill = 0;            // alpha >= 0.5 outside it
  int far_spill = 0;        // ... more than 1 px from it
  int inner = 0;            // silhouette pixels 2 px or more inside
  int inner_covered = 0;    // ... with alpha >= 0.5
  double inner_alpha = 0;   // mean alpha there
};

SilhouetteCheck check_silhouette(const io::TriangleMesh& mesh, const GaussianModel& model, const Camera& cam) {
  const std::vector<char> inside = mesh_silhouette(mesh, cam);
  const RenderImage img = test::render_image(model, cam);
  SilhouetteCheck r;
  for (int y = 0; y < cam.height; ++y)
    for (int x = 0; x < cam.width; ++x) {
      const int p = y * cam.width + x;
      const bool covered = img.alpha[p] >= 0.5f;
      if (inside[p]) {
        ++r.silhouette;
        if (all_within(inside, cam.width, cam.height, x, y, 2, 1)) {
          ++r.inner;
          r.inner_covered += covered;
          r.inner_alpha += img.alpha[p];
        }
      } else if (covered) {
        ++r.spill;
        r.far_spill += all_within(inside, cam.width, cam.height, x, y, 1, 0);
      }
    }
  r.inner_alpha /= std::max(r.inner, 1);
  return r;
}

TEST(MeshToGaussians, RenderedSilhouetteStaysInsideTheBoxAndIsSolidWithin) {
  const auto dir = test::scratch_dir("box");
  const std::string path = test::write_textured_obj(dir, "box", test::box_patches({0.10, 0.07, 0.05}), 4);
  const io::TriangleMesh mesh = io::read_mesh(path);
  const datasets::MeshConversion c = datasets::mesh_to_gaussians(mesh, {.gaussians = 16000});
  EXPECT_EQ(c.regions, 6u);
  EXPECT_EQ(c.crease_edges, 12u * 4u);  // the box's 12 edges, 4 segments each
  // The scale of the cube at frame 0 (about 150 px across, a lattice cell
  // every ~2 px), from four sides above and below, every face at least 20°
  // from edge-on. Nearer edge-on, the renderer's 0.3 px² low-pass, which
  // widens splats without lowering their opacity, spills the face's stacked
  // Gaussians past the edge whatever their inset (7° off: 1.5 % of the
  // silhouette), and no model on the surface can prevent it.
  const std::vector<Vector3d> eyes = {
      {0.25, -0.30, 0.20}, {-0.20, 0.25, -0.30}, {0.30, -0.15, 0.25}, {-0.25, -0.28, -0.18}};
  for (const Vector3d& eye : eyes) {
    const Camera cam = look_at(eye, 256, 1500 * eye.norm());
    const SilhouetteCheck r = check_silhouette(mesh, c.model, cam);
    SCOPED_TRACE("eye " + std::to_string(eye.x()) + "," + std::to_string(eye.y()) + "," + std::to_string(eye.z()));
    ASSERT_GT(r.silhouette, 10000);
    EXPECT_LE(r.spill, 0.005 * r.silhouette) << r.spill << " spilled of " << r.silhouette;
    EXPECT_EQ(r.far_spill, 0);
    EXPECT_GE(r.inner_covered, 0.99 * r.inner) << r.inner_covered << " of " << r.inner;
    EXPECT_GT(r.inner_alpha, 0.98);
  }
}

const std::filesystem::path kCubeDir = std::filesystem::path(SPLATTRACK_SHARED_DATA) / "video" / "cube";
inline constexpr double kCubeHalf = 0.04225;

TEST(MeshToGaussians, RealCubeStaysWithinItsFacesAndKeepsTheTexturesColour) {
  if (!std::filesystem::is_directory(kCubeDir)) GTEST_SKIP() << kCubeDir << " is absent";
  io::LoadReport report;
  const io::TriangleMesh mesh = io::read_mesh((kCubeDir / "cube.obj").string(), &report);
  EXPECT_TRUE(report.warnings.empty());
  ASSERT_EQ(mesh.textures.size(), 1u);
  const datasets::MeshConversion c = datasets::mesh_to_gaussians(mesh);
  const GaussianModel& m = c.model;
  EXPECT_NEAR(static_cast<double>(m.size()), datasets::kDefaultMeshGaussians, 0.05 * datasets::kDefaultMeshGaussians);
  EXPECT_EQ(c.regions, 6u);
  EXPECT_EQ(c.crease_edges, 12u * 32u);
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Vector3d x = mean_of(m, i);
    int face_axis = 0;
    x.cwiseAbs().maxCoeff(&face_axis);
    ASSERT_NEAR(std::abs(x[face_axis]), kCubeHalf, 1e-6) << "Gaussian " << i << " off the cube's faces";
    const Eigen::Matrix3d cov = covariance_of(m, i);
    for (int k = 0; k < 3; ++k) {
      if (k == face_axis) continue;
      ASSERT_LE(std::abs(x[k]) + 2 * std::sqrt(cov(k, k)), kCubeHalf) << "Gaussian " << i;
    }
  }

  // The front face (+z in the model) at frame 0: its mean rendered colour
  // against the texture's mean over the face's UV rectangle.
  const Camera cam = io::read_camera((kCubeDir / "camera.json").string());
  const GaussianModel posed = transformed(m, io::read_pose((kCubeDir / "pose_frame000.json").string()));
  const RenderImage img = test::render_image(posed, cam);
  io::TriangleMesh front = mesh;
  front.triangles.clear();
  Eigen::AlignedBox2d uv_box;
  for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
    bool on_front = true;
    for (int k = 0; k < 3; ++k) on_front = on_front && mesh.positions[3 * mesh.triangles[3 * t + k] + 2] > kCubeHalf - 1e-6;
    if (!on_front) continue;
    for (int k = 0; k < 3; ++k) {
      front.triangles.push_back(mesh.triangles[3 * t + k]);
      uv_box.extend(Eigen::Vector2d(mesh.corner_uvs[6 * t + 2 * k], mesh.corner_uvs[6 * t + 2 * k + 1]));
    }
  }
  ASSERT_EQ(front.triangle_count(), 2u * 32u * 32u);
  Camera world_cam = cam;
  const RigidPose pose = io::read_pose((kCubeDir / "pose_frame000.json").string());
  world_cam.cam_from_world = cam.cam_from_world * pose.matrix();
  const std::vector<char> inside = mesh_silhouette(front, world_cam);
  std::array<double, 3> rendered{0, 0, 0};
  int pixels = 0;
  for (int y = 0; y < cam.height; ++y)
    for (int x = 0; x < cam.width; ++x)
      if (all_within(inside, cam.width, cam.height, x, y, 3, 1)) {
        ++pixels;
        for (int ch = 0; ch < 3; ++ch) rendered[ch] += img.rgb[3 * (y * cam.width + x) + ch];
      }
  ASSERT_GT(pixels, 10000);
  const io::MeshTexture& tex = mesh.textures[0];
  std::array<double, 3> texture{0, 0, 0};
  int texels = 0;
  for (int y = 0; y < tex.height; ++y)
    for (int x = 0; x < tex.width; ++x) {
      if (!uv_box.contains(Eigen::Vector2d((x + 0.5) / tex.width, 1 - (y + 0.5) / tex.height))) continue;
      ++texels;
      for (int ch = 0; ch < 3; ++ch) texture[ch] += tex.rgb[3 * (static_cast<std::size_t>(y) * tex.width + x) + ch] / 255.0;
    }
  ASSERT_GT(texels, 0);
  for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(rendered[ch] / pixels, texture[ch] / texels, 0.03) << "channel " << ch;
}

}  // namespace
}  // namespace splattrack
