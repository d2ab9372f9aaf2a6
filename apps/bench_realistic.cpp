// `splattrack bench track --realistic`: frame-to-frame tracking of synthetic
// sequences made to look like real footage — the object over real, moving
// video frames, lighting that drifts, an occluder crossing it, fast motion,
// motion blur, sensor noise, no masks — with ground truth, for the spectral
// tracker and for the photometric baseline on the same frames.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "bench.hpp"
#include "device_choice.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/image_write.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack::apps {

namespace {

// The footage's size (the cube clip, 640 × 480) and a focal length close to
// its camera's (605 px): 0.25 × 480 × 5 = 600 px. The object's bounding
// sphere, 5 object sizes from the camera, spans 0.25 of the image height,
// 120 px (104-141 px over the trajectory's ±15 % depth); its silhouette is
// narrower seen end on.
inline constexpr int kWidth = 640, kHeight = 480;
inline constexpr double kCoverage = 0.25;
inline constexpr double kDistanceSizes = 5.0;
// The fox at the procedural object's Gaussian count, so that both models
// cost the tracker about the same per frame.
inline constexpr std::size_t kFoxGaussians = 20000;
// The sequences start this many footage frames apart (8 s of the 30-fps
// clip), so that each sees a different part of it.
inline constexpr int kFootageSpacing = 240;
// What a camera adds: about 2.5 grey levels of noise.
inline constexpr double kSensorNoise = 0.01;
inline constexpr double kLighting = 1.0;
inline constexpr double kShutter = 0.5;
// A progress line this often: a full run takes hours when frames are lost.
inline constexpr int kProgressFrames = 25;
// Trial t of a sequence (--trials) uses seed s.seed + t · kTrialSeedStride
// and starts t · kTrialFootageStep frames later in the footage (2 s).
inline constexpr std::uint64_t kTrialSeedStride = 1000;
inline constexpr int kTrialFootageStep = 60;
// Frames written with --examples: the first, and two in the middle of
// the occluder's crossings (frames 30-69 and 130-169).
inline constexpr int kExampleFrames[] = {0, 50, 150};

struct Sequence {
  const char* name;
  bool fox;
  double speed;          // object sizes per frame, at most
  double rot_speed_deg;  // degrees per frame, at most
  std::uint64_t seed;
};
// Moderate motion, and the fast motion of the issue (0.3 object sizes and
// 10° per frame), for each model.
inline constexpr Sequence kSequences[] = {
    {"object-moderate", false, 0.05, 3.0, 1},
    {"object-fast", false, 0.3, 10.0, 2},
    {"fox-moderate", true, 0.05, 3.0, 3},
    {"fox-fast", true, 0.3, 10.0, 4},
};

// spectral-bgsub: the spectral tracker with `--masks bgsub` (the footage's
// camera is static); spectral-cuda: the spectral tracker on the GPU, run
// only where a device passes the self-checks.
enum class Method { kSpectral, kSpectralBgsub, kSpectralCuda, kPhotometric };
inline constexpr Method kMethods[] = {Method::kSpectral, Method::kSpectralBgsub, Method::kSpectralCuda,
                                      Method::kPhotometric};
const char* name(Method m) {
  switch (m) {
    case Method::kSpectral: return "spectral";
    case Method::kSpectralBgsub: return "spectral-bgsub";
    case Method::kSpectralCuda: return "spectral-cuda";
    case Method::kPhotometric: break;
  }
  return "photometric";
}

// Started at the true first pose, as `track --init-pose` is. The baseline
// aligns with the photometric loss throughout and has no spectral recovery,
// as in the misalignment sweep.
TrackerOptions options_for(Method m, int threads) {
  TrackerOptions o;
  o.threads = threads;
  o.first_frame_refines = true;
  o.subtract_background = m == Method::kSpectralBgsub;
  o.cuda = m == Method::kSpectralCuda;
  if (m == Method::kPhotometric) {
    o.first_frame.photometric = o.tracking.photometric = true;
    o.lm_tracking = false;  // the top-band LM steps are spectral
    o.recover = false;
  }
  return o;
}

struct Run {
  std::vector<io::PoseRow> poses;
  std::vector<double> ms;  // per frame after the first
  int lost = 0;
};

struct Outcome {
  std::vector<io::PoseRow> truth;
  std::map<Method, Run> runs;
};

Outcome run_sequence(const Sequence& s, const std::string& label, std::uint64_t seed, const GaussianModel& model,
                     double size, const std::string& footage_path, int offset, bool gpu,
                     const BenchConfig& config) {
  datasets::CameraPlacement placement;
  placement.width = kWidth;
  placement.height = kHeight;
  placement.object_size = size;
  placement.distance = kDistanceSizes * size;
  placement.coverage = kCoverage;
  const Camera camera = datasets::place_camera(placement);
  datasets::TrajectoryOptions to;
  to.frames = config.frames;
  to.seed = seed;
  to.translation_speed = s.speed;
  to.rotation_speed_deg = s.rot_speed_deg;
  to.object_size = size;
  to.distance = placement.distance;
  const std::vector<RigidPose> poses = datasets::make_trajectory(camera, to);

  datasets::FrameEffects effects;
  effects.lighting = {kLighting, seed};
  effects.occluder.max_cover = datasets::kMaxOccluderCover;
  effects.occluder.seed = seed;
  effects.motion_blur.shutter = kShutter;
  datasets::SensorOptions sensor;
  sensor.noise_sigma = kSensorNoise;
  sensor.seed = seed;
  ExecutionContext context(config.threads);
  datasets::FrameMaker maker(model, camera, poses, size, effects, context);
  datasets::FootageBackground footage(footage_path, kWidth, kHeight, offset);

  Outcome out;
  std::map<Method, std::unique_ptr<RigidTracker>> trackers;
  for (const Method m : kMethods)
    if (chosen(config.methods, name(m)) && (m != Method::kSpectralCuda || gpu))
      trackers[m] = std::make_unique<RigidTracker>(model, camera, options_for(m, config.threads));
  for (int f = 0; f < config.frames; ++f) {
    datasets::MadeFrame made = maker.make(f, footage.next());
    datasets::apply_sensor(kWidth, kHeight, made.rgb, sensor, f);
    for (const int e : kExampleFrames)
      if (e == f && !config.examples.empty())
        io::write_image(config.examples + "/" + label + "_" + std::to_string(f) + ".png", kWidth, kHeight,
                        made.rgb.data());
    const FrameView view{kWidth, kHeight, made.rgb, {}};  // no mask: the tracker finds the object itself
    io::PoseRow truth;
    truth.frame = f;
    truth.world_from_model = poses[static_cast<std::size_t>(f)];
    out.truth.push_back(truth);
    for (const auto& [m, tracker] : trackers) {
      const FrameResult r = f == 0 ? tracker->initialize(view, poses[0]) : tracker->track(view);
      Run& run = out.runs[m];
      io::PoseRow row;
      row.frame = f;
      row.world_from_model = r.pose;
      row.status = r.status;
      row.loss = r.loss;
      row.iou = r.quality;
      row.iterations = r.iterations;
      row.ms = r.timings.total_ms;
      run.poses.push_back(row);
      if (f > 0) run.ms.push_back(r.timings.total_ms);
      run.lost += r.status == TrackStatus::lost;
    }
    if ((f + 1) % kProgressFrames == 0)
      std::fprintf(stderr, "bench track --realistic: %s frame %d of %d\n", label.c_str(), f + 1, config.frames);
  }
  return out;
}

// With --examples: DIR/SEQUENCE_truth.csv and DIR/SEQUENCE_METHOD.csv
// (poses.csv's format), so that a run can be looked at frame by frame.
void write_poses(const std::string& dir, const std::string& sequence, const Outcome& o) {
  const auto write = [&](const std::string& name, const std::vector<io::PoseRow>& rows) {
    io::PoseCsvWriter out(dir + "/" + sequence + "_" + name + ".csv");
    for (const io::PoseRow& r : rows) out.write(r);
  };
  write("truth", o.truth);
  for (const auto& [m, run] : o.runs) write(name(m), run.poses);
}

BenchRow row_for(const std::string& sequence, Method m, const datasets::Evaluation& e, int lost,
                 const std::vector<double>& ms, const BenchConfig& config) {
  const datasets::EvalSummary& s = e.summary;
  BenchRow row;
  row.set("bench", "track").set("scene", "realistic").set("sequence", sequence).set("method", name(m));
  row.set("frames", s.truth_frames).set("trials", config.trials).set("width", kWidth).set("height", kHeight);
  row.set("threads", config.threads);
  row.set("within_5deg_5pct", 100.0 * s.success_rate);
  row.set("median_rot_deg", s.rotation_deg.median).set("mean_rot_deg", s.rotation_deg.mean);
  row.set("median_trans_pct", 100.0 * s.translation_fraction.median);
  row.set("mean_trans_pct", 100.0 * s.translation_fraction.mean);
  row.set("lost_frames", lost).set("median_ms_per_frame", median(ms));
  return row;
}

// Rows of several runs together (the trials of a sequence, or all
// sequences): frames renumbered so that they stay distinct, translation
// errors already in object sizes.
struct Pool {
  std::vector<io::PoseRow> run, truth;
  std::vector<double> ms;
  int lost = 0;

