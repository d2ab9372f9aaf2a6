#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>

#include "kernels.hpp"
#include "splat_setup.hpp"
#include "splattrack/render.hpp"
#include "thread_pool.hpp"

namespace splattrack {
namespace {

constexpr int kGaussiansPerTask = 1024;  // a multiple of the SIMD width

int resolve_threads(int threads) {
  if (threads < 0) throw std::invalid_argument("RenderOptions::threads must be >= 0");
  if (threads > 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void check_options(const RenderOptions& o) {
  if (!(o.near_plane > 0.f))
    throw std::invalid_argument("RenderOptions::near_plane must be > 0, got " +
                                std::to_string(o.near_plane));
  resolve_threads(o.threads);
}

void check_inputs(const GaussianModel& model, const Camera& camera) {
  if (!model.consistent())
    throw std::invalid_argument(
        "Renderer::forward: model arrays do not match its size and sh_degree");
  if (camera.width <= 0 || camera.height <= 0)
    throw std::invalid_argument("Renderer::forward: camera size must be positive, got " +
                                std::to_string(camera.width) + "x" +
                                std::to_string(camera.height));
  if (!(camera.fx > 0 && camera.fy > 0 && std::isfinite(camera.fx) && std::isfinite(camera.fy) &&
        std::isfinite(camera.cx) && std::isfinite(camera.cy)))
    throw std::invalid_argument("Renderer::forward: camera intrinsics must be finite, fx, fy > 0");
  if (std::any_of(camera.distortion.begin(), camera.distortion.end(),
                  [](double k) { return k != 0.0; }))
    throw std::invalid_argument(
        "Renderer::forward: camera has lens distortion; undistort the frames and render "
        "with the pinhole camera");
  if (!camera.cam_from_world.allFinite())
    throw std::invalid_argument("Renderer::forward: cam_from_world is not finite");
}

gs::View make_view(const Camera& camera, float near_plane) {
  gs::View v;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) v.rotation.m[r][c] = static_cast<float>(camera.cam_from_world(r, c));
  v.translation = {static_cast<float>(camera.cam_from_world(0, 3)),
                   static_cast<float>(camera.cam_from_world(1, 3)),
                   static_cast<float>(camera.cam_from_world(2, 3))};
  const Eigen::Vector3d c = camera.center_in_world();
  v.center = {static_cast<float>(c.x()), static_cast<float>(c.y()), static_cast<float>(c.z())};
  v.fx = static_cast<float>(camera.fx);
  v.fy = static_cast<float>(camera.fy);
  v.cx = static_cast<float>(camera.cx);
  v.cy = static_cast<float>(camera.cy);
  v.lim_x = gs::frustum_limit(camera.width, v.fx);
  v.lim_y = gs::frustum_limit(camera.height, v.fy);
  v.near_plane = near_plane;
  return v;
}

}  // namespace

struct Renderer::Impl {
  RenderOptions options;
  cpu::ThreadPool pool;
  RenderImage image;
  GaussianGradients grads;
  // State of the last forward(), for backward().
  const GaussianModel* model = nullptr;
  gs::View view{};
  cpu::SplatFrame frame;
  std::vector<float> transmittance;  // [H, W]
  std::vector<cpu::SplatGrad> slots;  // [E]
  std::vector<std::vector<cpu::SplatGrad>> scratch;  // one per pool thread
  std::vector<cpu::SplatTangent> splat_tangents;  // [N, K]
  std::vector<RenderTangent> tangent_images;     // [K]

  explicit Impl(const RenderOptions& o)
      : options(o), pool(resolve_threads(o.threads)), scratch(pool.size()) {}

  cpu::RasterInput raster_input() const {
    return {frame.entries.data(),
            frame.tile_splats.data(),
            frame.tile_offsets.data(),
            frame.batch_offsets.data(),
            frame.items.data(),
            frame.width,
            frame.height,
            frame.tiles_x,
            {options.background[0], options.background[1], options.background[2]}};
  }

