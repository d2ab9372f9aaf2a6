// Non-owning views of the float images the losses compare: row-major
// [H, W, C] with the channel fastest, the layout the renderer writes.
#pragma once

#include <cstddef>

namespace splattrack::losses {

struct ImageView {
  const float* data = nullptr;
  int width = 0;
  int height = 0;
  int channels = 0;

  std::size_t pixels() const { return static_cast<std::size_t>(width) * height; }
  std::size_t size() const { return pixels() * channels; }
  bool empty() const { return data == nullptr || width <= 0 || height <= 0 || channels <= 0; }
};

// Throws std::invalid_argument naming `what` when either view is empty or
// their sizes or channel counts differ.
void require_same_shape(const ImageView& a, const ImageView& b, const char* what);

// Throws std::invalid_argument naming `what` when v is empty or not
// width x height x channels.
void require_shape(const ImageView& v, int width, int height, int channels, const char* what);

// Throws std::invalid_argument naming `what` and the first offending
// (u, v, channel) when v holds a NaN or an infinity.
void require_finite(const ImageView& v, const char* what);

}  // namespace splattrack::losses
