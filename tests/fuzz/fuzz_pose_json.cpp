// Pose files through io::read_pose, the same bytes as JSON and as a ViSP pose
// vector (.pos): only InputError escapes; an accepted pose is finite with a
// unit quaternion, and write_pose / read_pose gives it back within 1e-15.
#include "fuzz_util.hpp"
#include "splattrack/io/pose_io.hpp"

namespace {

void check_pose(const std::string& path) {
  using namespace splattrack;
  RigidPose pose;
  if (!fuzz::accepts("read_pose", [&] { pose = io::read_pose(path); })) return;
  const Eigen::Vector4d q = pose.rotation.coeffs();
  FUZZ_CHECK(q.allFinite() && pose.translation.allFinite(),
             "non-finite pose: q (xyzw) " << q.transpose() << ", t " << pose.translation.transpose());
  FUZZ_CHECK(std::abs(q.norm() - 1.0) < 1e-12, "quaternion (xyzw) " << q.transpose() << " has norm " << q.norm());

  const std::string copy = fuzz::temp_path("roundtrip.json");
  RigidPose back;
  fuzz::must_succeed("write_pose of an accepted pose", [&] { io::write_pose(copy, pose); });
  fuzz::must_succeed("read_pose of write_pose's output", [&] { back = io::read_pose(copy); });
  const Eigen::Vector4d q_back = back.rotation.coeffs();
  FUZZ_CHECK((q_back - q).cwiseAbs().maxCoeff() <= 1e-15,
             "round trip moved the quaternion (xyzw) " << q.transpose() << " to " << q_back.transpose());
  const double t_scale = std::max(1.0, pose.translation.cwiseAbs().maxCoeff());
  FUZZ_CHECK((back.translation - pose.translation).cwiseAbs().maxCoeff() <= 1e-15 * t_scale,
             "round trip moved the translation " << pose.translation.transpose() << " to "
                                                 << back.translation.transpose());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_pose(splattrack::fuzz::input_file("in.json", data, size));
  check_pose(splattrack::fuzz::input_file("in.pos", data, size));
  return 0;
}
