// Compares a tracking run's poses with ground truth, frame by frame.
//
// Lives in datasets (not io) because it needs ground truth: the tracker
// pipeline reads and writes poses through io but never evaluates, while
// `eval` and the benchmarks do, always against a dataset.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "splattrack/io/poses_csv.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::datasets {

inline constexpr double kSuccessRotationDeg = 5.0;
inline constexpr double kSuccessTranslationFraction = 0.05;  // of the object size

struct EvalOptions {
  double object_size = 1.0;  // world units; translation fractions divide by it
  double success_rotation_deg = kSuccessRotationDeg;
  double success_translation_fraction = kSuccessTranslationFraction;
};

// One ground-truth frame. A frame the run has no row for is a failure with
// no errors (nullopt).
struct FrameError {
  int frame = 0;
  std::optional<double> rotation_deg;
  std::optional<double> translation;           // world units
  std::optional<double> translation_fraction;  // translation / object_size
  bool success = false;
};

struct ErrorStats {
  double mean = 0.0;
  double median = 0.0;
  double max = 0.0;
};

// Statistics are over the matched frames (all zero when none matched); the
// success rate is over every ground-truth frame, so missing frames count as
// failures.
struct EvalSummary {
  int truth_frames = 0;
  int matched_frames = 0;
  int missing_frames = 0;
  int extra_frames = 0;  // rows of the run that the truth does not have
  int successes = 0;
  double success_rate = 0.0;
  ErrorStats rotation_deg;
  ErrorStats translation;
  ErrorStats translation_fraction;
};

// A deforming scene's frame: the tracked model (track --export-ply) against
// the truth's (synth truth/gaussians), the same Gaussians in the same order;
// distances between their centres over the object size.
struct ShapeError {
  int frame = 0;
  double mean = 0.0;
  double p95 = 0.0;  // 95th percentile
  // The two models rendered through the dataset's camera over black: the
  // silhouettes' IoU (alpha > 0.5) and the colours' PSNR in dB (1 = white;
  // infinite when identical).
  double iou = 0.0;
  double psnr = 0.0;
};

struct Evaluation {
  EvalOptions options;
  std::vector<FrameError> frames;  // in the truth's order
  EvalSummary summary;
  std::vector<ShapeError> shapes;  // frames with both models (none: not a deforming scene's run)
};

// Frames are matched by index. Throws std::invalid_argument when either list
// repeats a frame index or object_size is not positive.
Evaluation evaluate(const std::vector<io::PoseRow>& run, const std::vector<io::PoseRow>& truth,
                    const EvalOptions& options = {});

// Throws std::invalid_argument when the models differ in size or object_size
// is not positive. Renders on `context`.
ShapeError shape_error(int frame, const GaussianModel& tracked, const GaussianModel& truth, double object_size,
                       const Camera& camera, ExecutionContext& context);

// The object size used to normalise translation errors: the diameter of the
// model's robust bounding sphere (render/framing.hpp's model_bounds), so a
// few stray floaters do not inflate it.
double object_size(const GaussianModel& model);

// metrics.json: options, summary, and one entry per truth frame (null errors
// for missing frames); "gaussians" with the shape errors when there are any. Throws io::InputError when the file cannot be written.
void write_metrics_json(const std::string& path, const Evaluation& evaluation);

}  // namespace splattrack::datasets
