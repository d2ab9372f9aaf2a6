// Frame and mask decoding through io::open_frames / io::open_masks on one
// image file. OpenCV picks the decoder from the file's first bytes, not its
// name, so one .png file reaches every decoder (PNG, JPEG, BMP, PNM, TIFF,
// WebP, ...); the seed corpus starts the fuzzer in several of them.
// Oracle: only InputError escapes; an ok frame is width x height with
// width·height·3 RGB values and an empty or width·height mask, all in [0, 1];
// a skipped one says why and holds no pixels; open_masks agrees with
// open_frames (same size, and the frame's alpha is the mask when it has one).

#include "fuzz_util.hpp"
#include "splattrack/io/video.hpp"

namespace {

using namespace splattrack;

// Formats that decode to float pixels: their values are scene-referred and
// may leave [0, 1] (only finiteness is required of them).
bool float_format(const std::uint8_t* d, std::size_t n) {
  const auto starts = [&](const char* magic, std::size_t len) { return n >= len && std::memcmp(d, magic, len) == 0; };
  return starts("PF", 2) || starts("Pf", 2) || starts("#?", 2) || starts("II*\0", 4) || starts("MM\0*", 4) ||
         starts("\x76\x2f\x31\x01", 4);
}

void check_values(const std::vector<float>& v, bool unit_range, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    FUZZ_CHECK(std::isfinite(v[i]) && (!unit_range || (v[i] >= 0.f && v[i] <= 1.f)),
               what << " value " << i << " is " << v[i]);
}

// Reads the one frame `source` holds; false when it was skipped.
bool read_one(io::FrameSource& source, io::Frame& frame, bool masks, bool unit_range) {
  const io::FrameStatus status = source.next(frame);
  FUZZ_CHECK(status != io::FrameStatus::end, "a single image file gave no frame");
  if (status == io::FrameStatus::skipped) {
    FUZZ_CHECK(!frame.problem.empty(), "skipped frame without a problem");
    FUZZ_CHECK(frame.rgb.empty() && frame.mask.empty(), "skipped frame holds pixels");
  } else {
    const std::size_t pixels = static_cast<std::size_t>(frame.width) * frame.height;
    FUZZ_CHECK(frame.width > 0 && frame.height > 0, "frame size " << frame.width << "x" << frame.height);
    FUZZ_CHECK(frame.rgb.size() == (masks ? 0 : pixels * 3), "rgb holds " << frame.rgb.size() << " values for "
                                                                          << frame.width << "x" << frame.height);
    FUZZ_CHECK(frame.mask.size() == pixels || (!masks && frame.mask.empty()),
               "mask holds " << frame.mask.size() << " values for " << frame.width << "x" << frame.height);
    check_values(frame.rgb, unit_range, "rgb");
    check_values(frame.mask, unit_range, "mask");
  }
  io::Frame after;
  FUZZ_CHECK(source.next(after) == io::FrameStatus::end, "a single image file gave a second frame");
  return status == io::FrameStatus::ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::input_file("in.png", data, size);
  const bool unit_range = !float_format(data, size);
  io::Frame frame;
  io::Frame mask;
  bool frame_ok = false;
  bool mask_ok = false;
  bool frames_opened = false;
  bool masks_opened = false;
  fuzz::accepts("open_frames", [&] {
    auto source = io::open_frames(path);
    frames_opened = true;
    frame_ok = read_one(*source, frame, false, unit_range);
  });
  fuzz::accepts("open_masks", [&] {
    auto source = io::open_masks(path);
    masks_opened = true;
    mask_ok = read_one(*source, mask, true, unit_range);
  });
  FUZZ_CHECK(frames_opened == masks_opened, "open_frames and open_masks disagree on opening the file");
  FUZZ_CHECK(frame_ok == mask_ok, "the frame decodes " << (frame_ok ? "" : "not ") << "as a frame but "
                                                       << (mask_ok ? "" : "not ") << "as a mask");
  if (frame_ok && mask_ok) {
    FUZZ_CHECK(frame.width == mask.width && frame.height == mask.height, "frame and mask sizes differ");
    FUZZ_CHECK(frame.mask.empty() || fuzz::same_bits(frame.mask, mask.mask), "the mask is not the frame's alpha");
  }
  return 0;
}
