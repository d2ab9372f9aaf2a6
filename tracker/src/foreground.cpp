#include "splattrack/tracker/foreground.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

#include "splattrack/tracker/window.hpp"

namespace splattrack {

namespace {

// A histogram entry this small is "never seen" (one pixel among a million).
inline constexpr float kUnseen = 1e-6f;
// A sector with fewer surrounding pixels than this in a frame keeps what it
// had (a silhouette at the window's edge leaves some sectors empty).
inline constexpr double kMinSectorPixels = 64;

constexpr double kTwoPi = 6.283185307179586;

// The position of direction (dx, dy) in sector units, 0 .. kSectors: sector
// k spans [k, k + 1), from +x turning toward +y (clockwise on screen).
double sector_position(double dx, double dy) {
  const double u = std::atan2(dy, dx) / kTwoPi * foreground_defaults::kSectors;
  return u < 0 ? u + foreground_defaults::kSectors : u;
}

}  // namespace

SectorCentre sector_centre(const float* alpha, int width, int height) {
  double sx = 0, sy = 0, s = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const double a = alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
      sx += a * (x + 0.5);
      sy += a * (y + 0.5);
      s += a;
    }
  if (s <= 0) return {width / 2.0, height / 2.0};
  return {sx / s, sy / s};
}

std::vector<float> undo_lighting(const float* rgb, std::size_t pixels, const ColourCorrection& lighting) {
  std::vector<float> out(3 * pixels);
  for (std::size_t p = 0; p < pixels; ++p)
    for (std::size_t c = 0; c < 3; ++c)
      out[3 * p + c] = std::clamp((rgb[3 * p + c] - lighting.offset[c]) / lighting.gain[c], 0.f, 1.f);
  return out;
}

ColourForeground::ColourForeground(int bins_per_channel) : bins_(bins_per_channel) {
  if (bins_ < 2 || bins_ > 256) throw std::invalid_argument("ColourForeground: bins per channel must be in 2..256");
}

int ColourForeground::bin(const float* rgb) const {
  int index = 0;
  for (int c = 0; c < 3; ++c) {
    const int b = std::clamp(static_cast<int>(rgb[c] * static_cast<float>(bins_)), 0, bins_ - 1);
    index = index * bins_ + b;
  }
  return index;
}

void ColourForeground::learn(const float* rgb, const float* alpha, const float* valid, int width, int height,
                             double rate) {
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  // Object: pixels object_edge_margin() inside the silhouette; background:
  // pixels kEdgeMargin outside it.
  const std::vector<float> silhouette(alpha, alpha + n);
  std::vector<float> outside(n);
  double area = 0;
  for (std::size_t p = 0; p < n; ++p) {
    outside[p] = 1.f - alpha[p];
    area += alpha[p];
  }
  const std::vector<float> near_object = support_near(silhouette, width, height, foreground_defaults::kEdgeMargin);
  const std::vector<float> near_outside = support_near(outside, width, height, object_edge_margin(area));
  // The pixels `take` selects, as a normalised histogram; false when none.
  const auto count = [&](auto take, std::vector<float>& out) {
    out.assign(static_cast<std::size_t>(bins_) * bins_ * bins_, 0.f);
    double total = 0;
    for (std::size_t p = 0; p < n; ++p) {
      if ((valid && valid[p] <= 0.f) || !take(p)) continue;
      out[static_cast<std::size_t>(bin(&rgb[3 * p]))] += 1.f;
      total += 1;
    }
    for (float& h : out) h = static_cast<float>(h / std::max(total, 1.0));
    return total > 0;
  };
  std::vector<float> object, background;
  const bool has_object = count([&](std::size_t p) { return near_outside[p] == 0.f; }, object);
  const bool has_background = count([&](std::size_t p) { return near_object[p] == 0.f; }, background);
  if (!has_object || !has_background) return;
  // The surroundings per sector about the silhouette's centroid.
  const std::size_t size = object.size();
  const SectorCentre c = sector_centre(alpha, width, height);
  std::vector<float> sectors(foreground_defaults::kSectors * size, 0.f);
  std::vector<double> in_sector(foreground_defaults::kSectors, 0.0);
  for (std::size_t p = 0; p < n; ++p) {
    if ((valid && valid[p] <= 0.f) || near_object[p] != 0.f) continue;
    const double x = static_cast<double>(p % static_cast<std::size_t>(width)) + 0.5;
    const double y = static_cast<double>(p / static_cast<std::size_t>(width)) + 0.5;
    const auto k = std::min(static_cast<std::size_t>(sector_position(x - c.x, y - c.y)),
                            static_cast<std::size_t>(foreground_defaults::kSectors - 1));
    sectors[k * size + static_cast<std::size_t>(bin(&rgb[3 * p]))] += 1.f;
    in_sector[k] += 1;
  }
  const auto blend = [](float* model, const float* frame, std::size_t count, double r) {
    for (std::size_t i = 0; i < count; ++i) model[i] = static_cast<float>((1 - r) * model[i] + r * frame[i]);
  };
  const double r = ready_ ? std::clamp(rate, 0.0, 1.0) : 1.0;
  if (!ready_) {
    object_ = object;
    background_ = background;
    sectors_.resize(foreground_defaults::kSectors * size);
    for (std::size_t k = 0; k < static_cast<std::size_t>(foreground_defaults::kSectors); ++k)
      std::copy(background.begin(), background.end(), sectors_.begin() + static_cast<std::ptrdiff_t>(k * size));
  } else {
    blend(object_.data(), object.data(), size, r);
    blend(background_.data(), background.data(), size, r);
  }
  for (std::size_t k = 0; k < static_cast<std::size_t>(foreground_defaults::kSectors); ++k) {
    if (in_sector[k] < kMinSectorPixels) continue;
    float* frame = sectors.data() + k * size;
    for (std::size_t i = 0; i < size; ++i) frame[i] = static_cast<float>(frame[i] / in_sector[k]);
    blend(sectors_.data() + k * size, frame, size, r);
  }
  ready_ = true;
}

