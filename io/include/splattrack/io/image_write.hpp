// Writing rendered float images ([H, W, 3] RGB and [H, W] alpha or mask,
// 0..1) as 8-bit PNG/JPEG through OpenCV.
#pragma once

#include <string>
#include <vector>

namespace splattrack::io {

// RGB, or RGBA when `alpha` is non-null. Throws InputError when the file
// cannot be written (bad folder, unknown extension).
void write_image(const std::string& path, int width, int height, const float* rgb,
                 const float* alpha = nullptr);

// A mask ([H, W] 0..1, 1 = object) as a one-channel 8-bit image, white = 1:
// what `--masks` reads. Throws as write_image.
void write_mask(const std::string& path, int width, int height, const float* mask);

}  // namespace splattrack::io
