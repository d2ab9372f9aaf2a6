#include <ceres/version.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>
#include <string>

#include "args.hpp"
#include "bench.hpp"
#include "commands.hpp"
#include "device_choice.hpp"
#include "frame_camera.hpp"
#include "interrupt.hpp"
#include "overlay_video.hpp"
#include "point_pose.hpp"
#include "progress.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/gltf_tracks.hpp"
#include "splattrack/io/nodes_csv.hpp"
#include "splattrack/io/output_lock.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/io/video.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack::apps {

namespace {

constexpr const char* kHelp =
    "usage: splattrack track --model M.ply --camera CAM --video V [--masks K]\n"
    "                        [--init-pose P.json | --init-points P.json] --out DIR [options]\n"
    "\n"
    "Tracks the model's rigid pose through the video; writes DIR/poses.csv and DIR/run.json as it goes.\n"
    "One run at a time per DIR. SIGINT/SIGTERM stop after the frame in flight (exit 130/143); a second\n"
    "signal stops at once. Every row and file on disk stays whole either way.\n"
    "\n"
    "  --camera CAM           camera JSON, OpenCV calibration or ViSP's camera XML / JSON (one without an\n"
    "                         image size takes the frames'); with lens distortion, every frame (and\n"
    "                         mask) is first resampled to the same camera without it, which the\n"
    "                         overlay then shows (run.json: \"undistorted\"). Calibrated at another size of\n"
    "                         the same shape as the frames: its intrinsics are scaled to theirs\n"
    "  --video V              video file, image folder or glob, or camera index (0)\n"
    "  --masks K              masks (white = object) of the same kinds; default: the frames' alpha if any,\n"
    "                         else the object's silhouette estimated from colour. `bgsub` (static camera):\n"
    "                         that estimate limited to what differs from a background learnt from the\n"
    "                         frames outside the tracked object (the frames' alpha is then ignored)\n"
    "  --init-pose P.json     first-frame pose (world_from_model; or ViSP's pose vector, a .pos file such\n"
    "                         as initClick saves: the object in the camera's frame), refined like a\n"
    "                         tracked frame; without masks it is first moved across the image to where\n"
    "                         the model's texture matches the frame (a start a few cm off); a first\n"
    "                         frame that ends lost is recovered. Default: the model centred in view,\n"
    "                         unrotated, annealed from the lowest band (use --init-search when that may\n"
    "                         be far off)\n"
    "  --init-points P.json   the first-frame pose by PnP from model points and the pixels where frame 0\n"
    "                         shows them ({\"model\":[[x,y,z],...],\"pixels\":[[u,v],...]}, 4 or more,\n"
    "                         not all on one line); then as --init-pose\n"
    "  --no-start-features    without masks, --init-pose is first corrected by the model's texture features\n"
    "                         (SIFT pairs between a render and the frame, PnP) unless they confirm it;\n"
    "                         this turns that off\n"
    "  --no-relocalise        recovery first looks for the lost object in the whole frame by the model's\n"
    "                         texture features (SIFT keypoints of renders from 26 directions, PnP;\n"
    "                         made with the first frame, 1.2-1.5 s for the sample cube on 2 threads, so that no\n"
    "                         recovery exceeds its budget for them); this turns that off\n"
    "  --init-search          multi-start rotation search on the first frame (for starts beyond ~45 deg)\n"
    "  --antialiased          render the model with each opacity compensated for the 0.3 px2 low-pass\n"
    "                         (gsplat's rasterize_mode antialiased, Mip-Splatting); default: as the model's\n"
    "                         PLY header says ('comment rasterize_mode antialiased', mesh2gs --antialiased)\n"
    "  --ceres                Ceres refinement (bands 0-3) before the first frame's alignment\n"
    "  --no-recover           report lost frames without trying Ceres and the rotation search\n"
    "  --no-hold              a frame partly hidden by an occluder is reported where the optimiser ends.\n"
    "                         Default, without masks and when the model's texture does not predict the\n"
    "                         frame's (a texture photographed elsewhere): it is held toward where the\n"
    "                         object was going when last seen whole (its steps between frames that show\n"
    "                         it still do not count), the more firmly the more is hidden,\n"
    "                         unless the visible texture agrees clearly better with where the optimiser ends\n"
    "  --recovery-budget MS   time each lost frame's recovery may take (default 1000); the search goes on\n"
    "                         on the next lost frame. 0: unbounded, and then a run is reproducible bit for\n"
    "                         bit (a budget makes recovery depend on the machine's speed)\n"
    "  --recovery-budget-renders N  the budget as a count of renders instead (replaces MS): bounded and\n"
    "                         reproducible on any machine; each lost frame's search screens one hypothesis\n"
    "                         at least\n"
    "  --accept S             first frame, with masks: colour+silhouette match (<= 1) needed to count as tracking;\n"
    "                         below it the frame is degraded and recovered (default 0.95; lower it for\n"
    "                         noisy frames or imperfect masks, 0 turns the check off)\n"
    "  --iterations N         optimiser iterations on the first frame (default 300)\n"
    "  --track-optimiser O    later frames: lm (default: Levenberg-Marquardt on the top three spectral\n"
    "                         bands from the predicted pose, from lower down when the object moved far since\n"
    "                         the frame before, Adam only when that ends lost) or adam (Adam's annealing\n"
    "                         from the band the predicted motion allows, every frame)\n"
    "  --track-iterations N   Adam's iterations per later frame (default 40)\n"
    "  --pixel-iterations N   later frames, after the optimiser: at most N Levenberg-Marquardt steps on\n"
    "                         per-pixel robust (Huber) colour and silhouette residuals (default 6; 0: none),\n"
    "                         when the first frame shows the model's texture well (agreement >= 0.88)\n"
    "  --bands K              spectral bands (default 8)\n"
    "  --window N             compare a window of N x N pixels around the object, resampled from the frame\n"
    "                         (default 256, at most the frame's larger side; 0: the whole frame at its own\n"
    "                         resolution)\n"
    "  --max-frames N         stop after N frames (N >= 1)\n"
    "  --resume               continue after the last frame already in DIR/poses.csv (a half-written\n"
    "                         last line, from a killed run, is dropped with a warning)\n"
    "  --threads N            worker threads (default 0: all cores; more than the cores are capped)\n"
    "%s"
    "  --overlay              also write DIR/overlay.mp4: each frame with the model drawn at its pose, the\n"
    "                         outline in the status's colour (green tracking, yellow degraded, red lost,\n"
    "                         cyan recovered), frame, status and quality in a corner. Encoded to\n"
    "                         DIR/overlay.partial.mp4 as the run goes (an mp4 cannot be appended to) and\n"
    "                         renamed to overlay.mp4 when the run ends or is stopped by a signal; a killed\n"
    "                         run leaves the previous overlay.mp4. With --resume the finished frames are\n"
    "                         drawn again, so that overlay.mp4 covers the whole run\n"
    "  --quiet                no per-frame lines (on a terminal, stderr shows a progress line either way)\n"
    "\n"
    "Deformation (control points, METHOD.md section 3):\n"
    "  --deform               also fit the 6-DoF transforms of control points jointly with the pose on every\n"
    "                         frame followed; writes DIR/nodes.csv (the control points at rest) and\n"
    "                         DIR/tracks.csv (each node's deformed position and rotation in world\n"
    "                         coordinates per frame: the motion-capture track)\n"
    "  --num-nodes M          control points by opacity-weighted farthest-point sampling (default 256)\n"
    "  --nodes F              control points from a CSV (x,y,z[,radius] rows, or a header naming x, y, z\n"
    "                         and radius: a nodes.csv reads back) or a PLY (vertices' x, y, z[, radius])\n"
    "  --skinning S           lbs (default: linear blend skinning) or dqs (dual quaternions: no volume loss\n"
    "                         where neighbouring nodes turn apart)\n"
    "  --arap-weight W        how firmly neighbouring nodes keep their distances (as-rigid-as-possible\n"
    "                         term; default 1: raise it for stiff objects, lower it for soft ones)\n"
    "  --temporal-weight W    how firmly node transforms keep to the last frame's (default 0.1)\n"
    "  --export-gltf F        when the run ends (or is stopped by a signal), write F: glTF 2.0 with one node\n"
    "                         per control point, its translation and rotation animated at the frames'\n"
    "                         timestamps (the whole of tracks.csv, resumed runs included)\n"
    "  --export-ply           also write DIR/frames/NNNNNN.ply per frame: the model as tracked (deformed with\n"
    "                         --deform) in world coordinates, the same Gaussians in the same order as the\n"
    "                         input, 3DGS layout\n";

RigidPose default_initial_pose(const GaussianModel& model, const Camera& camera) {
  const ModelBounds b = model_bounds(model);
  // The bounding sphere spans half of the shorter image side.
  const double depth = b.radius * camera.fx / (0.25 * std::min(camera.width, camera.height));
  const Eigen::Matrix4d world_from_cam = camera.cam_from_world.inverse();
  const Eigen::Vector3d centre_world = (world_from_cam * Eigen::Vector4d(0, 0, depth, 1)).head<3>();
  RigidPose p;
  p.translation = centre_world - b.center;
  return p;
}

// The frame count the run will have reached when it stops, when known (for
// the progress line).
std::optional<int> final_frame_count(std::optional<int> input_frames, int resume_after, int max_frames) {
  if (max_frames < 0) return input_frames;
  const int limit = resume_after + 1 + max_frames;
  return input_frames ? std::min(*input_frames, limit) : limit;
}

nlohmann::ordered_json versions() {
  return {{"splattrack", "0.1.0"},
          {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                        std::to_string(EIGEN_MINOR_VERSION)},
          {"ceres", CERES_VERSION_STRING},
          {"opencv", CV_VERSION}};
}

// run.json's summary covers every row of poses.csv, those of the run that
// --resume continues included.
struct RunSummary {
  int frames = 0;
  int lost = 0;
  std::vector<double> ms;  // [frames where measured]

