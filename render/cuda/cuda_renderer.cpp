// CudaRenderer on the stages of render/cuda: host code, no CUDA types (the
// launchers and device.hpp hide them). Per forward: upload the model, project,
// intersect, rasterize, download the image; the buffers persist.
#include <stdexcept>
#include <string>

#include "../src/view_setup.hpp"
#include "device.hpp"
#include "intersect.hpp"
#include "project.hpp"
#include "rasterize.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack {
namespace {

template <class T>
std::size_t bytes(const std::vector<T>& v) {
  return v.size() * sizeof(T);
}

}  // namespace

const CudaDevice& cuda_device() {
  static const CudaDevice device = [] {
    const cuda::DeviceQuery q = cuda::query_device();
    return CudaDevice{q.available, q.name, q.reason};
  }();
  return device;
}

struct CudaRenderer::Impl {
  RenderOptions options;
  cuda::Stream stream;
  // The model as uploaded by the last forward().
  cuda::DeviceBuffer means, quats, log_scales, opacity_logits, sh;
  cuda::ModelArrays model{};
  gs::View view{};
  // Projection and tile lists.
  cuda::DeviceBuffer splats, depth_keys, rects, tiles_touched;
  cuda::IntersectBuffers intersect;
  cuda::TileLists lists{};
  // Images and what backward / jvp read and write.
  cuda::DeviceBuffer rgb, alpha, depth, transmittance;
  cuda::DeviceBuffer dl_drgb, dl_dalpha, sums;
  cuda::DeviceBuffer d_means, d_quats, d_log_scales, d_opacity_logits, d_sh;
  cuda::DeviceBuffer tangent_means[cuda::kMaxTangents], tangent_quats[cuda::kMaxTangents];
  cuda::DeviceBuffer splat_tangents, tangent_rgb[cuda::kMaxTangents], tangent_alpha[cuda::kMaxTangents];
  bool rendered = false;
  bool appearance = true;  // the gradients backward() computes, as the options were at forward()
  RenderImage image;
  GaussianGradients grads;
  std::vector<RenderTangent> tangents;

  std::size_t pixels() const { return static_cast<std::size_t>(image.width) * image.height; }

  template <class T>
  T* upload(cuda::DeviceBuffer& buffer, const std::vector<T>& host) {
    T* device = buffer.reserve_as<T>(host.size());
    stream.upload(device, host.data(), bytes(host));
    return device;
  }

  void require_forward(const char* who) const {
    if (!rendered) throw std::logic_error(std::string("CudaRenderer::") + who + " before forward()");
  }
};

CudaRenderer::CudaRenderer(RenderOptions options) {
  check_options(options);
  if (!cuda_device().available) throw std::runtime_error(cuda_device().reason);
  impl_ = std::make_unique<Impl>();
  impl_->options = options;
}

CudaRenderer::~CudaRenderer() = default;

const RenderOptions& CudaRenderer::options() const { return impl_->options; }

void CudaRenderer::set_options(const RenderOptions& options) {
  check_options(options);
  impl_->options = options;
}

const RenderImage& CudaRenderer::forward(const GaussianModel& model, const Camera& camera) {
  check_inputs(model, camera, "CudaRenderer::forward");
  Impl& s = *impl_;
  s.rendered = false;
  const int n = static_cast<int>(model.size());
  s.view = make_view(camera, s.options, model.antialiased);
  s.model = {s.upload(s.means, model.means), s.upload(s.quats, model.quats),
             s.upload(s.log_scales, model.log_scales), s.upload(s.opacity_logits, model.opacity_logits),
             s.upload(s.sh, model.sh), model.sh_degree, n};
  const int w = camera.width, h = camera.height;
  const int tiles_x = (w + gs::kTileSize - 1) / gs::kTileSize, tiles_y = (h + gs::kTileSize - 1) / gs::kTileSize;
  const std::size_t count = static_cast<std::size_t>(n);
  const cuda::Projected projected{s.splats.reserve_as<cuda::Splat>(count),
                                  s.depth_keys.reserve_as<std::uint32_t>(count),
                                  s.rects.reserve_as<gs::PixelRect<int>>(count),
                                  s.tiles_touched.reserve_as<int>(count)};
  cuda::project_fwd(s.model, s.view, w, h, projected, s.stream.handle());
  const cuda::Intersected x = cuda::intersect(projected, n, tiles_x, tiles_y, s.intersect, s.stream.handle());
  const auto& bg = s.options.background;
  s.lists = {projected.splats, x.gaussians, x.ranges, w, h, tiles_x, tiles_y, {bg[0], bg[1], bg[2]}};

  s.image.width = w;
  s.image.height = h;
  const std::size_t pixels = s.pixels();
  const cuda::Images images{s.rgb.reserve_as<float>(3 * pixels), s.alpha.reserve_as<float>(pixels),
                            s.depth.reserve_as<float>(pixels), s.transmittance.reserve_as<float>(pixels)};
  cuda::rasterize_fwd(s.lists, images, s.stream.handle());
  s.image.rgb.resize(3 * pixels);
  s.image.alpha.resize(pixels);
  s.image.depth.resize(pixels);
  s.stream.download(s.image.rgb.data(), images.rgb, bytes(s.image.rgb));
  s.stream.download(s.image.alpha.data(), images.alpha, bytes(s.image.alpha));
  s.stream.download(s.image.depth.data(), images.depth, bytes(s.image.depth));
  s.stream.synchronize();
  s.rendered = true;
  s.appearance = !s.options.pose_gradients_only;
  return s.image;
}

