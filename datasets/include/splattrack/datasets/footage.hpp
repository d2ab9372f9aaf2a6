// Real footage as a moving background: the frames of a video file, an image
// folder or a glob (io::open_frames), each scaled to cover the dataset's
// size and cropped to it about its centre. Dataset frame i lies over footage
// frame (i + offset) mod L, L the footage's readable frames, so that a
// sequence longer than the footage loops it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "splattrack/io/video.hpp"

namespace splattrack::datasets {

// Offsets drawn from a seed lie in [0, kFootageOffsetRange): most of a few
// seconds' clip, so that sequences with different seeds see different parts.
inline constexpr int kFootageOffsetRange = 1000;

// The offset for a dataset's seed (synth: --seed).
int footage_offset(std::uint64_t seed);

class FootageBackground {
 public:
  // Opens `spec` and reads up to frame `offset` (a whole loop is not read
  // again once the length is known). Throws io::InputError naming `spec`
  // when it cannot be opened or has no readable frame, std::invalid_argument
  // for a non-positive size or a negative offset.
  FootageBackground(std::string spec, int width, int height, int offset);
  ~FootageBackground();
  FootageBackground(const FootageBackground&) = delete;
  FootageBackground& operator=(const FootageBackground&) = delete;

  // The background of the next dataset frame (the first call: frame 0),
  // [H, W, 3] RGB 0..1. Valid until the next call.
  const std::vector<float>& next();

  // The footage's readable frames; 0 until its end has been seen once.
  int length() const { return length_; }

 private:
  // The next readable footage frame, opening the footage again at its end.
  const io::Frame& read();

  std::string spec_;
  int width_, height_;
  std::unique_ptr<io::FrameSource> source_;
  io::Frame frame_;
  int position_ = 0;  // readable frames read in this pass
  int length_ = 0;
  std::vector<float> background_;
};

}  // namespace splattrack::datasets
