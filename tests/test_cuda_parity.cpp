// The CUDA renderer against the CPU one, the reference (issue 12): images
// within 1e-4, gradients and forward-mode images within 1e-3 of each
// array's scale, on random scenes (decisions clear of flips, so that the two
// back ends' roundings cannot make them differ), antialiased and pose-only
// variants, and the real models of ../shared/data. Skipped, with the reason,
// where no device can run this build's kernels; without one, making a
// CudaRenderer must fail with that reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "plain_view_test_util.hpp"
#include "render_reference.hpp"
#include "render_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/cuda.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/deformation.hpp"

using namespace splattrack;

namespace {

constexpr float kImageTolerance = 1e-4f;
constexpr double kGradientTolerance = 1e-3;

#define SKIP_WITHOUT_DEVICE() \
  if (!cuda_device().available) GTEST_SKIP() << cuda_device().reason

// max |a - b| relative to max |b| (the array's scale), 0 for two zero arrays.
double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
    scale = std::max(scale, static_cast<double>(std::abs(b[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

// The share of entries further apart than `tolerance`, and the largest difference.
struct ImageDiff {
  double share_off = 0;
  float max = 0;
};

ImageDiff image_difference(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
  EXPECT_EQ(a.size(), b.size());
  ImageDiff d;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const float e = std::abs(a[i] - b[i]);
    d.max = std::max(d.max, e);
    d.share_off += e > tolerance;
  }
  if (n) d.share_off /= static_cast<double>(n);
  return d;
}

// Scenes drawn clear of decision flips match everywhere. A real model has
// splats at alpha 1/255 or at the stop threshold to a rounding: a flipped
// decision moves its pixel by up to ~0.004 (and the gradients near it), so
// there a few pixels may differ and the gradients match to 1e-2.
struct Tolerances {
  double share_off = 0;
  float max_off = kImageTolerance;
  double gradient = kGradientTolerance;
};
constexpr Tolerances kClearOfFlips{};
constexpr Tolerances kRealModel{1e-3, 0.02f, 1e-2};

void expect_image_close(const std::vector<float>& got, const std::vector<float>& expected, const Tolerances& t,
                        const std::string& what) {
  const ImageDiff d = image_difference(got, expected, kImageTolerance);
  EXPECT_LE(d.share_off, t.share_off) << what;
  EXPECT_LT(d.max, std::max(t.max_off, kImageTolerance)) << what;
}

void expect_same_render(const GaussianModel& model, const Camera& camera, const RenderOptions& options,
                        std::mt19937& rng, const std::string& what, const Tolerances& tol = kClearOfFlips) {
  Renderer cpu(test::test_context(), options);
  RenderPass pass = cpu.forward(model, camera);
  CudaRenderer gpu(options);
  const RenderImage& image = gpu.forward(model, camera);
  ASSERT_EQ(image.width, camera.width);
  ASSERT_EQ(image.height, camera.height);
  expect_image_close(image.rgb, pass.image().rgb, tol, what + " rgb");
  expect_image_close(image.alpha, pass.image().alpha, tol, what + " alpha");
  EXPECT_LT(relative_difference(image.depth, pass.image().depth), std::max<double>(kImageTolerance, tol.max_off))
      << what;

  const test::LinearLoss loss = test::random_loss(camera.width, camera.height, rng);
  const GaussianGradients& expected = pass.backward(loss.w_rgb.data(), loss.w_alpha.data());
  const GaussianGradients& got = gpu.backward(loss.w_rgb.data(), loss.w_alpha.data());
  EXPECT_LT(relative_difference(got.means, expected.means), tol.gradient) << what;
  EXPECT_LT(relative_difference(got.quats, expected.quats), tol.gradient) << what;
  EXPECT_LT(relative_difference(got.log_scales, expected.log_scales), tol.gradient) << what;
  EXPECT_LT(relative_difference(got.opacity_logits, expected.opacity_logits), tol.gradient) << what;
  EXPECT_LT(relative_difference(got.sh, expected.sh), tol.gradient) << what;

  // Eight directions: two walks of six and two.
  std::normal_distribution<float> n01;
  std::vector<ModelTangent> tangents(8);
  for (ModelTangent& t : tangents) {
    t.means.resize(model.means.size());
    t.quats.resize(model.quats.size());
    for (float& v : t.means) v = 0.01f * n01(rng);
    for (float& v : t.quats) v = 0.05f * n01(rng);
  }
  const std::vector<RenderTangent> cpu_tangents = pass.jvp(tangents);
  const std::vector<RenderTangent>& gpu_tangents = gpu.jvp(tangents);
  ASSERT_EQ(gpu_tangents.size(), tangents.size());
  for (std::size_t k = 0; k < tangents.size(); ++k) {
    EXPECT_LT(relative_difference(gpu_tangents[k].rgb, cpu_tangents[k].rgb), tol.gradient) << what << " " << k;
    EXPECT_LT(relative_difference(gpu_tangents[k].alpha, cpu_tangents[k].alpha), tol.gradient)
        << what << " " << k;
  }
}

TEST(CudaParity, RandomScenesRenderDifferentiateAndTangentAlike) {
  SKIP_WITHOUT_DEVICE();
  std::mt19937 rng(12);
  for (int sh_degree : {0, 3})
    for (bool antialiased : {false, true})
      for (bool pose_only : {false, true}) {
        const Camera camera = test::test_camera(83, 61, rng);  // not a multiple of the tile
        test::SceneSpec spec;
        spec.count = 400;
        spec.sh_degree = sh_degree;
        GaussianModel model = test::random_scene(camera, spec, rng);
        model.antialiased = antialiased;
        RenderOptions options;
        options.background = {0.2f, 0.5f, 0.1f};
        options.pose_gradients_only = pose_only;
        expect_same_render(model, camera, options, rng,
                           "sh " + std::to_string(sh_degree) + (antialiased ? " antialiased" : "") +
                               (pose_only ? " pose only" : ""));
      }
}

TEST(CudaParity, TheSharedRealModelsRenderAlike) {
  SKIP_WITHOUT_DEVICE();
  std::mt19937 rng(5);
  int found = 0;
  for (const char* file : {"fox_cc0_sh0_50k.ply", "fruit_drops_minimal_sh3_4721.ply"}) {
    const std::string path = std::string(SPLATTRACK_SHARED_DATA) + "/models/" + file;
    if (!std::filesystem::is_regular_file(path)) continue;
    ++found;
    const GaussianModel model = io::read_gaussians(path);
    const Camera camera = framing_camera(model_bounds(model), 320, 240, {0, 1, 0.3}, {0, 0, 1});
    expect_same_render(model, camera, RenderOptions{}, rng, file, kRealModel);
  }
  if (found == 0) GTEST_SKIP() << SPLATTRACK_SHARED_DATA << "/models holds none of the models";
}

// The check `--device auto` relies on: passes on a device that runs the
// kernels; without one it fails with the device's reason.
TEST(CudaParity, TheSelfCheckPassesWhereADeviceRunsTheKernels) {
  const CudaCheck& check = cuda_self_check();
  if (cuda_device().available) {
    EXPECT_TRUE(check.passed) << check.detail;
  } else {
    EXPECT_FALSE(check.passed);
    EXPECT_EQ(check.detail, cuda_device().reason);
  }
}

// A short tracking run (the procedural object turning and drifting over a
// plain background, no masks) gives the same poses with the GPU rendering.
TEST(CudaParity, ATrackingRunFollowsTheSamePoses) {
  SKIP_WITHOUT_DEVICE();
  const test::PlainView view(160, 120, 0.5);
  std::vector<FrameImage> frames;
  RigidPose pose;
  pose.translation = {0, 0, 0};
  for (int k = 0; k < 6; ++k) {
    RigidPose p = pose;
    p.rotation = Eigen::AngleAxisd(0.03 * k, Eigen::Vector3d(0.3, 1, 0).normalized());
    p.translation.x() = 0.01 * k;
    frames.push_back(view.at(p));
  }
  std::vector<RigidPose> poses[2];
  for (int device = 0; device < 2; ++device) {
    TrackerOptions options;
    options.threads = 2;
    options.first_frame_refines = true;
    options.cuda = device == 1;
    RigidTracker tracker(view.model, view.camera, options);
    for (std::size_t k = 0; k < frames.size(); ++k)
      poses[device].push_back(k == 0 ? tracker.initialize(frames[k].view(), pose).pose
                                     : tracker.track(frames[k].view()).pose);
  }
  for (std::size_t k = 0; k < frames.size(); ++k) {
    EXPECT_LT(rotation_error_deg(poses[1][k], poses[0][k]), 0.05) << "frame " << k;
    EXPECT_LT((poses[1][k].translation - poses[0][k].translation).norm(), 1e-3) << "frame " << k;
  }
}

// The deformation skinned on the GPU (CudaSkinning) as on the CPU: the
// deformed model, the node gradients and the forward mode, both methods.
TEST(CudaParity, TheDeformationSkinsAlikeOnTheGpu) {
  const GaussianModel model = datasets::make_object_model({3000, 3});
  const ControlPoints nodes = make_control_points(sample_node_positions(model, 24));
  if (!cuda_device().available) {
    EXPECT_THROW(Deformation(model, nodes, SkinMethod::lbs, true), std::runtime_error);
    GTEST_SKIP() << cuda_device().reason;
  }
  std::mt19937 rng(9);
  std::normal_distribution<double> n01;
  NodeTransforms t = NodeTransforms::identity(nodes.size());
  NodeTangent tangent;
  tangent.set_zero(nodes.size());
  for (int k = 0; k < nodes.size(); ++k) {
    t.rotations[k] = Eigen::Quaterniond(1, 0.1 * n01(rng), 0.1 * n01(rng), 0.1 * n01(rng)).normalized();
    t.translations[k] = 0.05 * Eigen::Vector3d(n01(rng), n01(rng), n01(rng));
    tangent.rotations[k] = Eigen::Vector4d(n01(rng), n01(rng), n01(rng), n01(rng));
    tangent.translations[k] = Eigen::Vector3d(n01(rng), n01(rng), n01(rng));
  }
  GaussianGradients grads;
  std::normal_distribution<float> f01;
  grads.means.resize(model.means.size());
  grads.quats.resize(model.quats.size());
  for (float& v : grads.means) v = f01(rng);
  for (float& v : grads.quats) v = f01(rng);
  ExecutionContext& context = test::test_context();
  for (const SkinMethod method : {SkinMethod::lbs, SkinMethod::dqs}) {
    const Deformation cpu(model, nodes, method), gpu(model, nodes, method, true);
    GaussianModel a, b;
    cpu.apply(t, a, context);
    gpu.apply(t, b, context);
    EXPECT_LT(relative_difference(b.means, a.means), 1e-5);
    EXPECT_LT(relative_difference(b.quats, a.quats), 1e-5);
    NodeGradients ga, gb;
    cpu.backward(t, grads, ga, context);
    gpu.backward(t, grads, gb, context);
    double diff = 0, scale = 0;
    for (int k = 0; k < nodes.size(); ++k) {
      diff = std::max(
          {diff, (gb.rotations[k] - ga.rotations[k]).norm(), (gb.translations[k] - ga.translations[k]).norm()});
      scale = std::max({scale, ga.rotations[k].norm(), ga.translations[k].norm()});
    }
    EXPECT_LT(diff, 1e-4 * scale);
    ModelTangent ta, tb;
    cpu.jvp(t, tangent, ta, context);
    gpu.jvp(t, tangent, tb, context);
    EXPECT_LT(relative_difference(tb.means, ta.means), 1e-5);
    EXPECT_LT(relative_difference(tb.quats, ta.quats), 1e-5);
  }
}

TEST(CudaParity, WithoutADeviceACudaRendererSaysWhy) {
  if (cuda_device().available) GTEST_SKIP() << "a device is present: " << cuda_device().name;
  ASSERT_FALSE(cuda_device().reason.empty());
  try {
    CudaRenderer renderer;
    FAIL() << "made a CudaRenderer without a device";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), cuda_device().reason);
  }
}

}  // namespace
