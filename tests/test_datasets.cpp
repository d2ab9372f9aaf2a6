#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <set>

#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/misalign.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"

using namespace splattrack;
using Eigen::Vector3d;

namespace {

inline constexpr double kC0 = 0.28209479177387814;

Eigen::Matrix3Xd means_of(const GaussianModel& m) {
  return Eigen::Map<const Eigen::Matrix3Xf>(m.means.data(), 3, static_cast<Eigen::Index>(m.size())).cast<double>();
}

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

Vector3d rgb_of(const GaussianModel& m, std::size_t i) {
  return Vector3d(m.sh[3 * i], m.sh[3 * i + 1], m.sh[3 * i + 2]) * kC0 + Vector3d::Constant(0.5);
}

// The fraction of sampled Gaussians that `r` (about the origin) moves to
// where the model has no Gaussian of about the same colour: 0 for a symmetry
// of the coloured object. Brute-force nearest neighbours over a sample.
double mismatch_under(const GaussianModel& m, const Eigen::Matrix3d& r) {
  constexpr int kSamples = 400;
  const Eigen::Matrix3Xd x = means_of(m);
  int mismatched = 0;
  for (int s = 0; s < kSamples; ++s) {
    const std::size_t i = static_cast<std::size_t>(s) * 7919 % m.size();
    const Vector3d y = r * x.col(static_cast<Eigen::Index>(i));
    Eigen::Index nearest = 0;
    (x.colwise() - y).colwise().squaredNorm().minCoeff(&nearest);
    const bool same_place = (x.col(nearest) - y).norm() < 0.02;
    const bool same_colour = (rgb_of(m, static_cast<std::size_t>(nearest)) - rgb_of(m, i)).norm() < 0.3;
    mismatched += same_place && same_colour ? 0 : 1;
  }
  return static_cast<double>(mismatched) / kSamples;
}

// The pinhole model of METHOD.md §2, written out again for the test.
Eigen::Vector2d project(const Camera& c, const Vector3d& x_cam) {
  return {c.fx * x_cam.x() / x_cam.z() + c.cx, c.fy * x_cam.y() / x_cam.z() + c.cy};
}

Vector3d cam_from_world(const Camera& c, const Vector3d& x_world) {
  return c.cam_from_world.topLeftCorner<3, 3>() * x_world + c.cam_from_world.topRightCorner<3, 1>();
}

// Points spread over the unit sphere (Fibonacci lattice).
std::vector<Vector3d> sphere_points(int n) {
  std::vector<Vector3d> points;
  const double golden = M_PI * (3 - std::sqrt(5.0));
  for (int i = 0; i < n; ++i) {
    const double z = 1 - 2 * (i + 0.5) / n;
    const double r = std::sqrt(1 - z * z);
    points.emplace_back(r * std::cos(golden * i), r * std::sin(golden * i), z);
  }
  return points;
}

}  // namespace

TEST(ObjectModel, CountFiniteAndWellFormed) {
  for (const int n : {20000, 1234}) {
    const GaussianModel m = datasets::make_object_model({.gaussians = n, .seed = 5});
    ASSERT_EQ(m.size(), static_cast<std::size_t>(n));
    ASSERT_TRUE(m.consistent());
    EXPECT_EQ(m.sh_degree, 0);
    for (const auto* v : {&m.means, &m.quats, &m.log_scales, &m.opacity_logits, &m.sh})
      for (const float x : *v) ASSERT_TRUE(std::isfinite(x));
    const Eigen::Matrix3Xd x = means_of(m);
    EXPECT_LT(x.rowwise().mean().norm(), 1e-5) << "centroid at the origin";
    EXPECT_NEAR(x.colwise().norm().maxCoeff(), 0.5 * datasets::kObjectDiameter, 1e-5);
    for (std::size_t i = 0; i < m.size(); ++i) {
      EXPECT_NEAR(Eigen::Vector4f(m.quats[4 * i], m.quats[4 * i + 1], m.quats[4 * i + 2], m.quats[4 * i + 3]).norm(),
                  1.f, 1e-5);
      EXPECT_NEAR(sigmoid(m.opacity_logits[i]), datasets::kObjectOpacity, 1e-6);
      // Flat along the normal: the third axis is far thinner than the two others.
      EXPECT_LT(m.log_scales[3 * i + 2], m.log_scales[3 * i] - 2.0);
      for (int c = 0; c < 3; ++c) {
        const double rgb = m.sh[3 * i + c] * kC0 + 0.5;
        ASSERT_GE(rgb, -1e-6);
        ASSERT_LE(rgb, 1 + 1e-6);
      }
    }
  }
  EXPECT_THROW(datasets::make_object_model({.gaussians = 10}), std::invalid_argument);
}

