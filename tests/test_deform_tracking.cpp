// Deformation tracking on synthetic deforming scenes with ground truth: the
// procedural object bent, twisted and waved by datasets' deformation field
// (not the tracker's node model) while it moves, tracked from its true first
// pose by the deformable tracker and, for comparison, by the rigid one;
// errors are the mean distance of the Gaussians' centres from the truth.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "plain_view_test_util.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack {
namespace {

using datasets::DeformScene;

RigidPose pose_at(int k) {
  RigidPose p;
  p.translation = {0.01 * k, -0.005 * k, datasets::kDefaultDistance};
  p.rotation = Eigen::AngleAxisd(k * 1.0 * EIGEN_PI / 180, Eigen::Vector3d(0.3, 1, 0.2).normalized()) *
               Eigen::AngleAxisd(0.5, Eigen::Vector3d(1, 0, 0.3).normalized());
  return p;
}

// Mean distance between the Gaussians' centres of two models, in object sizes.
double mean_error(const GaussianModel& a, const GaussianModel& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += (Eigen::Vector3f(a.means[3 * i], a.means[3 * i + 1], a.means[3 * i + 2]) -
            Eigen::Vector3f(b.means[3 * i], b.means[3 * i + 1], b.means[3 * i + 2]))
               .norm();
  return sum / static_cast<double>(a.size()) / datasets::kObjectDiameter;
}

struct Errors {
  std::vector<double> deform, rigid;
};

Errors run(DeformScene scene, int frames, int nodes) {
  const test::PlainView v(256, 256, 0.6);
  datasets::DeformFieldOptions fo;
  fo.scene = scene;
  const datasets::DeformationField field(v.model, fo);
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  DeformableTracker deformable(v.model, v.camera, options,
                               make_control_points(sample_node_positions(v.model, nodes)));
  RigidTracker rigid(v.model, v.camera, options);
  Errors out;
  for (int k = 0; k < frames; ++k) {
    const GaussianModel truth = transformed(field.deformed(k), pose_at(k));
    RenderOptions over;
    over.background = {0.35f, 0.4f, 0.45f};
    FrameImage f = frame_from_render(test::render_image(truth, v.camera, over));
    const FrameResult d = k == 0 ? deformable.initialize(f.view(), pose_at(0)) : deformable.track(f.view());
    const FrameResult r = k == 0 ? rigid.initialize(f.view(), pose_at(0)) : rigid.track(f.view());
    out.deform.push_back(mean_error(deformable.world_model(d.pose), truth));
    out.rigid.push_back(mean_error(transformed(v.model, r.pose), truth));
    EXPECT_EQ(d.status, TrackStatus::tracking) << "frame " << k;
  }
  return out;
}

double mean_after(const std::vector<double>& e, int first) {
  return std::accumulate(e.begin() + first, e.end(), 0.0) / static_cast<double>(e.size() - first);
}

// Half a cycle of each scene (rest → most deformed → rest), 64 nodes, masks
// given. Measured: bend mean 0.018 / max 0.025 of the object's size after
// frame 5 (rigid 0.029 / 0.032), twist 0.026 / 0.035 (rigid 0.035 / 0.051).
// The wave is not followed better than rigidly yet (0.029 against 0.016):
// not tested as if it were.
TEST(DeformTracking, ABendIsFollowedCloserThanRigidly) {
  const Errors r = run(DeformScene::bend, 30, 64);
  EXPECT_LT(mean_after(r.deform, 5), 0.75 * mean_after(r.rigid, 5));
  EXPECT_LT(*std::max_element(r.deform.begin() + 5, r.deform.end()), 0.03);
}

TEST(DeformTracking, ATwistIsFollowedCloserThanRigidly) {
  const Errors r = run(DeformScene::twist, 30, 64);
  EXPECT_LT(mean_after(r.deform, 5), 0.85 * mean_after(r.rigid, 5));
  EXPECT_LT(*std::max_element(r.deform.begin() + 5, r.deform.end()), 0.04);
}

}  // namespace
}  // namespace splattrack
