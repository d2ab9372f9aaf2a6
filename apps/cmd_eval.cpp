#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/poses_csv.hpp"

namespace splattrack::apps {

namespace {

constexpr const char* kHelp =
    "usage: splattrack eval --tracks DIR --truth DIR [--object-size S]\n"
    "\n"
    "Compares a tracking run (DIR/poses.csv) with ground truth (DIR/truth/poses.csv of a synth dataset, or\n"
    "DIR/poses.csv) and prints per-sequence errors; writes metrics.json into the --tracks folder.\n"
    "Success per frame: rotation < 5 deg and translation < 5 % of the object size. A deforming scene's run\n"
    "with --export-ply (DIR/frames) is also compared Gaussian by Gaussian with truth/gaussians: the mean and\n"
    "95th percentile distance of their centres, over the object size; and both models rendered through the\n"
    "dataset's camera over black: the silhouettes' IoU and the colours' PSNR.\n"
    "\n"
    "  --object-size S   object size in world units (default: the truth folder's scene.json, else the robust\n"
    "                    diameter of its model.ply)\n";

std::filesystem::path truth_csv(const std::filesystem::path& dir) {
  if (std::filesystem::is_regular_file(dir / "truth" / "poses.csv")) return dir / "truth" / "poses.csv";
  if (std::filesystem::is_regular_file(dir / "poses.csv")) return dir / "poses.csv";
  throw io::InputError(dir.string(), "no truth/poses.csv or poses.csv in this folder");
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  const Args args(argc, argv, 2, {"tracks", "truth", "object-size"}, {"help"});
  if (args.has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  const std::filesystem::path tracks = args.get("tracks");
  const std::filesystem::path truth_dir = args.get("truth");

  datasets::EvalOptions options;
  if (args.has("object-size")) {
    options.object_size = args.get_double("object-size", 1.0);
    if (options.object_size <= 0) throw UsageError("--object-size must be positive");
  } else if (std::filesystem::is_regular_file(truth_dir / "scene.json")) {
    // synth records the size its trajectories and misalignments were made with.
    std::ifstream in(truth_dir / "scene.json");
    const auto scene = nlohmann::json::parse(in, nullptr, false);
    if (scene.is_discarded() || !scene.contains("object_size") || !scene["object_size"].is_number() ||
        scene["object_size"].get<double>() <= 0)
      throw io::InputError((truth_dir / "scene.json").string(), "no positive \"object_size\"");
    options.object_size = scene["object_size"].get<double>();
  } else {
    const auto model = truth_dir / "model.ply";
    if (!std::filesystem::is_regular_file(model))
      throw UsageError("no model.ply in " + truth_dir.string() + ": give --object-size");
    options.object_size = datasets::object_size(io::read_gaussians(model.string()));
  }
  const auto run = io::read_poses_csv((tracks / "poses.csv").string());
  const auto truth = io::read_poses_csv(truth_csv(truth_dir).string());
  datasets::Evaluation e = datasets::evaluate(run, truth, options);
  // A deforming scene: every frame the run exported (track --export-ply)
  // against the truth's model.
  const std::filesystem::path truth_models = truth_dir / "truth" / "gaussians", tracked_models = tracks / "frames";
  if (std::filesystem::is_directory(truth_models) && std::filesystem::is_directory(tracked_models)) {
    const Camera camera = io::read_camera((truth_dir / "camera.json").string());
    ExecutionContext context;
    for (const io::PoseRow& row : truth) {
      char name[32];
      std::snprintf(name, sizeof name, "%06d.ply", row.frame);
      if (!std::filesystem::is_regular_file(truth_models / name) ||
          !std::filesystem::is_regular_file(tracked_models / name))
        continue;
      const GaussianModel tracked = io::read_gaussians((tracked_models / name).string());
      const GaussianModel expected = io::read_gaussians((truth_models / name).string());
      if (tracked.size() != expected.size())
        throw io::InputError((tracked_models / name).string(),
                             std::to_string(tracked.size()) + " Gaussians, the truth's model has " +
                                 std::to_string(expected.size()));
      e.shapes.push_back(datasets::shape_error(row.frame, tracked, expected, options.object_size, camera, context));
    }
  }
  datasets::write_metrics_json((tracks / "metrics.json").string(), e);

  const auto& s = e.summary;
  std::printf("frames        %d truth, %d tracked, %d missing\n", s.truth_frames, s.matched_frames, s.missing_frames);
  std::printf("rotation      mean %.3f  median %.3f  max %.3f deg\n", s.rotation_deg.mean, s.rotation_deg.median,
              s.rotation_deg.max);
  std::printf("translation   mean %.4f  median %.4f  max %.4f (%.2f %% / %.2f %% / %.2f %% of object size %.3f)\n",
              s.translation.mean, s.translation.median, s.translation.max, 100 * s.translation_fraction.mean,
              100 * s.translation_fraction.median, 100 * s.translation_fraction.max, options.object_size);
  std::printf("success       %d / %d frames (%.1f %%)\n", s.successes, s.truth_frames, 100 * s.success_rate);
  if (!e.shapes.empty()) {
    double sum = 0, worst_mean = 0, worst_p95 = 0;
    for (const datasets::ShapeError& f : e.shapes) {
      sum += f.mean;
      worst_mean = std::max(worst_mean, f.mean);
      worst_p95 = std::max(worst_p95, f.p95);
    }
    std::printf("gaussians     mean %.2f %%, worst frame's mean %.2f %%, worst 95th percentile %.2f %% of the "
                "object size (%zu frames)\n",
                100 * sum / static_cast<double>(e.shapes.size()), 100 * worst_mean, 100 * worst_p95, e.shapes.size());
    double iou = 0, psnr = 0;
    int finite = 0;
    for (const datasets::ShapeError& f : e.shapes) {
      iou += f.iou;
      if (std::isfinite(f.psnr)) psnr += f.psnr, ++finite;
    }
    std::printf("re-rendered   mask IoU mean %.3f, PSNR mean %.1f dB (tracked against true model, over black)\n",
                iou / static_cast<double>(e.shapes.size()), finite > 0 ? psnr / finite : 0.0);
  }
  std::printf("wrote %s\n", (tracks / "metrics.json").string().c_str());
  return 0;
}

}  // namespace splattrack::apps
