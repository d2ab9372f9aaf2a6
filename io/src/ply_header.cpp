#include "ply_header.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <unordered_set>

#include "splattrack/io/error.hpp"

namespace splattrack::io::ply {

namespace {

// A 3DGS vertex has 17 to 62 properties and a file a handful of elements.
// The limits keep a hostile header (80k property names in 1.7 MB) from
// costing more than a glance; the duplicate checks are hashed, not quadratic.
inline constexpr std::size_t kMaxProperties = 1024;
inline constexpr std::size_t kMaxElements = 64;

struct TypeName {
  std::string_view name;
  ScalarType type;
};

// Both spellings of the PLY spec: the classic names and the sized aliases.
inline constexpr std::array<TypeName, 16> kTypeNames{{
    {"char", ScalarType::Int8},     {"int8", ScalarType::Int8},
    {"uchar", ScalarType::UInt8},   {"uint8", ScalarType::UInt8},
    {"short", ScalarType::Int16},   {"int16", ScalarType::Int16},
    {"ushort", ScalarType::UInt16}, {"uint16", ScalarType::UInt16},
    {"int", ScalarType::Int32},     {"int32", ScalarType::Int32},
    {"uint", ScalarType::UInt32},   {"uint32", ScalarType::UInt32},
    {"float", ScalarType::Float32}, {"float32", ScalarType::Float32},
    {"double", ScalarType::Float64}, {"float64", ScalarType::Float64},
}};

std::optional<ScalarType> parse_type(std::string_view name) {
  for (const TypeName& t : kTypeNames)
    if (t.name == name) return t.type;
  return std::nullopt;
}

// "comment  some text\r" -> "some text".
std::string comment_text(std::string_view line) {
  line.remove_prefix(std::min(line.size(), std::string_view("comment").size()));
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return std::string(line);
}

class HeaderParser {
 public:
  HeaderParser(std::string_view file, const std::string& path) : file_(file), path_(path) {}

  Header parse() {
    std::string_view line;
    if (!file_.starts_with("ply\n") && !file_.starts_with("ply\r\n"))
      throw InputError(path_, "not a PLY file (it does not start with the line 'ply')");
    next_line(line);
    bool has_format = false;
    while (next_line(line)) {
      split_tokens(line, tokens_);
      if (!tokens_.empty() && tokens_[0] == "comment") {
        header_.comments.emplace_back(comment_text(line));
        continue;
      }
      if (tokens_.empty() || tokens_[0] == "obj_info") continue;
      if (tokens_[0] == "end_header") {
        if (!has_format) fail("no 'format' line before end_header");
        header_.body_offset = pos_;
        header_.body_first_line = line_no_ + 1;
        return std::move(header_);
      }
      if (tokens_[0] == "format") {
        if (has_format) fail("second 'format' line");
        parse_format();
        has_format = true;
      } else if (tokens_[0] == "element") {
        parse_element();
      } else if (tokens_[0] == "property") {
        parse_property();
      } else {
        fail("unknown header keyword '" + std::string(tokens_[0]) + "'");
      }
    }
    throw InputError(path_, "truncated PLY header: the file ends before 'end_header'");
  }

 private:
  bool next_line(std::string_view& line) {
    const std::size_t end = file_.find('\n', pos_);
    if (end == std::string_view::npos) return false;
    line = file_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_no_;
    return true;
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(path_, "PLY header line " + std::to_string(line_no_) + ": " + problem);
  }

  void parse_format() {
    if (tokens_.size() != 3) fail("expected 'format <ascii|binary_little_endian|binary_big_endian> 1.0'");
    if (tokens_[1] == "ascii") {
      header_.format = PlyFormat::Ascii;
    } else if (tokens_[1] == "binary_little_endian") {
      header_.format = PlyFormat::BinaryLittleEndian;
    } else if (tokens_[1] == "binary_big_endian") {
      header_.format = PlyFormat::BinaryBigEndian;
    } else {
      fail("unknown format '" + std::string(tokens_[1]) + "'");
    }
    if (tokens_[2] != "1.0") fail("unsupported PLY version '" + std::string(tokens_[2]) + "' (expected 1.0)");
  }

  void parse_element() {
    if (tokens_.size() != 3) fail("expected 'element <name> <count>'");
    Element e;
    e.name = tokens_[1];
    const std::string_view count = tokens_[2];
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), e.count);
    if (ec != std::errc() || end != count.data() + count.size())
      fail("element '" + e.name + "' has an invalid count '" + std::string(count) + "'");
    if (header_.elements.size() >= kMaxElements) fail("more than " + std::to_string(kMaxElements) + " elements");
    for (const Element& other : header_.elements)
      if (other.name == e.name) fail("duplicate element '" + e.name + "'");
    header_.elements.push_back(std::move(e));
    property_names_.emplace_back();
  }

  ScalarType type_of(std::string_view name) const {
    const auto type = parse_type(name);
    if (!type) fail("unknown property type '" + std::string(name) + "'");
    return *type;
  }

  void parse_property() {
    if (header_.elements.empty()) fail("'property' before any 'element'");
    Element& element = header_.elements.back();
    Property p;
    if (tokens_.size() >= 2 && tokens_[1] == "list") {
      if (tokens_.size() != 5) fail("expected 'property list <count type> <item type> <name>'");
      p.is_list = true;
      p.count_type = type_of(tokens_[2]);
      if (!is_integer(p.count_type)) fail("list count type must be an integer type");
      p.type = type_of(tokens_[3]);
      p.name = tokens_[4];
    } else {
      if (tokens_.size() != 3) fail("expected 'property <type> <name>'");
      p.type = type_of(tokens_[1]);
      p.name = tokens_[2];
    }
    if (element.properties.size() >= kMaxProperties)
      fail("element '" + element.name + "' has more than " + std::to_string(kMaxProperties) + " properties");
    if (!property_names_.back().insert(p.name).second)
      fail("duplicate property '" + p.name + "' in element '" + element.name + "'");
    element.properties.push_back(std::move(p));
  }

  std::string_view file_;
  const std::string& path_;
  std::size_t pos_ = 0;
  int line_no_ = 0;
  Header header_;
  std::vector<std::unordered_set<std::string>> property_names_;  // per element, for the duplicate check
  std::vector<std::string_view> tokens_;
};

}  // namespace

std::size_t scalar_size(ScalarType type) {
  switch (type) {
    case ScalarType::Int8:
    case ScalarType::UInt8: return 1;
    case ScalarType::Int16:
    case ScalarType::UInt16: return 2;
    case ScalarType::Int32:
    case ScalarType::UInt32:
    case ScalarType::Float32: return 4;
    case ScalarType::Float64: return 8;
  }
  return 0;
}

const char* scalar_name(ScalarType type) {
  for (const TypeName& t : kTypeNames)
    if (t.type == type) return t.name.data();
  return "?";
}

bool is_integer(ScalarType type) { return type != ScalarType::Float32 && type != ScalarType::Float64; }

bool Element::has_lists() const {
  for (const Property& p : properties)
    if (p.is_list) return true;
  return false;
}

std::size_t Element::record_size() const {
  std::size_t size = 0;
  for (const Property& p : properties) size += scalar_size(p.type);
  return size;
}

Header parse_header(std::string_view file, const std::string& path) { return HeaderParser(file, path).parse(); }

void split_tokens(std::string_view line, std::vector<std::string_view>& tokens) {
  tokens.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
}

}  // namespace splattrack::io::ply