TEST(ObjectModel, Deterministic) {
  const GaussianModel a = datasets::make_object_model({.gaussians = 3000, .seed = 11});
  const GaussianModel b = datasets::make_object_model({.gaussians = 3000, .seed = 11});
  const GaussianModel c = datasets::make_object_model({.gaussians = 3000, .seed = 12});
  EXPECT_EQ(a.means, b.means);
  EXPECT_EQ(a.quats, b.quats);
  EXPECT_EQ(a.log_scales, b.log_scales);
  EXPECT_EQ(a.sh, b.sh);
  EXPECT_NE(a.means, c.means);
}

// Pose is observable when no rotation maps the object onto itself. A mirror
// about a principal plane, or a half turn about a principal axis, flips the
// sign of the coordinate along some principal axis, so a clearly non-zero
// third moment (skewness) along every principal axis rules them all out;
// distinct second moments rule out continuous symmetries.
TEST(ObjectModel, ShapeAndColourAreAsymmetric) {
  const GaussianModel m = datasets::make_object_model();
  const Eigen::Matrix3Xd x = means_of(m);
  const Eigen::Matrix3d covariance = x * x.transpose() / static_cast<double>(x.cols());
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> pca(covariance);
  const Vector3d variance = pca.eigenvalues();  // ascending
  EXPECT_GT(variance[1] / variance[0], 1.15);
  EXPECT_GT(variance[2] / variance[1], 1.15);
  for (int a = 0; a < 3; ++a) {
    const Eigen::VectorXd s = pca.eigenvectors().col(a).transpose() * x;
    const double skewness = s.array().cube().mean() / std::pow(variance[a], 1.5);
    EXPECT_GT(std::abs(skewness), 0.05) << "principal axis " << a;
  }
  // Each colour channel, weighted by its deviation from its mean, has its
  // centroid well off the geometric one: the colours are not spread evenly.
  for (int c = 0; c < 3; ++c) {
    double mean = 0;
    for (std::size_t i = 0; i < m.size(); ++i) mean += rgb_of(m, i)[c] / m.size();
    Vector3d weighted = Vector3d::Zero();
    double total = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      const double w = rgb_of(m, i)[c] - mean;
      weighted += w * x.col(static_cast<Eigen::Index>(i));
      total += std::abs(w);
    }
    EXPECT_GT((weighted / total).norm(), 0.025) << "channel " << c;
  }
  // Strongly non-uniform colour: many distinct colours, far apart.
  std::set<std::array<int, 3>> palette;
  for (std::size_t i = 0; i < m.size(); ++i) {
    std::array<int, 3> q;
    for (int c = 0; c < 3; ++c) q[c] = static_cast<int>(std::lround(rgb_of(m, i)[c] * 3));
    palette.insert(q);
  }
  EXPECT_GE(palette.size(), 8u);

  // No half turn or mirror about a principal axis, nor a quarter turn about
  // the long axis, maps the coloured object onto itself.
  EXPECT_LT(mismatch_under(m, Eigen::Matrix3d::Identity()), 0.02) << "the measure itself";
  const Eigen::Matrix3d axes = pca.eigenvectors();
  for (int a = 0; a < 3; ++a) {
    const Eigen::Matrix3d half_turn = Eigen::AngleAxisd(M_PI, axes.col(a)).toRotationMatrix();
    const Eigen::Matrix3d mirror = Eigen::Matrix3d::Identity() - 2 * axes.col(a) * axes.col(a).transpose();
    EXPECT_GT(mismatch_under(m, half_turn), 0.5) << "half turn about principal axis " << a;
    EXPECT_GT(mismatch_under(m, mirror), 0.5) << "mirror across principal axis " << a;
  }
  EXPECT_GT(mismatch_under(m, Eigen::AngleAxisd(M_PI / 2, axes.col(2)).toRotationMatrix()), 0.5);
}