  void add(const io::PoseRow& row) {
    ++frames;
    lost += row.status == TrackStatus::lost;
    if (row.ms) ms.push_back(*row.ms);
  }
  double fps() const {
    double total = 0;
    for (const double m : ms) total += m;
    return total > 0 ? 1000.0 * static_cast<double>(ms.size()) / total : 0.0;
  }
  nlohmann::ordered_json json(int skipped) const {
    return {{"frames", frames},
            {"lost_frames", lost},
            {"skipped_frames", skipped},
            {"fps", fps()},
            {"median_ms_per_frame", median(ms)}};
  }
};

// --export-gltf: the whole of tracks.csv at poses.csv's timestamps (at
// `fps` where those do not increase, as from a source without timestamps).
void write_gltf(const std::string& path, const std::string& tracks_csv, const std::string& poses_csv, int nodes,
                double fps) {
  std::vector<io::TrackFrame> frames = io::read_tracks_csv(tracks_csv, nodes);
  std::map<int, double> times;
  for (const io::PoseRow& row : io::read_poses_csv(poses_csv)) times[row.frame] = row.time_s;
  bool increasing = true;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const auto t = times.find(frames[f].frame);
    frames[f].time_s = t == times.end() ? frames[f].frame / fps : t->second;
    increasing = increasing && (f == 0 || frames[f].time_s > frames[f - 1].time_s);
  }
  if (!increasing)
    for (io::TrackFrame& f : frames) f.time_s = f.frame / fps;
  if (!frames.empty()) io::write_tracks_gltf(path, frames);
}

}  // namespace

