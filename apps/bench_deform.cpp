// `splattrack bench track --deform` (issue 11): the three deforming scenes
// (bend, twist, wave) at 256x256 and 640x480, --frames frames each, from a
// start 0.5 object sizes off, and at 256x256 from a start 1.5 sizes to the
// side (`-apart`: the silhouettes far apart), tracked with --deform by the
// spectral tracker and by the photometric baseline: the Gaussians' mean error
// (after the fifth frame) against the truth, mask IoU and the median time per
// frame. Frames carry their masks (alpha), as synth's plain ones do.
#include <algorithm>
#include <numeric>

#include "bench.hpp"
#include "device_choice.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/misalign.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack::apps {

namespace {

inline constexpr double kStartOffset = 0.5;  // object sizes, in a random direction (partly in depth)
// Object sizes in the image plane, with the object a quarter of the image
// (the misalignment sweep's scene, bench_track.cpp): no overlap whichever
// way the object turns, and still in view.
inline constexpr double kApartOffset = 1.5;
inline constexpr double kApartCoverage = 0.25;

struct DeformCase {
  const char* name;
  datasets::DeformScene field;
  int width, height;
  bool apart;  // the start kApartOffset to the side, else kStartOffset off
};

const DeformCase kCases[] = {{"bend", datasets::DeformScene::bend, 256, 256, false},
                             {"twist", datasets::DeformScene::twist, 256, 256, false},
                             {"wave", datasets::DeformScene::wave, 256, 256, false},
                             {"bend-640", datasets::DeformScene::bend, 640, 480, false},
                             {"twist-640", datasets::DeformScene::twist, 640, 480, false},
                             {"wave-640", datasets::DeformScene::wave, 640, 480, false},
                             {"bend-apart", datasets::DeformScene::bend, 256, 256, true},
                             {"twist-apart", datasets::DeformScene::twist, 256, 256, true},
                             {"wave-apart", datasets::DeformScene::wave, 256, 256, true}};

RigidPose start_pose(const DeformCase& c, const Camera& camera, const RigidPose& truth) {
  if (!c.apart) return datasets::misalign(truth, {kStartOffset, 0.0, datasets::kObjectDiameter, 1});
  RigidPose start = truth;
  // The camera's x axis in world coordinates: sideways in the image.
  start.translation += kApartOffset * datasets::kObjectDiameter *
                       camera.cam_from_world.block<1, 3>(0, 0).transpose().normalized();
  return start;
}

BenchRow run_case(const DeformCase& c, bool photometric, bool cuda, const BenchConfig& config) {
  const GaussianModel model = datasets::make_object_model({});
  datasets::CameraPlacement placement;
  placement.width = c.width;
  placement.height = c.height;
  if (c.apart) placement.coverage = kApartCoverage;
  const Camera camera = datasets::place_camera(placement);
  datasets::TrajectoryOptions to;
  to.frames = config.frames;
  const std::vector<RigidPose> poses = datasets::make_trajectory(camera, to);
  datasets::DeformFieldOptions fo;
  fo.scene = c.field;
  const datasets::DeformationField field(model, fo);
  TrackerOptions options;
  options.threads = config.threads;
  options.cuda = cuda;
  options.first_frame.photometric = photometric;
  options.tracking.photometric = photometric;
  options.lm_tracking = !photometric;
  DeformOptions deform;
  if (photometric) {
    deform.optimiser = DeformOptimiser::adam;
    deform.fit.photometric = true;
  }
  DeformableTracker tracker(model, camera, options,
                            make_control_points(sample_node_positions(model, node_defaults::kNodeCount)), deform);
  ExecutionContext context(config.threads);
  Renderer renderer(context);
  std::vector<double> errors, ious, ms;
  const RigidPose start = start_pose(c, camera, poses[0]);
  for (std::size_t k = 0; k < poses.size(); ++k) {
    const GaussianModel truth = transformed(field.deformed(static_cast<double>(k)), poses[k]);
    const FrameImage frame = frame_from_render(renderer.forward(truth, camera).image());
    const FrameResult r = k == 0 ? tracker.initialize(frame.view(), start) : tracker.track(frame.view());
    if (k > 0) ms.push_back(r.timings.total_ms);
    if (static_cast<int>(k) < kDeformSettleFrames) continue;
    const datasets::ShapeError e =
        datasets::shape_error(static_cast<int>(k), tracker.world_model(r.pose), truth, datasets::kObjectDiameter,
                              camera, context);
    errors.push_back(e.mean);
    ious.push_back(e.iou);
  }
  const auto mean = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  BenchRow row;
  row.set("bench", "track-deform").set("scene", c.name).set("width", c.width).set("height", c.height);
  row.set("method", photometric ? "photometric" : "spectral").set("frames", config.frames);
  row.set("threads", config.threads).set("device", cuda ? "cuda" : "cpu").set("nodes", node_defaults::kNodeCount);
  row.set("mean_error", mean(errors));
  row.set("max_frame_error", errors.empty() ? 0.0 : *std::max_element(errors.begin(), errors.end()));
  row.set("mean_iou", mean(ious)).set("median_ms_per_frame", median(ms));
  return row;
}

}  // namespace

std::vector<BenchRow> bench_track_deform(const BenchConfig& config) {
  std::vector<BenchRow> rows;
  const bool gpu = bench_on_gpu("track --deform");
  for (const DeformCase& c : kCases) {
    if (!chosen(config.sequences, c.name)) continue;
    for (const bool photometric : {false, true}) {
      if (!chosen(config.methods, photometric ? "photometric" : "spectral")) continue;
      rows.push_back(run_case(c, photometric, false, config));
      if (gpu) rows.push_back(run_case(c, photometric, true, config));
    }
  }
  return rows;
}

std::vector<std::string> deform_sequences() {
  std::vector<std::string> names;
  for (const DeformCase& c : kCases) names.emplace_back(c.name);
  return names;
}

}  // namespace splattrack::apps
