// Deformation tracking on synthetic deforming scenes with ground truth: the
// procedural object bent and twisted by datasets' deformation field (not
// the tracker's node model) while it moves, with its masks, tracked from its
// true first pose by the deformable tracker and, for comparison, by the
// rigid one. Errors are the mean distance of the Gaussians' centres from the
// truth's, in object sizes; "centred" moves each model's centroid onto the
// truth's first, leaving the shape's error alone (a deforming object's depth
// is what one camera sees least).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "deform_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack {
namespace {

using datasets::DeformScene;

using test::mean_gaussian_error;

double centred_error(const GaussianModel& a, const GaussianModel& b) {
  const auto centroid = [](const GaussianModel& m) {
    Eigen::Vector3d c = Eigen::Vector3d::Zero();
    for (std::size_t i = 0; i < m.size(); ++i)
      c += Eigen::Vector3d(m.means[3 * i], m.means[3 * i + 1], m.means[3 * i + 2]);
    return Eigen::Vector3d(c / static_cast<double>(m.size()));
  };
  RigidTransform shift;
  shift.translation = centroid(b) - centroid(a);
  return mean_gaussian_error(transformed(a, shift), b);
}

struct Scene {
  GaussianModel model;
  Camera camera = datasets::place_camera();
  std::vector<RigidPose> poses;
  std::array<float, 3> background{0.5f, 0.5f, 0.5f};
};

// What `splattrack synth --scene S --seed SEED --frames N --gaussians 4000
// --speed 0.01 --rot-speed 1` makes: a random trajectory over plain grey.
Scene synth_scene(unsigned seed, int frames) {
  Scene s;
  s.model = datasets::make_object_model({4000, seed});
  datasets::TrajectoryOptions to;
  to.frames = frames;
  to.seed = seed;
  to.translation_speed = 0.01;
  to.rotation_speed_deg = 1;
  s.poses = datasets::make_trajectory(s.camera, to);
  return s;
}

// A steady turn about a tilted axis over a grey-blue background: the object's
// long axis stays nearly along the line of sight, so that its bending is
// mostly in depth.
Scene turning_scene(int frames) {
  Scene s;
  s.model = datasets::make_object_model({4000, 0});
  for (int k = 0; k < frames; ++k) {
    RigidPose p;
    p.translation = {0.01 * k, -0.005 * k, datasets::kDefaultDistance};
    p.rotation = Eigen::AngleAxisd(k * EIGEN_PI / 180, Eigen::Vector3d(0.3, 1, 0.2).normalized()) *
                 Eigen::AngleAxisd(0.5, Eigen::Vector3d(1, 0, 0.3).normalized());
    s.poses.push_back(p);
  }
  s.background = {0.35f, 0.4f, 0.45f};
  return s;
}

struct Errors {
  std::vector<double> deform, rigid, deform_centred, rigid_centred;  // per frame
};

Errors run(const Scene& scene, DeformScene deformation) {
  datasets::DeformFieldOptions fo;
  fo.scene = deformation;
  const datasets::DeformationField field(scene.model, fo);
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  DeformableTracker deformable(scene.model, scene.camera, options,
                               make_control_points(sample_node_positions(scene.model, 64)));
  RigidTracker rigid(scene.model, scene.camera, options);
  RenderOptions over;
  over.background = scene.background;
  Errors out;
  for (std::size_t k = 0; k < scene.poses.size(); ++k) {
    const GaussianModel truth = transformed(field.deformed(static_cast<double>(k)), scene.poses[k]);
    const FrameImage f = frame_from_render(test::render_image(truth, scene.camera, over));
    const FrameResult d = k == 0 ? deformable.initialize(f.view(), scene.poses[0]) : deformable.track(f.view());
    const FrameResult r = k == 0 ? rigid.initialize(f.view(), scene.poses[0]) : rigid.track(f.view());
    EXPECT_EQ(d.status, TrackStatus::tracking) << "frame " << k;
    const GaussianModel tracked = deformable.world_model(d.pose), rigidly = transformed(scene.model, r.pose);
    out.deform.push_back(mean_gaussian_error(tracked, truth));
    out.rigid.push_back(mean_gaussian_error(rigidly, truth));
    out.deform_centred.push_back(centred_error(tracked, truth));
    out.rigid_centred.push_back(centred_error(rigidly, truth));
  }
  return out;
}

double mean_after(const std::vector<double>& e, int first) {
  return std::accumulate(e.begin() + first, e.end(), 0.0) / static_cast<double>(e.size() - first);
}

double max_after(const std::vector<double>& e, int first) { return *std::max_element(e.begin() + first, e.end()); }

// `synth --scene bend --seed 2` to frame 39: measured (frames 5-39) mean
// 1.93 / max 3.14 % (rigid 2.25 / 3.35), centred 1.81 (rigid 2.15).
TEST(DeformTracking, ABendIsFollowedCloserThanRigidly) {
  const Errors r = run(synth_scene(2, 40), DeformScene::bend);
  EXPECT_LT(mean_after(r.deform, 5), 0.9 * mean_after(r.rigid, 5));
  EXPECT_LT(mean_after(r.deform_centred, 5), 0.9 * mean_after(r.rigid_centred, 5));
  EXPECT_LT(max_after(r.deform, 5), 0.035);
}

// The turning scene, bent over half a cycle (30 frames): its shape is
// little closer than the rigid model's, its depth a little worse. Measured
// (frames 5-29) mean 3.01 / max 3.57 % (rigid 2.91 / 3.50), centred 1.73
// (1.92); twisted: 3.58 / 5.11 (3.52 / 5.08), centred 2.19 (2.29). A guard
// against the fit running off where the image does not hold it (an early
// version reached 33 % by frame 29), not a claim that it helps here.
TEST(DeformTracking, ABendMostlyInDepthIsNotLost) {
  const Errors r = run(turning_scene(30), DeformScene::bend);
  EXPECT_LT(mean_after(r.deform_centred, 5), mean_after(r.rigid_centred, 5));
  EXPECT_LT(mean_after(r.deform, 5), 1.2 * mean_after(r.rigid, 5));
  EXPECT_LT(max_after(r.deform, 5), 1.3 * max_after(r.rigid, 5));
}

}  // namespace
}  // namespace splattrack
