// Frame input (FORMATS.md --video / --masks): a video file (OpenCV's FFmpeg
// back end), an image folder or glob (natural order: frame2 before frame10),
// or a camera index ("0"). Frames are decoded one at a time on demand, never
// the whole input at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "splattrack/render/frame.hpp"

namespace splattrack::io {

enum class FrameStatus {
  ok,       // the frame is filled in
  skipped,  // this frame could not be decoded: index, name and problem say which and why
  end,      // no more frames
};

// A decoded frame: its pixels (FrameImage: rgb, and mask from the frame's
// alpha or the mask input) and where it came from. view() hands it to the
// tracker without a copy.
struct Frame : FrameImage {
  int index = 0;        // position in the input, skipped frames included
  std::string name;     // the image file, the video file, or "camera N"
  std::string problem;  // why a skipped frame was skipped
  // index / fps (the container's fps, else VideoOptions::fps); for a live
  // camera, seconds since it was opened.
  double time_s = 0.0;
};

struct VideoOptions {
  // Every frame (and mask) must have this size; 0 takes the first frame's.
  int expected_width = 0;
  int expected_height = 0;
  double fps = 30.0;  // for image sequences and containers that do not say
};

// Reads frames in order. Throws InputError when the input cannot be opened
// (naming it) and when a frame has the wrong size (naming the frame, its
// index and both sizes); a frame that fails to decode is reported as
// FrameStatus::skipped and reading goes on.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Fills `frame` (reusing its buffers) and says what happened.
  virtual FrameStatus next(Frame& frame) = 0;
  // The input as the user gave it, for messages.
  virtual const std::string& spec() const = 0;
  // Once next() has returned `end`: what was wrong with how the input ended
  // ("" when nothing), e.g. a video shorter than its container declares
  // (truncated file) or masks left over after the last frame. A warning,
  // not an error: every frame that could be read was read.
  virtual std::string end_warning() = 0;
  // How many frames the input holds, skipped ones included, for progress
  // reports: an image folder's or glob's file count, a video's container
  // count (what the container declares: a damaged file may hold fewer);
  // nothing for a live camera.
  virtual std::optional<int> frame_count() const = 0;
  // The frame rate time_s counts in: the container's, or VideoOptions::fps
  // for image sequences and containers that do not say; nothing for a live
  // camera, whose time_s is its own clock.
  virtual std::optional<double> fps() const = 0;
};

// Frames as RGB with, for images that have an alpha channel, the alpha as
// the mask. `spec`: a video file, a folder, a glob pattern or a camera index.
std::unique_ptr<FrameSource> open_frames(const std::string& spec, const VideoOptions& options = {});

// Masks only (white = object): `rgb` stays empty and `mask` holds the image's
// alpha when it has one, its grey level otherwise.
std::unique_ptr<FrameSource> open_masks(const std::string& spec, const VideoOptions& options = {});

// Frames with masks from `mask_spec` read in lockstep (frame i with mask i);
// an empty `mask_spec` keeps the frames' own alpha. A frame is skipped when
// either its image or its mask cannot be decoded.
std::unique_ptr<FrameSource> open_video(const std::string& frame_spec, const std::string& mask_spec,
                                        const VideoOptions& options = {});

// True when a should come before b in natural order (digit runs compare as
// numbers: "frame2" < "frame10").
bool natural_less(std::string_view a, std::string_view b);

// Hands on another source's frames: the base of sources that change them on
// their way (io::undistorted) or read some ahead; each overrides next().
class FrameSourceFilter : public FrameSource {
 public:
  explicit FrameSourceFilter(std::unique_ptr<FrameSource> inner) : inner_(std::move(inner)) {}
  FrameStatus next(Frame& frame) override { return inner_->next(frame); }
  const std::string& spec() const override { return inner_->spec(); }
  std::string end_warning() override { return inner_->end_warning(); }
  std::optional<int> frame_count() const override { return inner_->frame_count(); }
  std::optional<double> fps() const override { return inner_->fps(); }

 private:
  std::unique_ptr<FrameSource> inner_;
};

// Encodes RGB frames into a video file: mp4v for .mp4, MJPG otherwise (the
// codecs Debian's OpenCV/FFmpeg can always write).
class VideoFileWriter {
 public:
  VideoFileWriter(const std::string& path, int width, int height, double fps);
  ~VideoFileWriter();
  VideoFileWriter(const VideoFileWriter&) = delete;
  VideoFileWriter& operator=(const VideoFileWriter&) = delete;
  void write(const std::vector<float>& rgb);  // [H, W, 3] 0..1
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splattrack::io