  void add(const Run& from, const std::vector<io::PoseRow>& t, double size) {
    const int base = static_cast<int>(truth.size());
    const auto scaled = [&](io::PoseRow p) {
      p.frame += base;
      p.world_from_model.translation /= size;
      return p;
    };
    for (const io::PoseRow& p : from.poses) run.push_back(scaled(p));
    for (const io::PoseRow& p : t) truth.push_back(scaled(p));
    ms.insert(ms.end(), from.ms.begin(), from.ms.end());
    lost += from.lost;
  }

  BenchRow row(const std::string& sequence, Method m, const BenchConfig& config) const {
    return row_for(sequence, m, datasets::evaluate(run, truth, {.object_size = 1.0}), lost, ms, config);
  }
};

}  // namespace

std::vector<std::string> realistic_sequences() {
  std::vector<std::string> names;
  for (const Sequence& s : kSequences) names.emplace_back(s.name);
  return names;
}

std::vector<std::string> realistic_methods() {
  std::vector<std::string> names;
  for (const Method m : kMethods) names.emplace_back(name(m));
  return names;
}

std::vector<BenchRow> bench_track_realistic(const BenchConfig& config) {
  const std::string footage = config.shared_data + "/video/cube/cube_video.mp4";
  if (config.shared_data.empty() || !std::filesystem::is_regular_file(footage)) {
    std::fprintf(stderr, "bench track --realistic: %s not found (the real footage backgrounds); skipped\n",
                 footage.c_str());
    return {};
  }
  if (!config.examples.empty()) std::filesystem::create_directories(config.examples);
  const GaussianModel object = datasets::make_object_model();
  const std::string fox_path = config.shared_data + "/models/fox_cc0_sh0_50k.ply";
  GaussianModel fox;
  if (std::filesystem::is_regular_file(fox_path)) {
    const GaussianModel full = subsample(io::read_gaussians(fox_path), kFoxGaussians);
    fox = recentred(full, model_bounds(full).center);  // turns about itself
  } else {
    std::fprintf(stderr, "bench track --realistic: %s not found, fox sequences skipped\n", fox_path.c_str());
  }

  const bool gpu = chosen(config.methods, name(Method::kSpectralCuda)) && bench_on_gpu("track --realistic");
  std::vector<BenchRow> rows;
  std::map<Method, Pool> pools;
  int index = 0;
  for (const Sequence& s : kSequences) {
    const int offset = kFootageSpacing * index++;
    if (!chosen(config.sequences, s.name) || (s.fox && fox.size() == 0)) continue;
    const GaussianModel& model = s.fox ? fox : object;
    const double size = s.fox ? datasets::object_size(fox) : datasets::kObjectDiameter;
    std::map<Method, Pool> trials;
    std::map<Method, std::vector<double>> rates;
    for (int t = 0; t < config.trials; ++t) {
      const std::string label = config.trials > 1 ? std::string(s.name) + "_t" + std::to_string(t) : s.name;
      const std::uint64_t seed = s.seed + static_cast<std::uint64_t>(t) * kTrialSeedStride;
      const Outcome o =
          run_sequence(s, label, seed, model, size, footage, offset + t * kTrialFootageStep, gpu, config);
      if (!config.examples.empty()) write_poses(config.examples, label, o);
      for (const auto& [m, run] : o.runs) {
        const datasets::Evaluation e = datasets::evaluate(run.poses, o.truth, {.object_size = size});
        rates[m].push_back(100.0 * e.summary.success_rate);
        trials[m].add(run, o.truth, size);
        pools[m].add(run, o.truth, size);
        std::fprintf(stderr, "bench track --realistic: %s %s: %.1f %% within 5 deg / 5 %%, %d lost\n", label.c_str(),
                     name(m), rates[m].back(), run.lost);
      }
    }
    for (const auto& [m, p] : trials) {
      BenchRow row = p.row(s.name, m, config);
      const auto [worst, best] = std::minmax_element(rates[m].begin(), rates[m].end());
      rows.push_back(row.set("worst_trial_pct", *worst).set("best_trial_pct", *best));
    }
  }
  for (const auto& [m, p] : pools) rows.push_back(p.row("all", m, config));
  return rows;
}

}  // namespace splattrack::apps
