#include "splattrack/io/pose_io.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {
std::vector<double> numbers(const nlohmann::json& j, const char* key, std::size_t n, const std::string& path) {
  if (!j.contains(key)) throw InputError(path, std::string("missing \"") + key + "\"");
  const auto& a = j.at(key);
  if (!a.is_array() || a.size() != n)
    throw InputError(path, std::string("\"") + key + "\" must be an array of " + std::to_string(n) + " numbers");
  std::vector<double> v;
  for (const auto& x : a) {
    if (!x.is_number() || !std::isfinite(x.get<double>()))
      throw InputError(path, std::string("\"") + key + "\" holds a non-finite or non-numeric value");
    v.push_back(x.get<double>());
  }
  return v;
}
}  // namespace

RigidPose read_pose(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open pose file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw InputError(path, "pose file must hold a JSON object");
  const auto q = numbers(j, "rotation_wxyz", 4, path);
  const auto t = numbers(j, "translation", 3, path);
  RigidPose p;
  p.rotation = Eigen::Quaterniond(q[0], q[1], q[2], q[3]);
  if (p.rotation.norm() < 1e-12) throw InputError(path, "\"rotation_wxyz\" is the zero quaternion");
  p.rotation.normalize();
  p.translation = Eigen::Vector3d(t[0], t[1], t[2]);
  return p;
}

void write_pose(const std::string& path, const RigidPose& pose) {
  const Eigen::Quaterniond q = pose.rotation.normalized();
  nlohmann::json j;
  j["rotation_wxyz"] = {q.w(), q.x(), q.y(), q.z()};
  j["translation"] = {pose.translation.x(), pose.translation.y(), pose.translation.z()};
  std::ofstream out(path);
  if (!out) throw InputError(path, "cannot write pose file");
  out << std::setprecision(17) << j.dump(2) << "\n";
}

}  // namespace splattrack::io
