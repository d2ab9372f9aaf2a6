#include <cstdio>
#include <filesystem>
#include <random>

#include "bench.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/cuda.hpp"
#include "splattrack/render/framing.hpp"

namespace splattrack::apps {

namespace {

inline constexpr int kGeneratedGaussians = 10000;

// The fox stands along +z (its model spans z in [0, 2.5]); view it from the
// side, level, so that it fills the frame as a user's camera would.
Camera fox_camera(const GaussianModel& fox, int size) {
  return framing_camera(model_bounds(fox), size, size, Eigen::Vector3d(0, 1, 0), Eigen::Vector3d(0, 0, 1));
}

// A loss gradient as a tracker would produce: a fixed random image.
std::vector<float> random_gradient(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> g(n);
  for (float& v : g) v = u(rng);
  return g;
}

BenchRow measure(const std::string& scene, const GaussianModel& model, const Camera& camera,
                 const BenchConfig& config, bool pose_only, bool cuda) {
  RenderOptions options;
  options.pose_gradients_only = pose_only;
  options.cuda = cuda;
  ExecutionContext context(config.threads);
  Renderer renderer(context, options);
  const std::size_t pixels = static_cast<std::size_t>(camera.width) * camera.height;
  const std::vector<float> d_rgb = random_gradient(3 * pixels, 1);
  const std::vector<float> d_alpha = random_gradient(pixels, 2);
  const double fwd = median_ms(config.runs, [&] { const RenderPass pass = renderer.forward(model, camera); });
  const double fwd_bwd = median_ms(config.runs, [&] {
    RenderPass pass = renderer.forward(model, camera);
    pass.backward(d_rgb.data(), d_alpha.data());
  });
  // Six model directions, as a Ceres pose Jacobian takes (forward mode): to
  // compare with the twelve forwards central differences would need.
  std::vector<ModelTangent> directions(6);
  for (std::size_t k = 0; k < directions.size(); ++k) {
    directions[k].means = random_gradient(3 * model.size(), 10 + static_cast<unsigned>(k));
    directions[k].quats = random_gradient(4 * model.size(), 20 + static_cast<unsigned>(k));
  }
  const double fwd_jvp6 = median_ms(config.runs, [&] {
    RenderPass pass = renderer.forward(model, camera);
    pass.jvp(directions);
  });
  BenchRow row;
  row.set("bench", "render").set("scene", scene).set("gaussians", static_cast<double>(model.size()));
  row.set("width", camera.width).set("height", camera.height).set("device", cuda ? "cuda" : "cpu");
  row.set("threads", config.threads);
  row.set("grads", pose_only ? "pose" : "all").set("fwd_ms", fwd).set("fwd_bwd_ms", fwd_bwd);
  row.set("fwd_jvp6_ms", fwd_jvp6).set("runs", config.runs);
  return row;
}

}  // namespace

std::vector<BenchRow> bench_render(const BenchConfig& config) {
  // CUDA rows beside the CPU ones where a device renders as the CPU does.
  const bool cuda = cuda_self_check().passed;
  if (!cuda) std::fprintf(stderr, "bench render: CPU rows only (%s)\n", cuda_self_check().detail.c_str());
  std::vector<BenchRow> rows;
  const auto measure_both = [&](const std::string& scene, const GaussianModel& model, const Camera& camera,
                                bool pose_only) {
    rows.push_back(measure(scene, model, camera, config, pose_only, false));
    if (cuda) rows.push_back(measure(scene, model, camera, config, pose_only, true));
  };
  const std::string fox_path = config.shared_data + "/models/fox_cc0_sh0_50k.ply";
  if (!config.shared_data.empty() && std::filesystem::is_regular_file(fox_path)) {
    const GaussianModel fox = io::read_gaussians(fox_path);
    for (int size : {256, 512})
      for (bool pose_only : {false, true}) measure_both("fox", fox, fox_camera(fox, size), pose_only);
  } else {
    std::fprintf(stderr, "bench render: %s not found, fox cases skipped (give --data DIR)\n", fox_path.c_str());
  }
  datasets::ObjectModelOptions mo;
  mo.gaussians = kGeneratedGaussians;
  const GaussianModel object = datasets::make_object_model(mo);
  const Camera camera = framing_camera(model_bounds(object), 256, 256, Eigen::Vector3d(0, 0, 1), Eigen::Vector3d(0, -1, 0));
  for (bool pose_only : {false, true}) measure_both("object10k", object, camera, pose_only);
  return rows;
}

}  // namespace splattrack::apps