TEST(CameraPlacement, ObjectCoversRequestedFraction) {
  const Camera c = datasets::place_camera({.width = 320, .height = 240, .distance = 4.0, .coverage = 0.5});
  EXPECT_EQ(c.width, 320);
  EXPECT_EQ(c.height, 240);
  EXPECT_TRUE(c.cam_from_world.isIdentity());
  const Vector3d centre(0, 0, 4.0);
  const double left = project(c, centre - Vector3d(0.5, 0, 0)).x();
  const double right = project(c, centre + Vector3d(0.5, 0, 0)).x();
  EXPECT_NEAR((right - left) / 240.0, 0.5, 1e-12);
  EXPECT_NEAR(project(c, centre).x(), 159.5, 1e-12);
  EXPECT_NEAR(project(c, centre).y(), 119.5, 1e-12);
}

namespace {

// Checks one trajectory against its options with brute force: steps, the
// bounding sphere in the image, and that it really moves.
void check_trajectory(const Camera& camera, const datasets::TrajectoryOptions& o) {
  const auto poses = datasets::make_trajectory(camera, o);
  ASSERT_EQ(poses.size(), static_cast<std::size_t>(o.frames));
  const double radius = 0.5 * o.object_size;
  const auto sphere = sphere_points(2000);
  double total_rotation = 0;
  Eigen::AlignedBox3d visited;
  for (std::size_t k = 0; k < poses.size(); ++k) {
    const Vector3d centre = cam_from_world(camera, poses[k].translation);
    visited.extend(centre);
    for (const Vector3d& dir : sphere) {
      const Vector3d p = centre + radius * dir;
      ASSERT_GT(p.z(), 0.2) << "frame " << k;
      const Eigen::Vector2d uv = project(camera, p);
      ASSERT_GE(uv.x(), -0.5) << "frame " << k;
      ASSERT_LE(uv.x(), camera.width - 0.5) << "frame " << k;
      ASSERT_GE(uv.y(), -0.5) << "frame " << k;
      ASSERT_LE(uv.y(), camera.height - 0.5) << "frame " << k;
    }
    if (k == 0) continue;
    const double turn = rotation_error_deg(poses[k], poses[k - 1]);
    const double step = translation_error(poses[k], poses[k - 1]);
    total_rotation += turn;
    EXPECT_LE(turn, o.rotation_speed_deg * (1 + 1e-9)) << "frame " << k;
    EXPECT_GE(turn, 0.5 * o.rotation_speed_deg * (1 - 1e-9)) << "frame " << k;
    EXPECT_LE(step, o.translation_speed * o.object_size * (1 + 1e-9)) << "frame " << k;
    if (k >= 2) {  // smooth: the velocity changes little from frame to frame
      const Vector3d accel = poses[k].translation - 2 * poses[k - 1].translation + poses[k - 2].translation;
      EXPECT_LE(accel.norm(), 0.25 * o.translation_speed * o.object_size) << "frame " << k;
    }
  }
  EXPECT_GT(total_rotation, 0.5 * o.rotation_speed_deg * (o.frames - 1) - 1e-9);
  EXPECT_GT(visited.sizes().maxCoeff(), 0.3 * o.object_size) << "the object should travel";
}

}  // namespace

