// A value-at-a-time walk over a PLY body, binary or ASCII, for readers that
// take a few properties of an element and skip the rest (meshes, control
// points). The Gaussian body readers (ply_body.hpp) read columns instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ply_header.hpp"

namespace splattrack::io::ply {

// A list length or a vertex index: a whole number in [0, limit); InputError
// naming `what` otherwise.
std::size_t whole(double value, double limit, const std::string& what, const std::string& path);

class ValueCursor {
 public:
  ValueCursor(std::string_view file, const Header& header, const std::string& path)
      : file_(file), pos_(header.body_offset), format_(header.format), path_(path) {}

  // The next value; InputError at the end of the file or on a malformed
  // ASCII number.
  double next(ScalarType type, const std::string& element);
  void skip_list(const Property& p, const std::string& element);
  // Every record of `e`.
  void skip_element(const Element& e);

 private:
  std::string_view file_;
  std::size_t pos_;
  PlyFormat format_;
  const std::string& path_;
};

}  // namespace splattrack::io::ply
