// Control points, the binding, the model-level deformation with its backward
// and forward mode through the optimiser's node blocks, and the
// regularisers: brute-force references and differences written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "render_test_util.hpp"
#include "splattrack/tracker/control_points.hpp"
#include "splattrack/tracker/deformation.hpp"
#include "splattrack/tracker/node_block.hpp"
#include "splattrack/tracker/pose_gradient.hpp"
#include "splattrack/tracker/regularisers.hpp"

namespace splattrack {
namespace {

constexpr int K = gs::kNodesPerGaussian;

// `opaque` Gaussians spread over the unit cube, then `haze` nearly
// transparent ones far outside it.
GaussianModel cube_cloud(int opaque, int haze, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  GaussianModel m;
  m.resize(static_cast<std::size_t>(opaque + haze));
  for (int i = 0; i < opaque + haze; ++i) {
    const bool hazy = i >= opaque;
    for (int k = 0; k < 3; ++k) {
      m.means[3 * i + k] = hazy ? 4.f + 2.f * u(rng) : u(rng);
      m.log_scales[3 * i + k] = std::log(0.02f);
    }
    const float q[4] = {1.f + u(rng), u(rng) - 0.5f, u(rng) - 0.5f, u(rng) - 0.5f};
    std::copy(q, q + 4, m.quats.begin() + 4 * i);
    m.opacity_logits[i] = hazy ? -12.f : 2.f;
  }
  return m;
}

Eigen::Vector3d centre(const GaussianModel& m, int i) {
  return {m.means[3 * i], m.means[3 * i + 1], m.means[3 * i + 2]};
}

TEST(ControlPoints, SamplingSpreadsNodesOverTheOpaqueGaussiansAndSkipsTheHaze) {
  const GaussianModel m = cube_cloud(3000, 60, 1);
  const std::vector<Eigen::Vector3d> nodes = sample_node_positions(m, 64);
  ASSERT_EQ(nodes.size(), 64u);
  for (const auto& p : nodes) EXPECT_LE(p.maxCoeff(), 1.0) << "a node on the haze at " << p.transpose();
  // Coverage: every opaque centre near a node. A 4x4x4 grid over the cube
  // would leave at most its cells' half-diagonal, 0.217; farthest-point
  // sampling is within twice the best possible, and measured 0.245.
  double worst = 0;
  for (int i = 0; i < 3000; ++i) {
    double d = 1e9;
    for (const auto& p : nodes) d = std::min(d, (centre(m, i) - p).norm());
    worst = std::max(worst, d);
  }
  EXPECT_LT(worst, 0.35);
  // Distinct.
  for (std::size_t a = 0; a < nodes.size(); ++a)
    for (std::size_t b = a + 1; b < nodes.size(); ++b) EXPECT_GT((nodes[a] - nodes[b]).norm(), 0.0);
}

TEST(ControlPoints, RadiiAndGraphAreTheBruteForceNearest) {
  const GaussianModel m = cube_cloud(500, 0, 2);
  const ControlPoints cp = make_control_points(sample_node_positions(m, 20));
  ASSERT_EQ(cp.graph_degree, node_defaults::kGraphNeighbours);
  for (int k = 0; k < cp.size(); ++k) {
    std::vector<std::pair<double, int>> d;
    for (int j = 0; j < cp.size(); ++j)
      if (j != k) d.push_back({(cp.positions[j] - cp.positions[k]).norm(), j});
    std::sort(d.begin(), d.end());
    EXPECT_DOUBLE_EQ(cp.radii[k], d[K - 1].first);
    for (int n = 0; n < cp.graph_degree; ++n) EXPECT_EQ(cp.neighbour(k, n), d[n].second);
  }
  EXPECT_THROW(make_control_points({}), std::invalid_argument);
  EXPECT_THROW(make_control_points({Eigen::Vector3d::Zero()}, {0.0}), std::invalid_argument);
}

TEST(ControlPoints, EachGaussianIsBoundToItsNearestNodesWithGaussianWeights) {
  const GaussianModel m = cube_cloud(400, 0, 3);
  const ControlPoints cp = make_control_points(sample_node_positions(m, 12));
  const SkinBinding b = bind_gaussians(m, cp);
  for (int i = 0; i < 400; ++i) {
    std::vector<std::pair<double, int>> d;
    for (int k = 0; k < cp.size(); ++k) d.push_back({(cp.positions[k] - centre(m, i)).squaredNorm(), k});
    std::sort(d.begin(), d.end());
    double w[K], total = 0;
    for (int j = 0; j < K; ++j) {
      const double s = cp.radii[d[j].second];
      total += w[j] = std::exp(-d[j].first / (2 * s * s));
    }
    double sum = 0;
    for (int j = 0; j < K; ++j) {
      EXPECT_EQ(b.nodes[i * K + j], d[j].second);
      EXPECT_NEAR(b.weights[i * K + j], w[j] / total, 1e-6);
      sum += b.weights[i * K + j];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  // Fewer nodes than K: the missing entries weigh nothing.
  const SkinBinding two = bind_gaussians(m, make_control_points({Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 1, 1)}));
  EXPECT_FLOAT_EQ(two.weights[2] + two.weights[3], 0.f);
  EXPECT_NEAR(two.weights[0] + two.weights[1], 1.f, 1e-6);
}

// A deformation with its nodes moved off the identity, a parameter vector
// with the node blocks, and L = Σ_i <a_i, x'_i> + <c_i, q'_i>.
struct Fixture {
  GaussianModel rest = cube_cloud(600, 0, 4);
  Deformation deformation;
  NodeTransforms transforms;
  ParameterVector params;
  NodeBlock block;
  std::vector<double> a, c;

  explicit Fixture(SkinMethod method)
      : deformation(rest, make_control_points(sample_node_positions(rest, 16)), method),
        transforms(NodeTransforms::identity(16)),
        block(params, 16, 0.5, 0.05, 0.05) {
    std::mt19937 rng(6);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int k = 0; k < 16; ++k) {
      transforms.rotations[k] = Eigen::AngleAxisd(0.4 * u(rng), Eigen::Vector3d(u(rng), u(rng), 1).normalized());
      transforms.translations[k] = 0.1 * Eigen::Vector3d(u(rng), u(rng), u(rng));
    }
    for (std::size_t i = 0; i < 3 * rest.size(); ++i) a.push_back(u(rng));
    for (std::size_t i = 0; i < 4 * rest.size(); ++i) c.push_back(u(rng));
  }

  double loss(const NodeTransforms& t) {
    GaussianModel out;
    deformation.apply(t, out, test::test_context());
    double l = 0;
    for (std::size_t i = 0; i < a.size(); ++i) l += a[i] * out.means[i];
    for (std::size_t i = 0; i < c.size(); ++i) l += c[i] * out.quats[i];
    return l;
  }

  GaussianGradients probe() const {
    GaussianGradients g;
    g.means.assign(a.begin(), a.end());
    g.quats.assign(c.begin(), c.end());
    return g;
  }

  Eigen::VectorXd gradient(ExecutionContext& context) {
    NodeGradients g;
    deformation.backward(transforms, probe(), g, context);
    Eigen::VectorXd out = Eigen::VectorXd::Zero(params.size());
    block.gradient(params, transforms, g, out);
    return out;
  }
};

// The largest difference, relative to 1 + |difference|, between `gradient`
// and central differences of `loss` along each parameter's retraction.
double difference_error(Fixture& f, const Eigen::VectorXd& gradient, double h,
                        const std::function<double(const NodeTransforms&)>& loss) {
  double worst = 0;
  for (int i = 0; i < f.params.size(); ++i) {
    NodeTransforms plus = f.transforms, minus = f.transforms;
    Eigen::VectorXd step = Eigen::VectorXd::Zero(f.params.size());
    step[i] = h;
    f.block.retract(f.params, step, plus);
    f.block.retract(f.params, -step, minus);
    const double fd = (loss(plus) - loss(minus)) / (2 * h);
    worst = std::max(worst, std::abs(gradient[i] - fd) / (1 + std::abs(fd)));
  }
  return worst;
}

class DeformationGrad : public ::testing::TestWithParam<SkinMethod> {};

TEST_P(DeformationGrad, IdentityNodesGiveTheRestModel) {
  Fixture f(GetParam());
  GaussianModel out;
  f.deformation.apply(NodeTransforms::identity(16), out, test::test_context());
  ASSERT_EQ(out.size(), f.rest.size());
  for (std::size_t i = 0; i < out.means.size(); ++i) EXPECT_NEAR(out.means[i], f.rest.means[i], 1e-6);
  for (std::size_t i = 0; i < out.quats.size(); ++i) EXPECT_NEAR(out.quats[i], f.rest.quats[i], 1e-6);
  EXPECT_EQ(out.log_scales, f.rest.log_scales);
  EXPECT_EQ(out.opacity_logits, f.rest.opacity_logits);
}

TEST_P(DeformationGrad, NodeBlockGradientMatchesDifferencesOfTheRetraction) {
  Fixture f(GetParam());
  const Eigen::VectorXd g = f.gradient(test::test_context());
  EXPECT_LT(difference_error(f, g, 1e-3, [&](const NodeTransforms& t) { return f.loss(t); }), 2e-3)
      << "gradient norm " << g.norm();
  EXPECT_GT(g.norm(), 1.0);
}

TEST_P(DeformationGrad, ForwardModeIsTheTransposeOfTheBackward) {
  Fixture f(GetParam());
  const Eigen::VectorXd g = f.gradient(test::test_context());
  std::mt19937 rng(7);
  std::normal_distribution<double> n;
  Eigen::VectorXd v(f.params.size());
  for (int i = 0; i < v.size(); ++i) v[i] = n(rng);
  ModelTangent t;
  f.deformation.jvp(f.transforms, f.block.tangent(f.params, f.transforms, v), t, test::test_context());
  double forward = 0;
  for (std::size_t i = 0; i < f.a.size(); ++i) forward += f.a[i] * t.means[i];
  for (std::size_t i = 0; i < f.c.size(); ++i) forward += f.c[i] * t.quats[i];
  EXPECT_NEAR(forward, g.dot(v), 1e-4 * (1 + std::abs(forward)));
}

TEST_P(DeformationGrad, BackwardIsTheSameForAnyThreadCount) {
  Fixture f(GetParam());
  ExecutionContext one(1), two(2);
  const Eigen::VectorXd a = f.gradient(one), b = f.gradient(two);
  for (int i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]);
}

INSTANTIATE_TEST_SUITE_P(Methods, DeformationGrad, ::testing::Values(SkinMethod::lbs, SkinMethod::dqs),
                         [](const auto& info) { return info.param == SkinMethod::lbs ? "Lbs" : "Dqs"; });

// The regularisers' gradients through the node blocks, against differences.
double block_difference_error(const std::function<double(const NodeTransforms&, NodeGradients*)>& energy, Fixture& f) {
  NodeGradients g;
  g.set_zero(16);
  energy(f.transforms, &g);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(f.params.size());
  f.block.gradient(f.params, f.transforms, g, grad);
  return difference_error(f, grad, 1e-6, [&](const NodeTransforms& t) { return energy(t, nullptr); });
}

TEST(Regularisers, ArapIsZeroForARigidMotionAndItsGradientMatchesDifferences) {
  Fixture f(SkinMethod::lbs);
  const ControlPoints& cp = f.deformation.nodes();
  NodeTransforms rigid = NodeTransforms::identity(16);
  const Eigen::Quaterniond r(Eigen::AngleAxisd(0.9, Eigen::Vector3d(1, 2, 3).normalized()));
  for (int k = 0; k < 16; ++k) {
    rigid.rotations[k] = r;
    rigid.translations[k] = r * cp.positions[k] + Eigen::Vector3d(0.3, -0.1, 0.2) - cp.positions[k];
  }
  EXPECT_NEAR(arap_energy(cp, rigid, 0.5, nullptr), 0.0, 1e-24);
  EXPECT_GT(arap_energy(cp, f.transforms, 0.5, nullptr), 1e-3);
  const double err =
      block_difference_error([&](const NodeTransforms& t, NodeGradients* g) { return arap_energy(cp, t, 0.5, g); }, f);
  EXPECT_LT(err, 1e-6);
}

TEST(Regularisers, TemporalIsZeroAtTheReferenceBlindToSignAndItsGradientMatchesDifferences) {
  Fixture f(SkinMethod::lbs);
  NodeTransforms reference = f.transforms;
  EXPECT_NEAR(temporal_energy(f.transforms, reference, 0.5, nullptr), 0.0, 1e-14);
  for (auto& q : reference.rotations) q.coeffs() = -q.coeffs();
  EXPECT_NEAR(temporal_energy(f.transforms, reference, 0.5, nullptr), 0.0, 1e-14);
  // One node turned 0.1 rad and moved 0.05 (a tenth of the radius): ≈ (0.01 + 0.01) / M.
  reference = f.transforms;
  reference.rotations[3] =
      Eigen::Quaterniond(Eigen::AngleAxisd(0.1, Eigen::Vector3d::UnitX())) * reference.rotations[3];
  reference.translations[3] += Eigen::Vector3d(0.05, 0, 0);
  EXPECT_NEAR(temporal_energy(f.transforms, reference, 0.5, nullptr), 0.02 / 16, 1e-6);
  for (int k = 0; k < 16; ++k) reference.translations[k] += Eigen::Vector3d(0.01 * k, 0, 0.02);
  const double err = block_difference_error(
      [&](const NodeTransforms& t, NodeGradients* g) { return temporal_energy(t, reference, 0.5, g); }, f);
  EXPECT_LT(err, 1e-6);
}

}  // namespace
}  // namespace splattrack

