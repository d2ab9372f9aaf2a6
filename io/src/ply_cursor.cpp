#include "ply_cursor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "ply_scalar.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io::ply {

std::size_t whole(double value, double limit, const std::string& what, const std::string& path) {
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw InputError(path, what + " " + std::to_string(value) + " is out of range");
  return static_cast<std::size_t>(value);
}

double ValueCursor::next(ScalarType type, const std::string& element) {
  if (format_ != PlyFormat::Ascii) {
    const std::size_t size = scalar_size(type);
    if (size > file_.size() - pos_) throw InputError(path_, "file ends inside element '" + element + "'");
    const double value = load_scalar(file_.data() + pos_, type, format_ == PlyFormat::BinaryBigEndian);
    pos_ += size;
    return value;
  }
  while (pos_ < file_.size() && std::string_view(" \t\r\n").find(file_[pos_]) != std::string_view::npos) ++pos_;
  if (pos_ == file_.size()) throw InputError(path_, "file ends inside element '" + element + "'");
  std::size_t end = pos_;
  while (end < file_.size() && std::string_view(" \t\r\n").find(file_[end]) == std::string_view::npos) ++end;
  double value = 0;
  const auto [stop, ec] = std::from_chars(file_.data() + pos_, file_.data() + end, value);
  if (ec != std::errc() || stop != file_.data() + end)
    throw InputError(path_, "element '" + element + "': malformed number '" +
                                std::string(file_.substr(pos_, std::min<std::size_t>(end - pos_, 40))) + "'");
  pos_ = end;
  return value;
}

void ValueCursor::skip_list(const Property& p, const std::string& element) {
  const std::size_t n = whole(next(p.count_type, element), std::numeric_limits<std::uint32_t>::max(),
                              "list '" + p.name + "' length", path_);
  for (std::size_t i = 0; i < n; ++i) next(p.type, element);
}

void ValueCursor::skip_element(const Element& e) {
  if (e.properties.empty()) return;  // nothing to read, however large its count
  for (std::uint64_t r = 0; r < e.count; ++r)
    for (const Property& p : e.properties) p.is_list ? skip_list(p, e.name) : static_cast<void>(next(p.type, e.name));
}

}  // namespace splattrack::io::ply