const GaussianGradients& CudaRenderer::backward(const float* dl_drgb, const float* dl_dalpha) {
  Impl& s = *impl_;
  s.require_forward("backward");
  const std::size_t pixels = s.pixels(), n = static_cast<std::size_t>(s.model.count);
  const std::size_t k3 = 3 * static_cast<std::size_t>(sh_coeff_count(s.model.sh_degree));
  float* drgb = nullptr;
  float* dalpha = nullptr;
  if (dl_drgb) {
    drgb = s.dl_drgb.reserve_as<float>(3 * pixels);
    s.stream.upload(drgb, dl_drgb, 3 * pixels * sizeof(float));
  }
  if (dl_dalpha) {
    dalpha = s.dl_dalpha.reserve_as<float>(pixels);
    s.stream.upload(dalpha, dl_dalpha, pixels * sizeof(float));
  }
  auto* sums = s.sums.reserve_as<cuda::SplatGradSum>(n);
  s.stream.zero(sums, n * sizeof(cuda::SplatGradSum));
  cuda::rasterize_bwd(s.lists, {static_cast<const float*>(s.rgb.data()),
                                static_cast<const float*>(s.transmittance.data()), drgb, dalpha},
                      sums, s.stream.handle());
  const cuda::ModelGradArrays out{s.d_means.reserve_as<float>(3 * n), s.d_quats.reserve_as<float>(4 * n),
                                  s.d_log_scales.reserve_as<float>(3 * n), s.d_opacity_logits.reserve_as<float>(n),
                                  s.d_sh.reserve_as<float>(k3 * n)};
  cuda::project_bwd(s.model, s.view, static_cast<const std::uint32_t*>(s.depth_keys.data()), sums, s.appearance,
                    out, s.stream.handle());
  GaussianGradients& g = s.grads;
  g.means.resize(3 * n);
  g.quats.resize(4 * n);
  s.stream.download(g.means.data(), out.means, bytes(g.means));
  s.stream.download(g.quats.data(), out.quats, bytes(g.quats));
  if (s.appearance) {
    g.log_scales.resize(3 * n);
    g.opacity_logits.resize(n);
    g.sh.resize(k3 * n);
    s.stream.download(g.log_scales.data(), out.log_scales, bytes(g.log_scales));
    s.stream.download(g.opacity_logits.data(), out.opacity_logits, bytes(g.opacity_logits));
    s.stream.download(g.sh.data(), out.sh, bytes(g.sh));
  } else {
    // Zeros, not downloaded: for pose tracking they are most of the bytes.
    g.log_scales.assign(3 * n, 0.f);
    g.opacity_logits.assign(n, 0.f);
    g.sh.assign(k3 * n, 0.f);
  }
  s.stream.synchronize();
  return g;
}

const std::vector<RenderTangent>& CudaRenderer::jvp(const std::vector<ModelTangent>& tangents) {
  Impl& s = *impl_;
  s.require_forward("jvp");
  const std::size_t pixels = s.pixels(), n = static_cast<std::size_t>(s.model.count);
  for (const ModelTangent& t : tangents)
    if (t.means.size() != 3 * n || t.quats.size() != 4 * n)
      throw std::invalid_argument("CudaRenderer::jvp: a tangent's arrays do not match the model rendered");
  s.tangents.resize(tangents.size());
  for (std::size_t first = 0; first < tangents.size(); first += cuda::kMaxTangents) {
    const int count = static_cast<int>(std::min<std::size_t>(cuda::kMaxTangents, tangents.size() - first));
    cuda::ModelTangents directions{};
    directions.count = count;
    cuda::TangentImages images{};
    images.count = count;
    images.opacity = s.view.antialiased;
    for (int k = 0; k < count; ++k) {
      const ModelTangent& t = tangents[first + static_cast<std::size_t>(k)];
      directions.means[k] = s.upload(s.tangent_means[k], t.means);
      directions.quats[k] = s.upload(s.tangent_quats[k], t.quats);
      images.rgb[k] = s.tangent_rgb[k].reserve_as<float>(3 * pixels);
      images.alpha[k] = s.tangent_alpha[k].reserve_as<float>(pixels);
    }
    auto* splat_tangents = s.splat_tangents.reserve_as<cuda::SplatTangent>(n * static_cast<std::size_t>(count));
    cuda::project_jvp(s.model, s.view, static_cast<const std::uint32_t*>(s.depth_keys.data()), directions,
                      splat_tangents, s.stream.handle());
    images.splats = splat_tangents;
    cuda::rasterize_jvp(s.lists, images, s.stream.handle());
    for (int k = 0; k < count; ++k) {
      RenderTangent& out = s.tangents[first + static_cast<std::size_t>(k)];
      out.rgb.resize(3 * pixels);
      out.alpha.resize(pixels);
      s.stream.download(out.rgb.data(), images.rgb[k], bytes(out.rgb));
      s.stream.download(out.alpha.data(), images.alpha[k], bytes(out.alpha));
    }
    // The next chunk's uploads reuse the buffers.
    s.stream.synchronize();
  }
  return s.tangents;
}

}  // namespace splattrack