namespace splattrack {
namespace {

// The whole chain the deformation fit differentiates: nodes → skinning →
// pose → render → L = <U, rgb> + <V, alpha>, its gradient through
// RenderPass::backward, unposed_gradients, Deformation::backward and the node
// blocks, against the same chain in forward mode (the node blocks' tangent,
// Deformation::jvp, the pose applied to the tangent as written here, and
// RenderPass::jvp): <grad, v> = <(U, V), J v> for any v. Differences of
// renders would see the renderer's cuts (a pose's need 35 % tolerance,
// test_tracker_steps); the renderer's own transposition is exact.
TEST(DeformationThroughTheRenderer, BackwardIsTheTransposeOfTheForwardChain) {
  const GaussianModel rest = test::blobs();
  Camera camera;
  camera.width = camera.height = 64;
  camera.fx = camera.fy = 80;
  camera.cx = camera.cy = 31.5;
  RigidTransform pose;
  pose.rotation = Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, 2, 0.5).normalized());
  pose.translation = {0.05, -0.03, 1.6};
  const Deformation deformation(rest, make_control_points(sample_node_positions(rest, 6)), SkinMethod::dqs);
  ParameterVector params;
  const NodeBlock block(params, 6, 0.35, 0.05, 0.05);
  NodeTransforms transforms = NodeTransforms::identity(6);
  std::mt19937 rng(8);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int k = 0; k < 6; ++k) {
    transforms.rotations[k] = Eigen::AngleAxisd(0.2 * u(rng), Eigen::Vector3d(u(rng), u(rng), 1).normalized());
    transforms.translations[k] = 0.03 * Eigen::Vector3d(u(rng), u(rng), u(rng));
  }
  std::vector<float> du(3 * 64 * 64), dv(64 * 64);
  for (float& x : du) x = static_cast<float>(u(rng));
  for (float& x : dv) x = static_cast<float>(u(rng));

  Renderer renderer(test::test_context());
  GaussianModel shape;
  deformation.apply(transforms, shape, test::test_context());
  const GaussianModel posed = transformed(shape, pose);
  RenderPass pass = renderer.forward(posed, camera);
  GaussianGradients unposed;
  unposed_gradients(pose, pass.backward(du.data(), dv.data()), unposed);
  NodeGradients g;
  deformation.backward(transforms, unposed, g, test::test_context());
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(params.size());
  block.gradient(params, transforms, g, grad);
  ASSERT_GT(grad.norm(), 0.0);

  for (int trial = 0; trial < 4; ++trial) {
    Eigen::VectorXd v(params.size());
    for (int i = 0; i < v.size(); ++i) v[i] = u(rng);
    ModelTangent t;
    deformation.jvp(transforms, block.tangent(params, transforms, v), t, test::test_context());
    // Posed: x'' = R x' + t moves by R dx', q'' = r ⊗ q' by r ⊗ dq'.
    const Eigen::Matrix3d r = pose.rotation.toRotationMatrix();
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const Eigen::Vector3d dx = r * Eigen::Vector3d(t.means[3 * i], t.means[3 * i + 1], t.means[3 * i + 2]);
      const Eigen::Quaterniond dq = pose.rotation * Eigen::Quaterniond(t.quats[4 * i], t.quats[4 * i + 1],
                                                                       t.quats[4 * i + 2], t.quats[4 * i + 3]);
      for (int k = 0; k < 3; ++k) t.means[3 * i + k] = static_cast<float>(dx[k]);
      t.quats[4 * i] = static_cast<float>(dq.w());
      for (int k = 0; k < 3; ++k) t.quats[4 * i + 1 + k] = static_cast<float>(dq.vec()[k]);
    }
    const RenderTangent& image = pass.jvp({t})[0];
    double forward = 0;
    for (std::size_t i = 0; i < du.size(); ++i) forward += du[i] * image.rgb[i];
    for (std::size_t i = 0; i < dv.size(); ++i) forward += dv[i] * image.alpha[i];
    EXPECT_NEAR(forward, grad.dot(v), 1e-4 * (std::abs(forward) + grad.norm() * v.norm())) << "trial " << trial;
  }
}

}  // namespace
}  // namespace splattrack