int object_edge_margin(double area) {
  const double side = std::sqrt(std::max(area, 0.0));
  const auto margin = static_cast<int>(std::floor(side / foreground_defaults::kSidePerObjectEdgeMarginPx));
  return std::clamp(margin, 1, foreground_defaults::kEdgeMargin);
}

float ColourForeground::posterior(std::size_t b, float background) const {
  const float o = object_[b];
  return o + background < kUnseen ? 0.5f : o / (o + background);
}

void ColourForeground::probability(const float* rgb, int width, int height, const SectorCentre& centre,
                                   std::vector<float>& out) const {
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  if (!ready_) {
    out.assign(n, 0.5f);
    return;
  }
  out.resize(n);
  const std::size_t size = object_.size();
  constexpr auto kCount = static_cast<std::size_t>(foreground_defaults::kSectors);
  for (std::size_t p = 0; p < n; ++p) {
    const double x = static_cast<double>(p % static_cast<std::size_t>(width)) + 0.5;
    const double y = static_cast<double>(p / static_cast<std::size_t>(width)) + 0.5;
    // Between the centres (k + 0.5) of the two nearest sectors.
    const double v = sector_position(x - centre.x, y - centre.y) - 0.5;
    const double lower = std::floor(v);
    const auto t = static_cast<float>(v - lower);
    const std::size_t k0 = static_cast<std::size_t>(static_cast<long>(lower) + static_cast<long>(kCount)) % kCount;
    const std::size_t k1 = (k0 + 1) % kCount;
    const auto b = static_cast<std::size_t>(bin(&rgb[3 * p]));
    out[p] = posterior(b, (1 - t) * sectors_[k0 * size + b] + t * sectors_[k1 * size + b]);
  }
}

void ColourForeground::probability(const float* rgb, std::size_t pixels, std::vector<float>& out) const {
  const std::size_t n = pixels;
  out.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    if (!ready_) {
      out[p] = 0.5f;
      continue;
    }
    const auto b = static_cast<std::size_t>(bin(&rgb[3 * p]));
    out[p] = posterior(b, background_[b]);
  }
}

std::vector<float> silhouette_prior(const std::vector<float>& alpha, int width, int height) {
  std::vector<float> prior = box_mean(alpha, width, height, foreground_defaults::kPriorBlurPx);
  for (float& v : prior) v = static_cast<float>(0.5 + foreground_defaults::kPriorSpan * (v - 0.5));
  return prior;
}

