#include "splattrack/datasets/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>
#include <string>

#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/render/framing.hpp"

namespace splattrack::datasets {

namespace {

std::map<int, const io::PoseRow*> index_by_frame(const std::vector<io::PoseRow>& rows, const char* which) {
  std::map<int, const io::PoseRow*> by_frame;
  for (const auto& row : rows)
    if (!by_frame.emplace(row.frame, &row).second)
      throw std::invalid_argument(std::string(which) + " poses repeat frame " + std::to_string(row.frame));
  return by_frame;
}

ErrorStats stats(std::vector<double> values) {
  ErrorStats s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(n);
  s.median = n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  s.max = values.back();
  return s;
}

// null when no frame matched: zeros would read as a perfect run.
nlohmann::json to_json(const ErrorStats& s, int matched) {
  if (matched == 0) return nullptr;
  return {{"mean", s.mean}, {"median", s.median}, {"max", s.max}};
}

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

Evaluation evaluate(const std::vector<io::PoseRow>& run, const std::vector<io::PoseRow>& truth,
                    const EvalOptions& options) {
  if (!(options.object_size > 0.0) || !std::isfinite(options.object_size))
    throw std::invalid_argument("evaluate: object_size must be positive, got " + std::to_string(options.object_size));
  const auto run_by_frame = index_by_frame(run, "run");
  const auto truth_by_frame = index_by_frame(truth, "truth");

  Evaluation e;
  e.options = options;
  std::vector<double> rotations, translations, fractions;
  for (const auto& t : truth) {
    FrameError f;
    f.frame = t.frame;
    const auto it = run_by_frame.find(t.frame);
    if (it != run_by_frame.end()) {
      const RigidPose& estimate = it->second->world_from_model;
      f.rotation_deg = rotation_error_deg(estimate, t.world_from_model);
      f.translation = translation_error(estimate, t.world_from_model);
      f.translation_fraction = *f.translation / options.object_size;
      f.success = *f.rotation_deg < options.success_rotation_deg &&
                  *f.translation_fraction < options.success_translation_fraction;
      rotations.push_back(*f.rotation_deg);
      translations.push_back(*f.translation);
      fractions.push_back(*f.translation_fraction);
    }
    e.summary.successes += f.success ? 1 : 0;
    e.frames.push_back(f);
  }

  EvalSummary& s = e.summary;
  s.truth_frames = static_cast<int>(truth.size());
  s.matched_frames = static_cast<int>(rotations.size());
  s.missing_frames = s.truth_frames - s.matched_frames;
  s.extra_frames = static_cast<int>(std::count_if(run.begin(), run.end(), [&](const io::PoseRow& r) {
    return truth_by_frame.find(r.frame) == truth_by_frame.end();
  }));
  s.success_rate = s.truth_frames > 0 ? static_cast<double>(s.successes) / s.truth_frames : 0.0;
  s.rotation_deg = stats(std::move(rotations));
  s.translation = stats(std::move(translations));
  s.translation_fraction = stats(std::move(fractions));
  return e;
}

double object_size(const GaussianModel& model) {
  if (model.size() == 0) throw std::invalid_argument("object_size: the model has no Gaussians");
  return 2.0 * model_bounds(model).radius;
}

ShapeError shape_error(int frame, const GaussianModel& tracked, const GaussianModel& truth, double object_size,
                       const Camera& camera, ExecutionContext& context) {
  if (tracked.size() != truth.size())
    throw std::invalid_argument("shape_error: " + std::to_string(tracked.size()) + " Gaussians against " +
                                std::to_string(truth.size()));
  if (!(object_size > 0)) throw std::invalid_argument("shape_error: the object size must be positive");
  std::vector<double> d(tracked.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    double s = 0;
    for (int k = 0; k < 3; ++k) {
      const double diff = static_cast<double>(tracked.means[3 * i + k]) - truth.means[3 * i + k];
      s += diff * diff;
    }
    d[i] = std::sqrt(s) / object_size;
  }
  ShapeError e;
  e.frame = frame;
  if (d.empty()) return e;
  double sum = 0;
  for (const double v : d) sum += v;
  e.mean = sum / static_cast<double>(d.size());
  const std::size_t k = std::min(d.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(d.size())));
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
  e.p95 = d[k];
  Renderer renderer(context);
  const RenderPass a = renderer.forward(tracked, camera);
  const RenderPass b = renderer.forward(truth, camera);
  const RenderImage &ia = a.image(), &ib = b.image();
  std::size_t both = 0, either = 0;
  for (std::size_t p = 0; p < ia.alpha.size(); ++p) {
    both += ia.alpha[p] > 0.5f && ib.alpha[p] > 0.5f;
    either += ia.alpha[p] > 0.5f || ib.alpha[p] > 0.5f;
  }
  e.iou = either > 0 ? static_cast<double>(both) / static_cast<double>(either) : 1.0;
  double squared = 0;
  for (std::size_t i = 0; i < ia.rgb.size(); ++i) {
    const double diff = std::clamp(ia.rgb[i], 0.f, 1.f) - std::clamp(ib.rgb[i], 0.f, 1.f);
    squared += diff * diff;
  }
  const double mse = squared / static_cast<double>(std::max<std::size_t>(ia.rgb.size(), 1));
  e.psnr = mse > 0 ? -10 * std::log10(mse) : std::numeric_limits<double>::infinity();
  return e;
}

void write_metrics_json(const std::string& path, const Evaluation& e) {
  const EvalSummary& s = e.summary;
  nlohmann::json j;
  j["object_size"] = e.options.object_size;
  j["success_rotation_deg"] = e.options.success_rotation_deg;
  j["success_translation_fraction"] = e.options.success_translation_fraction;
  j["truth_frames"] = s.truth_frames;
  j["matched_frames"] = s.matched_frames;
  j["missing_frames"] = s.missing_frames;
  j["extra_frames"] = s.extra_frames;
  j["successes"] = s.successes;
  j["success_rate"] = s.success_rate;
  j["rotation_deg"] = to_json(s.rotation_deg, s.matched_frames);
  j["translation"] = to_json(s.translation, s.matched_frames);
  j["translation_fraction"] = to_json(s.translation_fraction, s.matched_frames);
  nlohmann::json per_frame = nlohmann::json::array();
  for (const auto& f : e.frames)
    per_frame.push_back({{"frame", f.frame},
                         {"rotation_deg", optional_json(f.rotation_deg)},
                         {"translation", optional_json(f.translation)},
                         {"translation_fraction", optional_json(f.translation_fraction)},
                         {"success", f.success}});
  j["frames"] = per_frame;
  if (!e.shapes.empty()) {
    nlohmann::json shapes = nlohmann::json::array();
    double sum = 0, worst_mean = 0, worst_p95 = 0;
    for (const ShapeError& f : e.shapes) {
      shapes.push_back({{"frame", f.frame},
                        {"mean", f.mean},
                        {"p95", f.p95},
                        {"iou", f.iou},
                        {"psnr", std::isfinite(f.psnr) ? nlohmann::json(f.psnr) : nlohmann::json(nullptr)}});
      sum += f.mean;
      worst_mean = std::max(worst_mean, f.mean);
      worst_p95 = std::max(worst_p95, f.p95);
    }
    j["gaussians"] = {{"frames", shapes},
                      {"mean", sum / static_cast<double>(e.shapes.size())},
                      {"max_mean", worst_mean},
                      {"max_p95", worst_p95}};
  }
  io::write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace splattrack::datasets