TEST(Trajectory, SmoothBoundedAndInView) {
  const Camera camera = datasets::place_camera();
  for (const std::uint64_t seed : {0, 1, 2, 3}) check_trajectory(camera, {.frames = 200, .seed = seed});
  check_trajectory(camera, {.frames = 120, .seed = 9, .translation_speed = 0.06, .rotation_speed_deg = 6});

  // A rotated, shifted, off-centre camera with a wide image.
  Camera tilted = datasets::place_camera({.width = 320, .height = 200});
  tilted.cx = 140;
  const Eigen::Affine3d cam_from_world =
      Eigen::Translation3d(0.3, -1, 2) * Eigen::AngleAxisd(0.4, Vector3d(1, 2, 3).normalized());
  tilted.cam_from_world = cam_from_world.matrix();
  check_trajectory(tilted, {.frames = 150, .seed = 4});
}

TEST(Trajectory, DeterministicAndChecked) {
  const Camera camera = datasets::place_camera();
  const auto a = datasets::make_trajectory(camera, {.frames = 30, .seed = 21});
  const auto b = datasets::make_trajectory(camera, {.frames = 30, .seed = 21});
  const auto c = datasets::make_trajectory(camera, {.frames = 30, .seed = 22});
  for (int k = 0; k < 30; ++k) {
    EXPECT_EQ(a[k].translation, b[k].translation);
    EXPECT_EQ(a[k].rotation.coeffs(), b[k].rotation.coeffs());
  }
  EXPECT_GT(rotation_error_deg(a[0], c[0]), 1.0);
  EXPECT_THROW(datasets::make_trajectory(camera, {.object_size = 3.0}), std::invalid_argument);
  EXPECT_THROW(datasets::make_trajectory(camera, {.frames = -1}), std::invalid_argument);
}

TEST(Misalign, ExactAmountsAndSeeded) {
  RigidPose pose;
  pose.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(1.1, Vector3d(-1, 2, 0.5).normalized()));
  pose.translation = {0.2, -0.1, 3.5};
  for (const std::uint64_t seed : {0, 1, 2}) {
    const RigidPose m = datasets::misalign(pose, {.translation_fraction = 0.1, .rotation_deg = 30, .object_size = 2.0,
                                                  .seed = seed});
    EXPECT_NEAR(rotation_error_deg(m, pose), 30.0, 1e-9);
    EXPECT_NEAR(translation_error(m, pose), 0.2, 1e-12);
  }
  const auto a = datasets::misalign(pose, {.translation_fraction = 0.1, .rotation_deg = 30, .seed = 7});
  const auto b = datasets::misalign(pose, {.translation_fraction = 0.1, .rotation_deg = 30, .seed = 7});
  const auto c = datasets::misalign(pose, {.translation_fraction = 0.1, .rotation_deg = 30, .seed = 8});
  EXPECT_EQ(a.translation, b.translation);
  EXPECT_EQ(a.rotation.coeffs(), b.rotation.coeffs());
  EXPECT_GT((a.translation - c.translation).norm(), 1e-3);
  // The turn is about the object's own origin: that point stays put.
  const auto turned = datasets::misalign(pose, {.rotation_deg = 45, .seed = 3});
  EXPECT_LT((turned.apply(Vector3d::Zero()) - pose.apply(Vector3d::Zero())).norm(), 1e-12);
  EXPECT_THROW(datasets::misalign(pose, {.rotation_deg = -1}), std::invalid_argument);
}