float with_prior(float posterior, float prior) {
  const float object = posterior * prior, background = (1.f - posterior) * (1.f - prior);
  return object + background > 0.f ? object / (object + background) : prior;
}

std::vector<float> support_near(const std::vector<float>& alpha, int width, int height, int reach) {
  const auto w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
  // Separable dilation: rows, then columns, each a running count of
  // silhouette pixels within `reach`.
  std::vector<float> rows(w * h, 0.f), out(w * h, 0.f);
  const auto r = static_cast<std::ptrdiff_t>(std::max(reach, 0));
  for (std::size_t y = 0; y < h; ++y) {
    std::ptrdiff_t last = -(r + 1) - 1;  // the last silhouette pixel seen, far left at first
    std::vector<std::ptrdiff_t> next(w + 1, static_cast<std::ptrdiff_t>(w) + r + 1);
    for (std::size_t x = w; x-- > 0;) next[x] = alpha[y * w + x] >= 0.5f ? static_cast<std::ptrdiff_t>(x) : next[x + 1];
    for (std::size_t x = 0; x < w; ++x) {
      const auto xi = static_cast<std::ptrdiff_t>(x);
      if (alpha[y * w + x] >= 0.5f) last = xi;
      rows[y * w + x] = (xi - last <= r || next[x] - xi <= r) ? 1.f : 0.f;
    }
  }
  for (std::size_t x = 0; x < w; ++x) {
    std::ptrdiff_t last = -(r + 1) - 1;
    std::vector<std::ptrdiff_t> next(h + 1, static_cast<std::ptrdiff_t>(h) + r + 1);
    for (std::size_t y = h; y-- > 0;) next[y] = rows[y * w + x] > 0.f ? static_cast<std::ptrdiff_t>(y) : next[y + 1];
    for (std::size_t y = 0; y < h; ++y) {
      const auto yi = static_cast<std::ptrdiff_t>(y);
      if (rows[y * w + x] > 0.f) last = yi;
      out[y * w + x] = (yi - last <= r || next[y] - yi <= r) ? 1.f : 0.f;
    }
  }
  return out;
}

std::vector<float> box_mean(const std::vector<float>& image, int width, int height, int r) {
  const auto w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
  std::vector<float> rows(w * h), out(w * h);
  // Separable: rows, then columns, each from prefix sums.
  const auto pass = [&](const std::vector<float>& in, std::vector<float>& to, std::size_t n, std::size_t lines,
                        std::size_t step, std::size_t line_step) {
    std::vector<double> prefix(n + 1);
    for (std::size_t l = 0; l < lines; ++l) {
      for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + in[l * line_step + i * step];
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t lo = i >= static_cast<std::size_t>(r) ? i - static_cast<std::size_t>(r) : 0;
        const std::size_t hi = std::min(n, i + static_cast<std::size_t>(r) + 1);
        to[l * line_step + i * step] = static_cast<float>((prefix[hi] - prefix[lo]) / static_cast<double>(hi - lo));
      }
    }
  };
  pass(image, rows, w, h, 1, w);
  pass(rows, out, h, w, w, 1);
  return out;
}

void fill_enclosed(std::vector<float>& probability, int width, int height, const std::vector<float>& inside) {
  const auto w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
  if (inside.size() != w * h || probability.size() != w * h) return;
  // Flood from the border through background pixels; what it never reaches
  // is enclosed.
  std::vector<unsigned char> reached(w * h, 0);
  std::deque<std::size_t> queue;
  const auto visit = [&](std::size_t p) {
    if (reached[p] || probability[p] >= 0.5f) return;
    reached[p] = 1;
    queue.push_back(p);
  };
  for_each_border_pixel(w, h, visit);
  while (!queue.empty()) {
    const std::size_t p = queue.front();
    queue.pop_front();
    const std::size_t x = p % w, y = p / w;
    if (x > 0) visit(p - 1);
    if (x + 1 < w) visit(p + 1);
    if (y > 0) visit(p - w);
    if (y + 1 < h) visit(p + w);
  }
  for (std::size_t p = 0; p < w * h; ++p)
    if (probability[p] < 0.5f && !reached[p] && inside[p] > 0.f) probability[p] = 1.f;
}

}  // namespace splattrack
