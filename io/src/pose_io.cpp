#include "splattrack/io/pose_io.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "file_util.hpp"
#include "pose_parse.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

namespace {
// `a`, called `name` in messages, as the `n` finite numbers it must hold.
std::vector<double> array_numbers(const nlohmann::json& a, const std::string& name, std::size_t n,
                                  const std::string& path) {
  if (!a.is_array() || a.size() != n)
    throw InputError(path, "\"" + name + "\" must be an array of " + std::to_string(n) + " numbers");
  std::vector<double> v;
  for (const auto& x : a) {
    if (!x.is_number() || !std::isfinite(x.get<double>()))
      throw InputError(path, "\"" + name + "\" holds a non-finite or non-numeric value");
    v.push_back(x.get<double>());
  }
  return v;
}
// The member `key` of `j`, as array_numbers().
std::vector<double> numbers(const nlohmann::json& j, const char* key, std::size_t n, const std::string& path) {
  if (!j.contains(key)) throw InputError(path, std::string("missing \"") + key + "\"");
  return array_numbers(j.at(key), key, n, path);
}
// `text` parsed as JSON whose top level must be an object (`what` names the file's kind).
nlohmann::json parse_object(std::string_view text, const std::string& path, const char* what) {
  guard_text(text, TextSyntax::json, path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, "not valid JSON: " + parser_message(e.what()));
  }
  if (!j.is_object()) throw InputError(path, std::string(what) + " file must hold a JSON object");
  return j;
}
}  // namespace

RigidPose parse_pose_json(std::string_view text, const std::string& path) {
  const nlohmann::json j = parse_object(text, path, "pose");
  const auto q = numbers(j, "rotation_wxyz", 4, path);
  const auto t = numbers(j, "translation", 3, path);
  // stableNorm: components near 1e308 would overflow a plain sum of squares
  // and normalise to zero.
  const Eigen::Vector4d wxyz(q[0], q[1], q[2], q[3]);
  const double norm = wxyz.stableNorm();
  if (norm < 1e-12) throw InputError(path, "\"rotation_wxyz\" is the zero quaternion");
  RigidPose p;
  p.rotation = Eigen::Quaterniond(wxyz[0] / norm, wxyz[1] / norm, wxyz[2] / norm, wxyz[3] / norm);
  p.translation = Eigen::Vector3d(t[0], t[1], t[2]);
  return p;
}

PointPairs read_point_pairs(const std::string& path) {
  const FileBytes bytes = read_file_bytes(path, kMaxSmallFileBytes);
  const nlohmann::json j = parse_object(bytes.view(), path, "point");
  for (const char* key : {"model", "pixels"})
    if (!j.contains(key) || !j.at(key).is_array())
      throw InputError(path, std::string("missing the array \"") + key + "\"");
  const auto& model = j.at("model");
  const auto& pixels = j.at("pixels");
  if (model.size() != pixels.size())
    throw InputError(path, "\"model\" holds " + std::to_string(model.size()) + " points and \"pixels\" " +
                               std::to_string(pixels.size()) + ": they must pair up");
  if (model.size() < kMinPointPairs)
    throw InputError(path, "PnP needs at least " + std::to_string(kMinPointPairs) + " points, the file has " +
                               std::to_string(model.size()));
  PointPairs pairs;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    const auto m = array_numbers(model[i], "model" + at, 3, path);
    const auto p = array_numbers(pixels[i], "pixels" + at, 2, path);
    pairs.model.emplace_back(m[0], m[1], m[2]);
    pairs.pixels.emplace_back(p[0], p[1]);
  }
  return pairs;
}

Pose<frames::Camera, frames::Model> parse_pose_visp(std::string_view text, const std::string& path) {
  guard_text(text, TextSyntax::plain, path);
  std::vector<double> v;
  for_each_token(text, [&](std::string_view token) {
    const std::string_view digits = token.starts_with('+') ? token.substr(1) : token;
    double value = 0;
    const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || stop != digits.data() + digits.size() || digits.empty() || !std::isfinite(value))
      throw InputError(path, "a ViSP pose vector holds six finite numbers (tx ty tz θux θuy θuz), got " +
                                 quoted_excerpt(token));
    if (v.size() == 6) throw InputError(path, "a ViSP pose vector holds six numbers (tx ty tz θux θuy θuz), got more");
    v.push_back(value);
  });
  if (v.size() != 6)
    throw InputError(path, "a ViSP pose vector holds six numbers (tx ty tz θux θuy θuz), got " +
                               std::to_string(v.size()));
  const Eigen::Vector3d theta_u(v[3], v[4], v[5]);
  // stableNorm: a plain norm overflows from components of 1e154 on.
  const double angle = theta_u.stableNorm();
  if (!std::isfinite(angle)) throw InputError(path, "a ViSP pose vector's rotation θu is too long to turn by");
  Pose<frames::Camera, frames::Model> cam_from_model;
  if (angle > 0) cam_from_model.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(angle, theta_u / angle));
  cam_from_model.translation = Eigen::Vector3d(v[0], v[1], v[2]);
  return cam_from_model;
}

RigidPose read_pose(const std::string& path, const Camera& camera) {
  const FileBytes bytes = read_file_bytes(path, kMaxSmallFileBytes);
  if (lower_extension(path) == ".pos") return world_from_cam(camera) * parse_pose_visp(bytes.view(), path);
  return parse_pose_json(bytes.view(), path);
}

void write_pose(const std::string& path, const RigidPose& pose) {
  const Eigen::Quaterniond q = pose.rotation.normalized();
  nlohmann::json j;
  j["rotation_wxyz"] = {q.w(), q.x(), q.y(), q.z()};
  j["translation"] = {pose.translation.x(), pose.translation.y(), pose.translation.z()};
  // nlohmann writes each double in its shortest exact form: it reads back bit for bit.
  write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace splattrack::io