TEST(Background, KindsAreDeterministicAndInRange) {
  constexpr int w = 64, h = 48;
  EXPECT_EQ(datasets::parse_background_kind("clutter"), datasets::BackgroundKind::clutter);
  EXPECT_FALSE(datasets::parse_background_kind("sky").has_value());

  const auto plain = datasets::make_background(w, h, {.colour = {0.1f, 0.2f, 0.3f}});
  ASSERT_EQ(plain.size(), 3u * w * h);
  for (std::size_t i = 0; i < plain.size(); ++i) ASSERT_EQ(plain[i], (std::array{0.1f, 0.2f, 0.3f})[i % 3]);

  // Mean absolute difference between horizontal neighbours.
  const auto roughness = [&](const std::vector<float>& img) {
    double sum = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x + 1 < w; ++x)
        for (int c = 0; c < 3; ++c) sum += std::abs(img[3 * (y * w + x + 1) + c] - img[3 * (y * w + x) + c]);
    return sum / (h * (w - 1) * 3);
  };
  for (const auto kind : {datasets::BackgroundKind::noise, datasets::BackgroundKind::clutter}) {
    const auto a = datasets::make_background(w, h, {.kind = kind, .seed = 3});
    const auto b = datasets::make_background(w, h, {.kind = kind, .seed = 3});
    const auto other = datasets::make_background(w, h, {.kind = kind, .seed = 4});
    ASSERT_EQ(a.size(), 3u * w * h);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, other);
    std::set<std::array<int, 3>> colours;
    for (std::size_t i = 0; i < a.size(); i += 3) {
      for (int c = 0; c < 3; ++c) ASSERT_TRUE(a[i + c] >= 0.f && a[i + c] <= 1.f);
      colours.insert({int(a[i] * 8), int(a[i + 1] * 8), int(a[i + 2] * 8)});
    }
    EXPECT_GE(colours.size(), 20u) << "a busy background";
  }
  // Noise cells blend smoothly; one-pixel cells are rough.
  const double smooth = roughness(datasets::make_background(w, h, {.kind = datasets::BackgroundKind::noise}));
  const double rough =
      roughness(datasets::make_background(w, h, {.kind = datasets::BackgroundKind::noise, .noise_cell_px = 1}));
  EXPECT_GT(rough, 0.25);  // uniform noise: E|a - b| = 1/3
  EXPECT_LT(smooth, 0.25 * rough);
}

TEST(Background, CompositeOverBlackRender) {
  // Two pixels: half-covered red, and empty.
  const std::vector<float> rgb = {0.5f, 0.f, 0.f, 0.f, 0.f, 0.f};  // rendered on black: already times alpha
  const std::vector<float> alpha = {0.5f, 0.f};
  const std::vector<float> background = {0.f, 0.4f, 1.f, 0.2f, 0.6f, 0.8f};
  const auto out = datasets::composite(2, 1, rgb, alpha, background);
  const std::vector<float> expected = {0.5f, 0.2f, 0.5f, 0.2f, 0.6f, 0.8f};
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(out[i], expected[i]);
  EXPECT_THROW(datasets::composite(2, 2, rgb, alpha, background), std::invalid_argument);
}

TEST(Background, SensorBlurAndNoise) {
  constexpr int w = 65, h = 65;
  // Blur spreads an impulse into a normalised Gaussian of the requested sigma.
  std::vector<float> impulse(3 * w * h, 0.f);
  impulse[3 * (32 * w + 32)] = 1.f;
  datasets::apply_sensor(w, h, impulse, {.blur_sigma_px = 2.0}, 0);
  double sum = 0, second_moment = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double v = impulse[3 * (y * w + x)];
      sum += v;
      second_moment += v * ((x - 32) * (x - 32));
    }
  EXPECT_NEAR(sum, 1.0, 1e-3);
  EXPECT_NEAR(std::sqrt(second_moment / sum), 2.0, 0.1);

  const auto noisy = [&](int frame) {
    std::vector<float> grey(3 * w * h, 0.5f);
    datasets::apply_sensor(w, h, grey, {.noise_sigma = 0.05, .seed = 1}, frame);
    return grey;
  };
  const auto a = noisy(0);
  double mean = 0, var = 0;
  for (const float v : a) mean += v;
  mean /= a.size();
  for (const float v : a) var += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(std::sqrt(var / a.size()), 0.05, 0.003);
  EXPECT_EQ(a, noisy(0));
  EXPECT_NE(a, noisy(1));

  std::vector<float> bright(3 * w * h, 0.99f);
  datasets::apply_sensor(w, h, bright, {.noise_sigma = 0.2}, 0);
  for (const float v : bright) ASSERT_TRUE(v >= 0.f && v <= 1.f);
}
