// The PLY header (http://paulbourke.net/dataformats/ply/): elements, their
// counts and typed properties, and where the body starts. Everything the body
// readers need; they never look at header text themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "splattrack/io/gaussian_io.hpp"

namespace splattrack::io::ply {

enum class ScalarType : std::uint8_t { Int8, UInt8, Int16, UInt16, Int32, UInt32, Float32, Float64 };

std::size_t scalar_size(ScalarType type);
const char* scalar_name(ScalarType type);
bool is_integer(ScalarType type);

struct Property {
  std::string name;
  ScalarType type = ScalarType::Float32;  // for a list: the item type
  bool is_list = false;
  ScalarType count_type = ScalarType::UInt8;  // lists only
};

struct Element {
  std::string name;
  std::uint64_t count = 0;
  std::vector<Property> properties;

  bool has_lists() const;
  // Bytes of one binary record when it has no lists.
  std::size_t record_size() const;
};

struct Header {
  PlyFormat format = PlyFormat::BinaryLittleEndian;
  std::vector<Element> elements;
  std::size_t body_offset = 0;  // first byte after the end_header line
  int body_first_line = 0;      // 1-based line number of that byte, for ASCII messages
  std::vector<std::string> comments;  // each comment line's text after "comment "
};

// Throws InputError naming `path` and the header line that is wrong.
Header parse_header(std::string_view file, const std::string& path);

// Splits on spaces and tabs into `tokens` (cleared first); a trailing '\r' is dropped.
void split_tokens(std::string_view line, std::vector<std::string_view>& tokens);

}  // namespace splattrack::io::ply
