#include "splattrack/losses/image.hpp"

#include <stdexcept>
#include <string>

namespace splattrack::losses {

namespace {
std::string shape(const ImageView& v) {
  return std::to_string(v.width) + "x" + std::to_string(v.height) + "x" + std::to_string(v.channels);
}
}  // namespace

void require_same_shape(const ImageView& a, const ImageView& b, const char* what) {
  if (a.empty() || b.empty())
    throw std::invalid_argument(std::string(what) + ": empty image (" + shape(a) + " vs " + shape(b) + ")");
  if (a.width != b.width || a.height != b.height || a.channels != b.channels)
    throw std::invalid_argument(std::string(what) + ": image shapes differ (" + shape(a) + " vs " + shape(b) + ")");
}

}  // namespace splattrack::losses