// Smaller windows leave the spectral bands too few pixels to resolve.
inline constexpr int kMinWindow = 32;

int cmd_track(int argc, char** argv) {
  const Args args(argc, argv, 2,
                  {"model", "camera", "video", "masks", "init-pose", "init-points", "out", "iterations",
                   "track-iterations", "pixel-iterations", "track-optimiser", "bands", "max-frames", "threads",
                   "accept", "window", "recovery-budget", "recovery-budget-renders", "num-nodes", "nodes", "skinning",
                   "export-gltf", "arap-weight", "temporal-weight", "device"},
                  {"help", "init-search", "ceres", "no-recover", "no-hold", "no-start-features", "no-relocalise", "resume",
                   "quiet", "overlay", "deform", "export-ply", "antialiased"});
  if (args.has("help")) {
    std::printf(kHelp, device_help(25).c_str());
    return 0;
  }
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  const std::filesystem::path out = args.get("out");
  // Before anything is read or written: rendering on the GPU, the losses on the CPU.
  const DeviceChoice device = choose_device(args);
  const std::string masks = args.get_or("masks", "");
  const bool bgsub = masks == "bgsub";

  TrackerOptions options;
  options.threads = args.get_threads(0);
  options.cuda = device.cuda;
  options.init_search = args.has("init-search");
  options.subtract_background = bgsub;
  if (args.has("init-pose") && args.has("init-points")) throw UsageError("give --init-pose or --init-points, not both");
  options.first_frame_refines = args.has("init-pose") || args.has("init-points");
  options.window.size = args.get_int("window", options.window.size);
  options.ceres_on_first_frame = args.has("ceres");
  options.recover = !args.has("no-recover");
  options.hold_occluded = !args.has("no-hold");
  options.first_frame_features = !args.has("no-start-features");
  options.relocalise_features = !args.has("no-relocalise");
  options.recovery_budget_ms = args.get_double("recovery-budget", options.recovery_budget_ms);
  if (!(options.recovery_budget_ms >= 0) || !std::isfinite(options.recovery_budget_ms))
    throw UsageError("--recovery-budget must be a number of milliseconds >= 0");
  options.recovery_budget_renders = args.get_int("recovery-budget-renders", options.recovery_budget_renders);
  if (options.recovery_budget_renders < 0) throw UsageError("--recovery-budget-renders must be a count >= 0");
  options.verdict.first_frame_acceptance = args.get_double("accept", options.verdict.first_frame_acceptance);
  options.first_frame.iterations = args.get_int("iterations", options.first_frame.iterations);
  options.tracking.iterations = args.get_int("track-iterations", options.tracking.iterations);
  const std::string optimiser = args.get_or("track-optimiser", "lm");
  if (optimiser != "lm" && optimiser != "adam") throw UsageError("--track-optimiser must be lm or adam");
  options.lm_tracking = optimiser == "lm";
  options.pixel.iterations = args.get_int("pixel-iterations", options.pixel.iterations);
  if (options.pixel.iterations < 0) throw UsageError("--pixel-iterations must be >= 0");
  options.spectral.band_count = args.get_int("bands", options.spectral.band_count);
  options.search.refine = options.first_frame;
  const int max_frames = args.get_int("max-frames", -1);
  if (args.has("max-frames") && max_frames < 1) throw UsageError("--max-frames must be >= 1");
  if (options.window.size != 0 && options.window.size < kMinWindow)
    throw UsageError("--window must be 0 or >= " + std::to_string(kMinWindow));
  if (options.first_frame.iterations < 1 || options.tracking.iterations < 1)
    throw UsageError("iteration counts must be >= 1");
  if (options.spectral.band_count < 1 || options.spectral.band_count > losses::kMaxBandCount)
    throw UsageError("--bands must be in 1.." + std::to_string(losses::kMaxBandCount));

  const bool deform = args.has("deform");
  for (const char* key : {"num-nodes", "nodes", "skinning", "export-gltf", "arap-weight", "temporal-weight"})
    if (!deform && args.has(key)) throw UsageError(std::string("--") + key + " needs --deform");
  if (args.has("num-nodes") && args.has("nodes")) throw UsageError("give --num-nodes or --nodes, not both");
  const int num_nodes = args.get_int("num-nodes", node_defaults::kNodeCount);
  if (num_nodes < 1) throw UsageError("--num-nodes must be >= 1");
  const std::string skinning = args.get_or("skinning", "lbs");
  if (skinning != "lbs" && skinning != "dqs") throw UsageError("--skinning must be lbs or dqs");
  DeformOptions deform_options;
  deform_options.skinning = skinning == "dqs" ? SkinMethod::dqs : SkinMethod::lbs;
  deform_options.arap_weight = args.get_double("arap-weight", deform_options.arap_weight);
  deform_options.temporal_weight = args.get_double("temporal-weight", deform_options.temporal_weight);
  if (!(deform_options.arap_weight >= 0) || !(deform_options.temporal_weight >= 0))
    throw UsageError("--arap-weight and --temporal-weight must be >= 0");
  const bool export_ply = args.has("export-ply");

  // Every input is read and checked before anything in --out is touched: a
  // typo must not cost an earlier run its rows.
  io::LoadReport report;
  GaussianModel model = io::read_gaussians(args.get("model"), &report);
  if (args.has("antialiased")) model.antialiased = true;
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  // The camera fitted to the frames (frame_camera.hpp). Picked points are
  // where the recorded frame shows them; everything after sees the frames
  // made pinhole.
  CameraFrames opened = open_camera_frames(args.get("camera"), args.get("video"), bgsub ? std::string() : masks);
  const Camera camera = opened.camera;
  const RigidPose initial_pose =
      args.has("init-pose")     ? io::read_pose(args.get("init-pose"), opened.recorded)
      : args.has("init-points") ? pose_from_point_file(args.get("init-points"), opened.recorded)
                                : default_initial_pose(model, camera);
  auto source = std::move(opened.source);
  std::optional<ControlPoints> nodes;
  if (deform && args.has("nodes")) {
    io::NodeFile file = io::read_nodes(args.get("nodes"));
    nodes = make_control_points(std::move(file.positions), std::move(file.radii));
  } else if (deform) {
    nodes = make_control_points(sample_node_positions(model, num_nodes));
  }

  const io::OutputLock lock(out.string());
  const std::string csv_path = (out / "poses.csv").string();
  std::vector<io::PoseRow> done;  // frames a previous run tracked (--resume)
  if (args.has("resume") && std::filesystem::is_regular_file(csv_path)) {
    io::ResumedPoses resumed = io::resume_poses_csv(csv_path);
    if (!resumed.dropped.empty()) std::fprintf(stderr, "warning: %s\n", resumed.dropped.c_str());
    done = std::move(resumed.rows);
  }
  const int resume_after = done.empty() ? -1 : done.back().frame;
  // Opened (and, without --resume, emptied) only once the first frame has
  // been read, checked and tracked.
  std::optional<io::PoseCsvWriter> writer;

  nlohmann::ordered_json run;
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  run["command"] = command;
  run["settings"] = {{"model", args.get("model")},
                     {"antialiased", model.antialiased},
                     {"camera", args.get("camera")},
                     {"video", args.get("video")},
                     {"masks", masks},
                     {"init_pose", args.get_or("init-pose", args.has("init-points") ? "init_points" : "default")},
                     {"init_points", args.get_or("init-points", "")},
                     {"undistorted", opened.undistorted},
                     {"camera_scaled_to", opened.rescaled ? nlohmann::json::array({camera.width, camera.height})
                                                          : nlohmann::json()},
                     {"init_search", options.init_search},
                     {"start_features", options.first_frame_features},
                     {"relocalise_features", options.relocalise_features},
                     {"ceres_on_first_frame", options.ceres_on_first_frame},
                     {"recover", options.recover},
                     {"hold_occluded", options.hold_occluded},
                     {"recovery_budget_ms", options.recovery_budget_ms},
                     {"recovery_budget_renders", options.recovery_budget_renders},
                     {"window", options.window.size},
                     {"first_frame_acceptance", options.verdict.first_frame_acceptance},
                     {"first_frame_iterations", options.first_frame.iterations},
                     {"track_optimiser", optimiser},
                     {"tracking_iterations", options.tracking.iterations},
                     {"pixel_iterations", options.pixel.iterations},
                     {"bands", options.spectral.band_count},
                     {"threads", options.threads},
                     {"device", device.json()},
                     {"resume_after", resume_after},
                     {"overlay", args.has("overlay")},
                     {"deform", deform},
                     {"export_ply", export_ply}};
  const char* deform_optimiser = deform_options.optimiser == DeformOptimiser::adam ? "adam" : "gauss_newton";
  if (deform)
    run["settings"]["deformation"] = {{"nodes", nodes->size()},
                                      {"nodes_file", args.get_or("nodes", "")},
                                      {"skinning", skinning},
                                      {"arap_weight", deform_options.arap_weight},
                                      {"temporal_weight", deform_options.temporal_weight},
                                      {"optimiser", deform_optimiser},
                                      {"steps", deform_options.gn_iterations},
                                      {"cg_iterations", deform_options.cg_iterations}};
  run["versions"] = versions();

  std::unique_ptr<DeformableTracker> deformable;
  std::unique_ptr<RigidTracker> rigid;
  if (deform) deformable = std::make_unique<DeformableTracker>(model, camera, options, *nodes, deform_options);
  else rigid = std::make_unique<RigidTracker>(model, camera, options);
  RigidTracker& tracker = deform ? deformable->rigid() : *rigid;
  const std::string tracks_path = (out / "tracks.csv").string();
  std::vector<io::TrackFrame> resumed_tracks;  // the finished frames' node poses (--resume), done[i]'s at
  std::vector<std::size_t> track_of_row;       // resumed_tracks[track_of_row[i]]
  if (deform) {
    if (!done.empty()) resumed_tracks = io::resume_tracks_csv(tracks_path, resume_after, nodes->size());
    for (std::size_t i = 0, j = 0; i < done.size(); ++i) {
      while (j < resumed_tracks.size() && resumed_tracks[j].frame < done[i].frame) ++j;
      if (j == resumed_tracks.size() || resumed_tracks[j].frame != done[i].frame)
        throw io::InputError(tracks_path, "holds no rows for frame " + std::to_string(done[i].frame) +
                                              ", which poses.csv has: it does not belong to that run (run again "
                                              "without --resume)");
      track_of_row.push_back(j);
    }
    io::write_nodes_csv((out / "nodes.csv").string(), nodes->positions, nodes->radii);
  }
  std::optional<io::TracksCsvWriter> tracks;
  if (export_ply) std::filesystem::create_directories(out / "frames");
  const auto tracked_model = [&](const RigidPose& pose) {
    return deform ? deformable->world_model(pose) : transformed(model, pose);
  };
  std::optional<OverlayVideo> overlay;
  if (args.has("overlay")) overlay.emplace(model, camera, tracker.context(), out, source->fps().value_or(30.0));
  RunSummary summary;
  for (const io::PoseRow& row : done) summary.add(row);
  std::size_t replayed = 0;  // rows of `done` the tracker has learnt again
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  // Frames per foreground source (FORMATS.md: run.json says which was used).
  nlohmann::ordered_json foreground = nlohmann::ordered_json::object();
  int wide_windows = 0;  // frames of this run looked at in a wide window (recovery or search)
  int pixel_refined = 0;  // frames of this run refined per pixel
  int held = 0;           // frames of this run held under an occluder
  int hold_yielded = 0;   // partly hidden frames whose optimiser's pose the texture preferred to the hold's
  int photometric = 0;    // degraded frames of this run aligned again on the photometric loss
  const auto write_run_json = [&](int skipped) {
    run["summary"] = summary.json(skipped);
    if (!foreground.empty()) run["summary"]["foreground"] = foreground;
    run["summary"]["wide_window_frames"] = wide_windows;
    run["summary"]["pixel_refined_frames"] = pixel_refined;
    run["summary"]["held_frames"] = held;
    run["summary"]["hold_yielded_frames"] = hold_yielded;
    run["summary"]["photometric_frames"] = photometric;
    if (!warnings.empty()) run["warnings"] = warnings;
    if (overlay) run["summary"]["overlay_median_ms_per_frame"] = median(overlay->ms());
    io::write_file_atomically((out / "run.json").string(), run.dump(2) + "\n");
  };

  const InterruptGuard interrupts;
  io::Frame in;
  bool started = !done.empty();
  int processed = 0, skipped = 0;
  const bool quiet = args.has("quiet");
  ProgressLine progress(final_frame_count(source->frame_count(), resume_after, max_frames));
  for (;;) {
    if (InterruptGuard::received() != 0) break;
    if (max_frames >= 0 && processed >= max_frames) break;
    const io::FrameStatus st = source->next(in);
    if (st == io::FrameStatus::end) {
      if (const std::string w = source->end_warning(); !w.empty()) {
        progress.clear();
        std::fprintf(stderr, "warning: %s\n", w.c_str());
        warnings.push_back(w);
      }
      break;
    }
    if (st == io::FrameStatus::skipped) {
      progress.clear();
      std::fprintf(stderr, "warning: frame %d (%s) skipped: %s\n", in.index, in.name.c_str(), in.problem.c_str());
      ++skipped;
      continue;
    }
    if (bgsub) in.mask.clear();
    if (in.index <= resume_after) {
      // A finished frame: the tracker learns again what it taught it.
      while (replayed < done.size() && done[replayed].frame < in.index) ++replayed;
      if (replayed < done.size() && done[replayed].frame == in.index) {
        const io::PoseRow& row = done[replayed];
        if (deform) {
          // Each frame in the shape it was written with: the resumed run
          // then continues as the uninterrupted one (up to the round trip
          // through world coordinates).
          deformable->replay(in.view(), initial_pose, row.world_from_model, row.status,
                             resumed_tracks[track_of_row[replayed]].nodes);
          if (overlay)
            overlay->add_world(in, deformable->world_model(row.world_from_model), row.status, row.iou);
        } else {
          tracker.replay(in.view(), initial_pose, row.world_from_model, row.status);
          if (overlay) overlay->add(in, row.world_from_model, row.status, row.iou);
        }
        ++replayed;
      }
      continue;
    }
    const FrameView frame = in.view();
    const FrameResult r = started ? tracker.track(frame) : tracker.initialize(frame, initial_pose);
    started = true;
    ++processed;
    foreground[to_string(r.foreground)] = foreground.value(to_string(r.foreground), 0) + 1;
    wide_windows += r.window.wide;
    pixel_refined += r.pixel_refined;
    held += r.held;
    hold_yielded += r.hold_yielded;
    photometric += r.photometric;

    io::PoseRow row;
    row.frame = in.index;
    row.time_s = in.time_s;
    row.world_from_model = r.pose;
    row.status = r.status;
    row.loss = r.loss;
    if (r.has_mask) row.iou = r.quality;
    row.iterations = r.iterations;
    row.ms = r.timings.total_ms;
    if (!writer) writer.emplace(csv_path, !done.empty());
    if (deform) {
      if (!tracks) tracks.emplace(tracks_path, !done.empty());
      tracks->write(in.index, deformable->world_nodes(r.pose));
    }
    if (export_ply) {
      char name[32];
      std::snprintf(name, sizeof name, "%06d.ply", in.index);
      io::write_ply((out / "frames" / name).string(), tracked_model(r.pose));
    }
    writer->write(row);
    summary.add(row);
    if (overlay && deform) overlay->add_world(in, deformable->world_model(r.pose), r.status, r.quality);
    else if (overlay) overlay->add(in, r.pose, r.status, r.quality);
    if (!quiet) {
      progress.clear();
      std::printf("frame %5d  %-9s  quality %.3f  iterations %3d  %7.1f ms%s\n", in.index,
                  std::string(to_string(r.status)).c_str(), r.quality, r.iterations, r.timings.total_ms,
                  r.window.wide ? "  (wide window)" : "");
    }
    write_run_json(skipped);
    progress.update(in.index, r.status);
  }
  progress.clear();
  if (overlay) overlay->finish();
  if (args.has("export-gltf") && summary.frames > 0) write_gltf(args.get("export-gltf"), tracks_path, csv_path,
                                                                nodes->size(), source->fps().value_or(30.0));
  if (const int signal = InterruptGuard::received(); signal != 0) {
    run["interrupted"] = signal_name(signal);
    if (summary.frames > 0) write_run_json(skipped);
    std::printf("interrupted by %s: %d frames in %s (%d in this run)\n", signal_name(signal), summary.frames,
                csv_path.c_str(), processed);
    return 128 + signal;
  }
  if (summary.frames == 0) throw io::InputError(args.get("video"), "no frame could be read");
  write_run_json(skipped);
  std::printf("tracked %d frames (%d in this run; %d lost, %d skipped), %.1f fps, median %.1f ms per frame; "
              "wrote %s\n",
              summary.frames, processed, summary.lost, skipped, summary.fps(), median(summary.ms), csv_path.c_str());
  return 0;
}

}  // namespace splattrack::apps
