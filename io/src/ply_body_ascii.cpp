#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ply_body.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io::ply {

namespace {

template <class T>
std::optional<T> parse_number(std::string_view token) {
  T value{};
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

template <class Int>
std::optional<float> parse_integer(std::string_view token) {
  const auto v = parse_number<long long>(token);
  if (!v || *v < std::numeric_limits<Int>::min() || *v > std::numeric_limits<Int>::max()) return std::nullopt;
  return static_cast<float>(*v);
}

// One value of the given type as float; nullopt when the token is not a
// number of that type. from_chars is exact, so a float written in its
// shortest round-trip form reads back bit for bit.
std::optional<float> parse_value(std::string_view token, ScalarType type) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '-') token.remove_prefix(1);
  switch (type) {
    case ScalarType::Int8: return parse_integer<std::int8_t>(token);
    case ScalarType::UInt8: return parse_integer<std::uint8_t>(token);
    case ScalarType::Int16: return parse_integer<std::int16_t>(token);
    case ScalarType::UInt16: return parse_integer<std::uint16_t>(token);
    case ScalarType::Int32: return parse_integer<std::int32_t>(token);
    case ScalarType::UInt32: return parse_integer<std::uint32_t>(token);
    case ScalarType::Float32: {
      float value = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
      if (end != token.data() + token.size()) return std::nullopt;
      if (ec == std::errc()) return value;
      // Beyond float's range: read as double so that it overflows to ±inf
      // (refused or repaired later, like a binary double) or underflows to 0.
      if (ec != std::errc::result_out_of_range) return std::nullopt;
      const auto wide = parse_number<double>(token);
      return wide ? std::optional<float>(static_cast<float>(*wide)) : std::nullopt;
    }
    case ScalarType::Float64: {
      const auto value = parse_number<double>(token);
      return value ? std::optional<float>(static_cast<float>(*value)) : std::nullopt;
    }
  }
  return std::nullopt;
}

class AsciiBody {
 public:
  AsciiBody(std::string_view file, const Header& header, const std::string& path)
      : file_(file), pos_(header.body_offset), line_no_(header.body_first_line - 1), path_(path) {}

  void skip_element(const Element& e) {
    if (e.properties.empty()) return;
    for (std::uint64_t r = 0; r < e.count; ++r) {
      if (!next_record())
        throw InputError(path_, "file ends after " + std::to_string(r) + " of " + std::to_string(e.count) +
                                    " '" + e.name + "' records");
      std::size_t t = 0;
      for (const Property& p : e.properties) {
        if (t >= tokens_.size()) fail("too few values for element '" + e.name + "'");
        if (!p.is_list) {
          ++t;
          continue;
        }
        const auto items = parse_number<std::uint64_t>(tokens_[t]);
        if (!items) fail("invalid list length '" + std::string(tokens_[t]) + "' for '" + p.name + "'");
        if (*items > tokens_.size() - t - 1) fail("list '" + p.name + "' is longer than its line");
        t += 1 + static_cast<std::size_t>(*items);
      }
      if (t != tokens_.size()) fail("too many values for element '" + e.name + "'");
    }
  }

  void read_vertices(const Element& vertex, const VertexLayout& layout, GaussianModel& model) {
    // The shortest vertex line is one character per value plus separators:
    // 2·P bytes a line bounds how many vertices the rest of the file can hold.
    const std::size_t props = vertex.properties.size();
    const std::size_t max_vertices = (file_.size() - pos_ + 1) / (2 * props);
    if (vertex.count > max_vertices)
      throw InputError(path_, "header declares " + std::to_string(vertex.count) + " vertices, but the " +
                                  std::to_string(file_.size() - pos_) + " bytes of ASCII data can hold at most " +
                                  std::to_string(max_vertices));
    const std::size_t n = static_cast<std::size_t>(vertex.count);
    model.resize(n);
    const auto bindings = bind(layout, model);
    for (std::size_t i = 0; i < n; ++i) {
      if (!next_record())
        throw InputError(path_, "file ends after " + std::to_string(i) + " of " + std::to_string(n) + " vertices");
      if (tokens_.size() != props)
        fail("Gaussian " + std::to_string(i) + " has " + std::to_string(tokens_.size()) + " values, expected " +
             std::to_string(props));
      for (std::size_t k = 0; k < props; ++k) {
        const Property& p = vertex.properties[k];
        const auto value = parse_value(tokens_[k], p.type);
        if (!value)
          fail("Gaussian " + std::to_string(i) + ": malformed " + scalar_name(p.type) + " '" +
               std::string(tokens_[k]) + "' for property '" + p.name + "'");
        if (bindings[k].base) bindings[k].base[i * bindings[k].stride] = *value;
      }
    }
  }

 private:
  // Next non-blank line, split into tokens_; false at the end of the file.
  bool next_record() {
    while (pos_ < file_.size()) {
      std::size_t end = file_.find('\n', pos_);
      if (end == std::string_view::npos) end = file_.size();
      split_tokens(file_.substr(pos_, end - pos_), tokens_);
      pos_ = end < file_.size() ? end + 1 : end;
      ++line_no_;
      if (!tokens_.empty()) return true;
    }
    return false;
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(path_, "line " + std::to_string(line_no_) + ": " + problem);
  }

  std::string_view file_;
  std::size_t pos_;
  int line_no_;
  const std::string& path_;
  std::vector<std::string_view> tokens_;
};

}  // namespace

void read_ascii_body(std::string_view file, const Header& header, std::size_t vertex_element,
                     const VertexLayout& layout, GaussianModel& model, const std::string& path) {
  AsciiBody body(file, header, path);
  for (std::size_t e = 0; e < vertex_element; ++e) body.skip_element(header.elements[e]);
  body.read_vertices(header.elements[vertex_element], layout, model);
}

}  // namespace splattrack::io::ply
