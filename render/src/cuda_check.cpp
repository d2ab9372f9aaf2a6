#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "splattrack/render/cuda.hpp"

namespace splattrack {
namespace {

constexpr int kWidth = 96, kHeight = 72, kGaussians = 300;
constexpr float kImageTolerance = 1e-4f, kImageOutlier = 0.02f;
constexpr double kOutlierShare = 1e-3, kGradientTolerance = 1e-2;

// Gaussians of 1-6 px at depths 2-4 in front of the camera, view-dependent colour.
GaussianModel check_scene(const Camera& camera, std::mt19937& rng) {
  std::uniform_real_distribution<float> u01(0.f, 1.f);
  std::normal_distribution<float> n01;
  GaussianModel m;
  m.sh_degree = 1;
  m.resize(kGaussians);
  for (int i = 0; i < kGaussians; ++i) {
    const float z = 2.f + 2.f * u01(rng);
    const float u = kWidth * (1.2f * u01(rng) - 0.1f), v = kHeight * (1.2f * u01(rng) - 0.1f);
    m.means[3 * i] = static_cast<float>((u - camera.cx) * z / camera.fx);
    m.means[3 * i + 1] = static_cast<float>((v - camera.cy) * z / camera.fy);
    m.means[3 * i + 2] = z;
    for (int k = 0; k < 4; ++k) m.quats[4 * i + k] = n01(rng);
    const float size = std::log((1.f + 5.f * u01(rng)) * z / static_cast<float>(camera.fx));
    for (int k = 0; k < 3; ++k) m.log_scales[3 * i + k] = size + 0.4f * n01(rng);
    m.opacity_logits[i] = -1.f + 4.f * u01(rng);
    for (int k = 0; k < 3 * m.sh_coeffs(); ++k) m.sh[3 * m.sh_coeffs() * i + k] = (k < 3 ? 1.f : 0.3f) * n01(rng);
  }
  return m;
}

// Empty when close; else what differs.
std::string compare_image(const std::vector<float>& gpu, const std::vector<float>& cpu, const char* what) {
  if (gpu.size() != cpu.size()) return std::string(what) + ": sizes differ";
  std::size_t off = 0;
  float worst = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    const float d = std::abs(gpu[i] - cpu[i]);
    off += !(d <= kImageTolerance);
    worst = std::max(worst, std::isfinite(d) ? d : INFINITY);
  }
  if (off <= kOutlierShare * static_cast<double>(cpu.size()) && worst <= kImageOutlier) return "";
  return std::string(what) + " differs from the CPU's by up to " + std::to_string(worst) + " (" +
         std::to_string(off) + " of " + std::to_string(cpu.size()) + " values beyond 1e-4)";
}

std::string compare_array(const std::vector<float>& gpu, const std::vector<float>& cpu, const char* what) {
  const double d = relative_max_difference(gpu, cpu);
  if (d <= kGradientTolerance) return "";
  return std::string(what) + " differs from the CPU's by " + std::to_string(d) + " of its scale";
}

CudaCheck run_check() {
  if (!cuda_device().available) return {false, cuda_device().reason};
  std::mt19937 rng(2026);
  Camera camera;
  camera.width = kWidth;
  camera.height = kHeight;
  camera.fx = camera.fy = 80;
  camera.cx = 0.5 * kWidth;
  camera.cy = 0.5 * kHeight;
  const GaussianModel model = check_scene(camera, rng);
  RenderOptions options;
  options.background = {0.1f, 0.3f, 0.2f};
  std::normal_distribution<float> n01;
  std::vector<float> dl_drgb(3 * kWidth * kHeight), dl_dalpha(kWidth * kHeight);
  for (float& v : dl_drgb) v = n01(rng);
  for (float& v : dl_dalpha) v = n01(rng);
  std::vector<ModelTangent> tangents(2);
  for (ModelTangent& t : tangents) {
    t.means.resize(model.means.size());
    t.quats.resize(model.quats.size());
    for (float& v : t.means) v = 0.01f * n01(rng);
    for (float& v : t.quats) v = 0.05f * n01(rng);
  }
  try {
    ExecutionContext context(1);
    Renderer cpu(context, options);
    RenderPass pass = cpu.forward(model, camera);
    CudaRenderer gpu(options);
    const RenderImage& image = gpu.forward(model, camera);
    std::string failed = compare_image(image.rgb, pass.image().rgb, "the image");
    if (failed.empty()) failed = compare_image(image.alpha, pass.image().alpha, "the alpha");
    const GaussianGradients& g = gpu.backward(dl_drgb.data(), dl_dalpha.data());
    const GaussianGradients& c = pass.backward(dl_drgb.data(), dl_dalpha.data());
    if (failed.empty()) failed = compare_array(g.means, c.means, "the means' gradient");
    if (failed.empty()) failed = compare_array(g.quats, c.quats, "the rotations' gradient");
    if (failed.empty()) failed = compare_array(g.log_scales, c.log_scales, "the scales' gradient");
    if (failed.empty()) failed = compare_array(g.opacity_logits, c.opacity_logits, "the opacities' gradient");
    if (failed.empty()) failed = compare_array(g.sh, c.sh, "the colours' gradient");
    const std::vector<RenderTangent>& gt = gpu.jvp(tangents);
    const std::vector<RenderTangent>& ct = pass.jvp(tangents);
    for (std::size_t k = 0; k < tangents.size() && failed.empty(); ++k)
      failed = compare_array(gt[k].rgb, ct[k].rgb, "a forward-mode image");
    if (!failed.empty()) return {false, cuda_device().name + ": " + failed};
  } catch (const std::exception& e) {
    return {false, cuda_device().name + ": " + e.what()};
  }
  return {true, cuda_device().name + " renders as the CPU does"};
}

}  // namespace

const CudaCheck& cuda_self_check() {
  static const CudaCheck check = run_check();
  return check;
}

}  // namespace splattrack
