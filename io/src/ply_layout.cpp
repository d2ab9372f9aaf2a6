#include "ply_layout.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <string_view>

#include "splattrack/io/error.hpp"

namespace splattrack::io::ply {

namespace {

struct NamedSlot {
  std::string_view name;
  Slot slot;
};

// Every property a 3DGS file must have, except f_rest whose count sets the degree.
inline constexpr std::array<NamedSlot, 14> kRequired{{
    {"x", {Field::Mean, 0}},      {"y", {Field::Mean, 1}},      {"z", {Field::Mean, 2}},
    {"f_dc_0", {Field::Sh, 0}},   {"f_dc_1", {Field::Sh, 1}},   {"f_dc_2", {Field::Sh, 2}},
    {"opacity", {Field::Opacity, 0}},
    {"scale_0", {Field::LogScale, 0}}, {"scale_1", {Field::LogScale, 1}}, {"scale_2", {Field::LogScale, 2}},
    {"rot_0", {Field::Quat, 0}},  {"rot_1", {Field::Quat, 1}},  {"rot_2", {Field::Quat, 2}},
    {"rot_3", {Field::Quat, 3}},
}};

inline constexpr std::string_view kRestPrefix = "f_rest_";
inline constexpr std::array<int, 4> kRestCounts{0, 9, 24, 45};  // 3·((d+1)² − 1) for d = 0..3

// "f_rest_12" -> 12; nullopt for any other name, including "f_rest_012" and
// "f_rest_-8" (a negative index would address memory before the SH block).
// The caller refuses a name that starts with f_rest_ but is none of these.
std::optional<int> rest_index(std::string_view name) {
  if (!name.starts_with(kRestPrefix)) return std::nullopt;
  const std::string_view digits = name.substr(kRestPrefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  int index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size() || std::to_string(index) != digits)
    return std::nullopt;
  return index;
}

}  // namespace

VertexLayout vertex_layout(const Element& vertex, const std::string& path) {
  VertexLayout layout;
  layout.slots.resize(vertex.properties.size());
  std::array<bool, kRequired.size()> found{};
  std::vector<std::pair<std::size_t, int>> rest;  // (property, f_rest index)
  for (std::size_t k = 0; k < vertex.properties.size(); ++k) {
    const Property& p = vertex.properties[k];
    if (p.is_list)
      throw InputError(path, "vertex property '" + p.name +
                                 "' is a list; the vertex element must hold single numbers only");
    if (p.name.starts_with(kRestPrefix)) {
      const auto i = rest_index(p.name);
      if (!i)
        throw InputError(path, "vertex property '" + p.name +
                                   "' is not a valid SH coefficient name (expected f_rest_ and an index 0..44)");
      rest.emplace_back(k, *i);
      continue;
    }
    for (std::size_t r = 0; r < kRequired.size(); ++r) {
      if (kRequired[r].name == p.name) {
        layout.slots[k] = kRequired[r].slot;
        found[r] = true;
      }
    }
  }

  std::string missing;
  for (std::size_t r = 0; r < kRequired.size(); ++r)
    if (!found[r]) missing += (missing.empty() ? "" : ", ") + std::string(kRequired[r].name);
  if (!missing.empty()) throw InputError(path, "missing required vertex properties: " + missing);

  const int rest_count = static_cast<int>(rest.size());
  for (int d = 0; d < static_cast<int>(kRestCounts.size()); ++d)
    if (kRestCounts[d] == rest_count) layout.sh_degree = d;
  if (rest_count != kRestCounts[layout.sh_degree])
    throw InputError(path, "vertex element has " + std::to_string(rest_count) +
                               " f_rest properties; expected 0, 9, 24 or 45 (SH degree 0 to 3)");
  // f_rest_i is channel-major: i = channel·(K − 1) + (coefficient − 1).
  // n names, each a canonical index in 0..n−1 and all distinct (the header
  // parser refuses duplicate names): so each index occurs exactly once.
  const int rest_per_channel = rest_count / 3;
  for (const auto& [k, i] : rest) {
    if (i < 0 || i >= rest_count)
      throw InputError(path, "property f_rest_" + std::to_string(i) + " is out of range: with " +
                                 std::to_string(rest_count) + " f_rest properties they must be f_rest_0..f_rest_" +
                                 std::to_string(rest_count - 1));
    const int channel = i / rest_per_channel;
    const int coefficient = 1 + i % rest_per_channel;
    layout.slots[k] = {Field::Sh, coefficient * 3 + channel};
  }
  return layout;
}

std::vector<std::string> standard_property_names(int sh_degree) {
  std::vector<std::string> names{"x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"};
  const int rest_count = 3 * (sh_coeff_count(sh_degree) - 1);
  for (int i = 0; i < rest_count; ++i) names.push_back(std::string(kRestPrefix) + std::to_string(i));
  for (const char* name : {"opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"})
    names.emplace_back(name);
  return names;
}

std::string sh_property_name(int component, int coeffs) {
  const int coefficient = component / 3;
  const int channel = component % 3;
  if (coefficient == 0) return "f_dc_" + std::to_string(channel);
  return std::string(kRestPrefix) + std::to_string(channel * (coeffs - 1) + coefficient - 1);
}

}  // namespace splattrack::io::ply
