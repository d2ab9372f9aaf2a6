// `splattrack bench track --deform` (issue 11): the three deforming scenes
// (bend, twist, wave) at 256x256 and 640x480, --frames frames each, from a
// start 0.5 object sizes off (no overlap), tracked with --deform by the
// spectral tracker and by the photometric baseline: the Gaussians' mean error
// (after the fifth frame) against the truth, mask IoU and the median time per
// frame. Frames carry their masks (alpha), as synth's plain ones do.
#include <algorithm>
#include <numeric>

#include "bench.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/misalign.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack::apps {

namespace {

inline constexpr double kStartOffset = 0.5;  // object sizes: no overlap with the truth

struct DeformCase {
  const char* scene;
  datasets::DeformScene field;
  int width, height;
};

BenchRow run_case(const DeformCase& c, bool photometric, const BenchConfig& config) {
  const GaussianModel model = datasets::make_object_model({});
  datasets::CameraPlacement placement;
  placement.width = c.width;
  placement.height = c.height;
  const Camera camera = datasets::place_camera(placement);
  datasets::TrajectoryOptions to;
  to.frames = config.frames;
  const std::vector<RigidPose> poses = datasets::make_trajectory(camera, to);
  datasets::DeformFieldOptions fo;
  fo.scene = c.field;
  const datasets::DeformationField field(model, fo);
  TrackerOptions options;
  options.threads = config.threads;
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
  const RigidPose start = datasets::misalign(poses[0], {kStartOffset, 0.0, datasets::kObjectDiameter, 1});
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
  row.set("bench", "track-deform").set("scene", c.scene).set("width", c.width).set("height", c.height);
  row.set("method", photometric ? "photometric" : "spectral").set("frames", config.frames);
  row.set("threads", config.threads).set("nodes", node_defaults::kNodeCount);
  row.set("mean_error", mean(errors));
  row.set("max_frame_error", errors.empty() ? 0.0 : *std::max_element(errors.begin(), errors.end()));
  row.set("mean_iou", mean(ious)).set("median_ms_per_frame", median(ms));
  return row;
}

}  // namespace

std::vector<BenchRow> bench_track_deform(const BenchConfig& config) {
  const DeformCase cases[] = {{"bend", datasets::DeformScene::bend, 256, 256},
                              {"twist", datasets::DeformScene::twist, 256, 256},
                              {"wave", datasets::DeformScene::wave, 256, 256},
                              {"bend", datasets::DeformScene::bend, 640, 480},
                              {"twist", datasets::DeformScene::twist, 640, 480},
                              {"wave", datasets::DeformScene::wave, 640, 480}};
  std::vector<BenchRow> rows;
  for (const DeformCase& c : cases)
    for (const bool photometric : {false, true}) rows.push_back(run_case(c, photometric, config));
  return rows;
}

}  // namespace splattrack::apps
