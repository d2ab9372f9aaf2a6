// `splattrack bench` rows for the spectral loss: loss + gradient of an RGB +
// mask pair, FFT vs band-limited DFT path (and the automatic choice), at
// band sets {0}, {0..3}, {0..7}; and through cuFFT (path "cufft") where a
// device passes the moments' self-check.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "bench.hpp"
#include "splattrack/losses.hpp"
#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack::apps {

namespace {

namespace sl = splattrack::losses;

// A smooth object-like frame: a soft-edged disc with a colour gradient, and
// its mask; `shift` moves it so the rendered and target frames differ.
void synthetic_frame(int w, int h, double shift, std::vector<float>& rgb, std::vector<float>& mask) {
  rgb.assign(static_cast<std::size_t>(w) * h * 3, 0.0f);
  mask.assign(static_cast<std::size_t>(w) * h, 0.0f);
  const double cx = 0.5 * w + shift, cy = 0.45 * h, radius = 0.3 * std::min(w, h);
  for (int v = 0; v < h; ++v)
    for (int u = 0; u < w; ++u) {
      const double d = std::hypot(u - cx, v - cy);
      const float inside = static_cast<float>(1.0 / (1.0 + std::exp((d - radius) / 1.5)));
      const std::size_t i = static_cast<std::size_t>(v) * w + u;
      mask[i] = inside;
      rgb[3 * i + 0] = inside * static_cast<float>(0.3 + 0.5 * u / w);
      rgb[3 * i + 1] = inside * static_cast<float>(0.6 - 0.3 * v / h);
      rgb[3 * i + 2] = inside * static_cast<float>(0.4 + 0.2 * std::sin(0.1 * (u + v)));
    }
}

}  // namespace

std::vector<BenchRow> bench_loss(const BenchConfig& config) {
  std::vector<BenchRow> rows;
  ExecutionContext context(config.threads);
  const bool cuda = sl::cuda_moments_check().passed;
  if (!cuda) std::fprintf(stderr, "bench loss: CPU rows only (%s)\n", sl::cuda_moments_check().detail.c_str());
  for (const int size : {256, 512}) {
    std::vector<float> target, target_mask, rgb, alpha;
    synthetic_frame(size, size, 0.0, target, target_mask);
    synthetic_frame(size, size, 0.03 * size, rgb, alpha);
    std::vector<float> dl_drgb(rgb.size()), dl_dalpha(alpha.size());
    for (const int top_band : {0, 3, 7}) {
      std::vector<double> weights(sl::kDefaultBandCount, 0.0);
      for (int b = 0; b <= top_band; ++b) weights[b] = 1.0;
      struct Variant {
        sl::MomentPath path;
        bool on_gpu;
      };
      for (const auto [path, on_gpu] : {Variant{sl::MomentPath::kFft, false}, Variant{sl::MomentPath::kDft, false},
                                        Variant{sl::MomentPath::kAuto, false}, Variant{sl::MomentPath::kAuto, true}}) {
        if (on_gpu && !cuda) continue;
        sl::SpectralLoss loss(size, size, {.path = path, .cuda = on_gpu}, context);
        loss.set_target({target.data(), size, size, 3}, {target_mask.data(), size, size, 1});
        const double ms = median_ms(config.runs, [&] {
          loss.evaluate({rgb.data(), size, size, 3}, {alpha.data(), size, size, 1}, weights, dl_drgb.data(),
                        dl_dalpha.data());
        });
        rows.push_back(BenchRow()
                           .set("bench", std::string("loss"))
                           .set("width", size)
                           .set("height", size)
                           .set("path", on_gpu ? std::string("cufft") : std::string(sl::to_string(path)))
                           .set("bands", top_band)
                           .set("threads", config.threads)
                           .set("loss_grad_ms", ms)
                           .set("runs", config.runs));
      }
    }
  }
  return rows;
}

}  // namespace splattrack::apps