  void reduce_and_backpropagate();
};

Renderer::Renderer(RenderOptions options) {
  check_options(options);
  impl_ = std::make_unique<Impl>(options);
}

Renderer::~Renderer() = default;

const RenderOptions& Renderer::options() const { return impl_->options; }

void Renderer::set_options(const RenderOptions& options) {
  check_options(options);
  if (resolve_threads(options.threads) != impl_->pool.size()) {
    impl_ = std::make_unique<Impl>(options);
    return;
  }
  impl_->options = options;
  impl_->model = nullptr;
}

const RenderImage& Renderer::forward(const GaussianModel& model, const Camera& camera) {
  check_inputs(model, camera);
  Impl& m = *impl_;
  const int w = camera.width, h = camera.height;
  m.model = &model;
  m.view = make_view(camera, m.options.near_plane);
  cpu::build_splat_frame(model, m.view, w, h, m.pool, m.frame);

  RenderImage& img = m.image;
  img.width = w;
  img.height = h;
  const std::size_t pixels = static_cast<std::size_t>(w) * h;
  img.rgb.resize(pixels * 3);
  img.alpha.resize(pixels);
  img.depth.resize(pixels);
  m.transmittance.resize(pixels);
  const cpu::RasterInput in = m.raster_input();
  const cpu::ForwardOutput out{img.rgb.data(), img.alpha.data(), img.depth.data(),
                               m.transmittance.data()};
  m.pool.run(m.frame.tiles_x * m.frame.tiles_y,
             [&](int tile, int) {
               cpu::build_tile_lists(m.frame, tile);
               cpu::kernels().rasterize_tile_forward(in, tile, out);
             });
  return img;
}

const GaussianGradients& Renderer::backward(const float* dl_drgb, const float* dl_dalpha) {
  Impl& m = *impl_;
  if (!m.model) throw std::invalid_argument("Renderer::backward: no forward() to differentiate");
  m.slots.resize(m.frame.slot_offsets.back());
  const cpu::RasterInput in = m.raster_input();
  const cpu::BackwardInput gin{m.image.rgb.data(), m.transmittance.data(), dl_drgb, dl_dalpha};
  // Opacity and colour gradients are only needed for appearance, or for the
  // view-direction term of the means when colour depends on direction.
  const bool appearance = !m.options.pose_gradients_only || m.model->sh_degree > 0;
  m.pool.run(m.frame.tiles_x * m.frame.tiles_y, [&](int tile, int thread) {
    cpu::kernels().rasterize_tile_backward(in, gin, tile, appearance, m.slots.data(),
                                             m.scratch[thread]);
  });
  m.reduce_and_backpropagate();
  return m.grads;
}

const std::vector<RenderTangent>& Renderer::jvp(const std::vector<ModelTangent>& tangents) {
  Impl& m = *impl_;
  if (!m.model) throw std::invalid_argument("Renderer::jvp: no forward() to differentiate");
  const std::size_t n = m.model->size();
  for (const ModelTangent& t : tangents)
    if (t.means.size() != 3 * n || t.quats.size() != 4 * n)
      throw std::invalid_argument("Renderer::jvp: a tangent's means / quats must have " +
                                  std::to_string(3 * n) + " / " + std::to_string(4 * n) +
                                  " values (the model's), got " + std::to_string(t.means.size()) +
                                  " / " + std::to_string(t.quats.size()));
  const int count = static_cast<int>(tangents.size());
  m.splat_tangents.resize(n * tangents.size());
  const int tasks = static_cast<int>((n + kGaussiansPerTask - 1) / kGaussiansPerTask);
  m.pool.run(tasks, [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * kGaussiansPerTask;
    cpu::kernels().project_tangents(*m.model, m.view, m.frame.rank_of.data(), tangents.data(), count,
                                    begin, std::min(n, begin + kGaussiansPerTask),
                                    m.splat_tangents.data());
  });

  const std::size_t pixels = static_cast<std::size_t>(m.frame.width) * m.frame.height;
  m.tangent_images.resize(tangents.size());
  for (RenderTangent& t : m.tangent_images) {
    t.rgb.resize(3 * pixels);
    t.alpha.resize(pixels);
  }
  const cpu::RasterInput in = m.raster_input();
  for (int first = 0; first < count; first += cpu::kMaxTangentsPerPass) {
    cpu::TangentPass pass{m.splat_tangents.data() + first, count,
                          std::min(cpu::kMaxTangentsPerPass, count - first), {}, {}};
    for (int k = 0; k < pass.count; ++k) {
      pass.rgb[k] = m.tangent_images[first + k].rgb.data();
      pass.alpha[k] = m.tangent_images[first + k].alpha.data();
    }
    m.pool.run(m.frame.tile_count(),
               [&](int tile, int) { cpu::kernels().rasterize_tile_tangent(in, pass, tile); });
  }
  return m.tangent_images;
}

// Sums each splat's per-tile slots in tile order (a fixed order, whatever the
// threads did) and carries the sum back to the model parameters. Tasks are
// multiples of the SIMD width, so lanes group the same way for any threads.
void Renderer::Impl::reduce_and_backpropagate() {
  const GaussianModel& md = *model;
  const std::size_t n = md.size();
  grads.means.resize(n * 3);
  grads.quats.resize(n * 4);
  grads.log_scales.resize(n * 3);
  grads.opacity_logits.resize(n);
  grads.sh.resize(n * 3 * md.sh_coeffs());
  const cpu::SlotSums sums{frame.rank_of.data(), frame.slot_offsets.data(), slots.data()};
  const int tasks = static_cast<int>((n + kGaussiansPerTask - 1) / kGaussiansPerTask);
  pool.run(tasks, [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * kGaussiansPerTask;
    cpu::kernels().backpropagate_gaussians(md, view, sums, !options.pose_gradients_only, begin,
                                 std::min(n, begin + kGaussiansPerTask), grads);
  });
}

}  // namespace splattrack
