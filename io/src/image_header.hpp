// What a frame file's header promises, read before any decoder sees it.
#pragma once

#include <cstdint>
#include <string>

namespace splattrack::io::detail {

// Frames above this many pixels (8192 x 8192) are refused: a 214-byte TIFF
// can declare 49601 x 14852 RGBA, and OpenCV allocates what the header says
// (its own limit is 2^30 pixels, and it reads the setting that would lower
// it once, when the library loads).
inline constexpr std::uint64_t kMaxFramePixels = std::uint64_t{1} << 26;
// Gray, gray + alpha, RGB or RGBA: all a frame can use.
inline constexpr int kMaxFrameChannels = 4;

// Empty when the file starts like an image format the frame reader accepts
// (PNG, JPEG, BMP, TIFF, WebP, PNM/PAM, EXR, JPEG 2000, HDR, PFM) and, for
// PNG, JPEG, BMP, TIFF and PNM/PAM, its header's size and channels are within
// the limits above; else what is wrong, for the skipped frame's message.
std::string image_header_problem(const std::string& path);

}  // namespace splattrack::io::detail
