#include "splattrack/io/error.hpp"
#include "video_internal.hpp"

namespace splattrack::io {

namespace {

std::string size_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

// Decodes raw images into Frames (RGB + alpha, or masks only) and holds every
// frame to one size.
class ConvertingSource : public FrameSource {
 public:
  ConvertingSource(const std::string& spec, const VideoOptions& options, bool masks_only)
      : spec_(spec),
        raw_(detail::open_raw(spec, options.fps)),
        width_(options.expected_width),
        height_(options.expected_height),
        masks_only_(masks_only) {}

  FrameStatus next(Frame& frame) override {
    const FrameStatus status = raw_->next(raw_frame_);
    if (status == FrameStatus::end) return status;
    frame.index = raw_frame_.index;
    frame.name = raw_frame_.name;
    frame.time_s = raw_frame_.time_s;
    frame.problem = raw_frame_.problem;
    if (status == FrameStatus::skipped) return clear(frame);
    const cv::Mat& image = raw_frame_.image;
    if (masks_only_) {
      frame.rgb.clear();
      frame.problem = detail::convert_to_mask(image, frame.mask);
    } else {
      frame.problem = detail::convert_to_rgb(image, frame.rgb, frame.mask);
    }
    if (!frame.problem.empty()) return clear(frame);
    check_size(frame, image.cols, image.rows);
    frame.width = image.cols;
    frame.height = image.rows;
    return FrameStatus::ok;
  }

  const std::string& spec() const override { return spec_; }
  std::string end_warning() override { return raw_->end_warning(); }
  std::optional<int> frame_count() const override { return raw_->frame_count(); }
  std::optional<double> fps() const override { return raw_->fps(); }

 private:
  // A wrong size is an input error, not a decoding hiccup: every later frame
  // would be just as wrong.
  void check_size(const Frame& frame, int width, int height) {
    if (width_ == 0 && height_ == 0) {
      width_ = width;
      height_ = height;
      return;
    }
    if (width != width_ || height != height_)
      throw InputError(frame.name, std::string(masks_only_ ? "mask " : "frame ") + std::to_string(frame.index) +
                                       " is " + size_text(width, height) + ", expected " + size_text(width_, height_));
  }

  static FrameStatus clear(Frame& frame) {
    frame.width = frame.height = 0;
    frame.rgb.clear();
    frame.mask.clear();
    return FrameStatus::skipped;
  }

  std::string spec_;
  std::unique_ptr<detail::RawSource> raw_;
  detail::RawFrame raw_frame_;
  int width_;
  int height_;
  bool masks_only_;
};

// Frames and masks read in lockstep.
class PairedSource : public FrameSource {
 public:
  PairedSource(const std::string& frame_spec, const std::string& mask_spec, const VideoOptions& options)
      : frames_(frame_spec, options, false), masks_(mask_spec, options, true) {}

  FrameStatus next(Frame& frame) override {
    const FrameStatus frame_status = frames_.next(frame);
    if (frame_status == FrameStatus::end) return frame_status;
    ++frames_read_;
    const FrameStatus mask_status = masks_.next(mask_);
    if (mask_status == FrameStatus::end)
      throw InputError(masks_.spec(), "has no mask for frame " + std::to_string(frame.index) + " (" + frame.name +
                                          "): fewer masks than frames");
    if (frame_status == FrameStatus::skipped) return frame_status;
    if (mask_status == FrameStatus::skipped) {
      frame.problem = "mask " + mask_.name + ": " + mask_.problem;
      frame.rgb.clear();
      frame.mask.clear();
      return FrameStatus::skipped;
    }
    if (mask_.width != frame.width || mask_.height != frame.height)
      throw InputError(mask_.name, "mask " + std::to_string(mask_.index) + " is " +
                                       size_text(mask_.width, mask_.height) + ", expected " +
                                       size_text(frame.width, frame.height) + " (the size of " + frame.name + ")");
    frame.mask.swap(mask_.mask);
    return FrameStatus::ok;
  }

  const std::string& spec() const override { return frames_.spec(); }
  std::optional<int> frame_count() const override { return frames_.frame_count(); }
  std::optional<double> fps() const override { return frames_.fps(); }

  std::string end_warning() override {
    std::string warning = frames_.end_warning();
    bool more_masks = false;
    try {
      more_masks = masks_.next(mask_) != FrameStatus::end;
    } catch (const InputError&) {
      more_masks = true;  // a left-over mask of the wrong size is still a left-over mask
    }
    if (more_masks)
      warning += (warning.empty() ? "" : "; ") + masks_.spec() + ": more masks than the " +
                 std::to_string(frames_read_) + " frames of " + frames_.spec() + "; the extra masks were ignored";
    return warning;
  }

 private:
  ConvertingSource frames_;
  ConvertingSource masks_;
  Frame mask_;
  int frames_read_ = 0;  // skipped ones included
};

}  // namespace

std::unique_ptr<FrameSource> open_frames(const std::string& spec, const VideoOptions& options) {
  return std::make_unique<ConvertingSource>(spec, options, false);
}

std::unique_ptr<FrameSource> open_masks(const std::string& spec, const VideoOptions& options) {
  return std::make_unique<ConvertingSource>(spec, options, true);
}

std::unique_ptr<FrameSource> open_video(const std::string& frame_spec, const std::string& mask_spec,
                                        const VideoOptions& options) {
  if (mask_spec.empty()) return open_frames(frame_spec, options);
  return std::make_unique<PairedSource>(frame_spec, mask_spec, options);
}

}  // namespace splattrack::io
