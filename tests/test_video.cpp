#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <opencv2/imgcodecs.hpp>

#include "io_test_util.hpp"
#include "splattrack/io/image_write.hpp"
#include "splattrack/io/video.hpp"

using namespace splattrack;
namespace fs = std::filesystem;

namespace {

inline constexpr int kW = 8;
inline constexpr int kH = 6;

// A distinct integer value for every (frame, pixel, channel), channel order
// R G B A, within [0, max].
int value(int frame, int x, int y, int c, int max) {
  return (frame * 37 + x * 11 + y * 5 + c * 53) * max / 400 % (max + 1);
}

// Writes frame `k` with cv::imwrite: channels 1 (grey), 3 (RGB) or 4 (RGBA), 8 or 16 bit.
void write_png(const fs::path& path, int k, int channels, bool sixteen, int width = kW, int height = kH) {
  const int max = sixteen ? 65535 : 255;
  cv::Mat m(height, width, CV_MAKETYPE(sixteen ? CV_16U : CV_8U, channels));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        // OpenCV stores BGR(A): channel c of the file is RGB channel bgr_to_rgb[c].
        const int rgba = channels >= 3 && c < 3 ? 2 - c : c;
        const int v = value(k, x, y, rgba, max);
        if (sixteen)
          m.ptr<uint16_t>(y)[x * channels + c] = static_cast<uint16_t>(v);
        else
          m.ptr<uint8_t>(y)[x * channels + c] = static_cast<uint8_t>(v);
      }
  ASSERT_TRUE(cv::imwrite(path.string(), m)) << path;
}

std::vector<io::Frame> read_all(io::FrameSource& source, std::vector<io::FrameStatus>* statuses = nullptr) {
  std::vector<io::Frame> frames;
  io::Frame f;
  for (io::FrameStatus s; (s = source.next(f)) != io::FrameStatus::end;) {
    if (statuses) statuses->push_back(s);
    frames.push_back(f);
  }
  return frames;
}

void expect_pixels(const io::Frame& f, int k, int channels, bool sixteen) {
  const float max = sixteen ? 65535.f : 255.f;
  ASSERT_EQ(f.width, kW);
  ASSERT_EQ(f.height, kH);
  ASSERT_EQ(f.rgb.size(), 3u * kW * kH);
  EXPECT_EQ(f.mask.size(), channels == 4 ? std::size_t{kW * kH} : 0u) << f.name;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * kW + x;
      for (int c = 0; c < 3; ++c) {
        const int source_channel = channels == 1 ? 0 : c;
        ASSERT_NEAR(f.rgb[3 * i + c], value(k, x, y, source_channel, sixteen ? 65535 : 255) / max, 1e-6)
            << f.name << " pixel " << x << "," << y << " channel " << c;
      }
      if (channels == 4) {
        ASSERT_NEAR(f.mask[i], value(k, x, y, 3, sixteen ? 65535 : 255) / max, 1e-6);
      }
    }
}

}  // namespace

TEST(NaturalOrder, DigitRunsCompareAsNumbers) {
  const std::vector<std::string> expected = {"a1", "a2", "a02b", "a10", "a10b", "a99", "a100", "b", "b0", "frame_2_1"};
  std::vector<std::string> shuffled = {"a100", "b0", "a10b", "a2", "frame_2_1", "a1", "a99", "b", "a10", "a02b"};
  std::sort(shuffled.begin(), shuffled.end(), [](const auto& a, const auto& b) { return io::natural_less(a, b); });
  EXPECT_EQ(shuffled, expected);
  EXPECT_FALSE(io::natural_less("x7", "x7"));
}

TEST(Video, FolderOfPngsInNaturalOrderWithAlphaAsMask) {
  const fs::path dir = test::scratch_dir("folder");
  // Frame k is written as file "frame<name>.png"; natural order is 2 < 9 < 10 < 100.
  write_png(dir / "frame10.png", 2, 4, true);   // RGBA 16-bit
  write_png(dir / "frame2.png", 0, 4, false);   // RGBA 8-bit
  write_png(dir / "frame100.png", 3, 1, false);  // grey 8-bit
  write_png(dir / "frame9.png", 1, 3, true);    // RGB 16-bit
  std::ofstream(dir / "notes.txt") << "not a frame";

  auto source = io::open_frames(dir.string(), {.fps = 10.0});
  std::vector<io::FrameStatus> statuses;
  const auto frames = read_all(*source, &statuses);
  ASSERT_EQ(frames.size(), 4u);
  const std::vector<std::string> names = {"frame2.png", "frame9.png", "frame10.png", "frame100.png"};
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(statuses[k], io::FrameStatus::ok);
    EXPECT_EQ(fs::path(frames[k].name).filename(), names[k]);
    EXPECT_EQ(frames[k].index, k);
    EXPECT_DOUBLE_EQ(frames[k].time_s, k / 10.0);
  }
  expect_pixels(frames[0], 0, 4, false);
  expect_pixels(frames[1], 1, 3, true);
  expect_pixels(frames[2], 2, 4, true);
  expect_pixels(frames[3], 3, 1, false);

  // The same files through a glob pattern, and a single image file.
  const auto globbed = read_all(*io::open_frames((dir / "frame*.png").string()));
  ASSERT_EQ(globbed.size(), 4u);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(globbed[k].name, frames[k].name);
  const auto single = read_all(*io::open_frames((dir / "frame9.png").string()));
  ASSERT_EQ(single.size(), 1u);
  expect_pixels(single[0], 1, 3, true);
}

TEST(Video, CorruptFrameIsReportedAndSkipped) {
  const fs::path dir = test::scratch_dir("corrupt");
  write_png(dir / "f1.png", 0, 3, false);
  std::ofstream(dir / "f2.png", std::ios::binary) << "\x89PNG\r\n\x1a\n garbage, not a PNG body";
  write_png(dir / "f3.png", 2, 3, false);
  auto source = io::open_frames(dir.string());
  std::vector<io::FrameStatus> statuses;
  const auto frames = read_all(*source, &statuses);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(statuses, (std::vector{io::FrameStatus::ok, io::FrameStatus::skipped, io::FrameStatus::ok}));
  EXPECT_EQ(frames[1].index, 1);
  EXPECT_EQ(fs::path(frames[1].name).filename(), "f2.png");
  EXPECT_FALSE(frames[1].problem.empty());
  EXPECT_TRUE(frames[1].rgb.empty());
  expect_pixels(frames[2], 2, 3, false);
}

// A header that declares a huge image (a 50-byte TIFF can say 49601 x 14852
// RGBA, and OpenCV would allocate 2.9 GB for it) or more channels than a
// frame has is a skipped frame, refused before any decoder runs.
TEST(Video, HeadersDeclaringHugeImagesAreSkippedUndecoded) {
  const fs::path dir = test::scratch_dir("huge_headers");
  const auto tiff = [](std::uint16_t width, std::uint16_t height, std::uint16_t samples) {
    std::string t("II*\0\x08\0\0\0\x03\0", 10);  // little-endian, directory at 8, 3 entries
    for (const auto& [tag, value] : {std::pair<std::uint16_t, std::uint16_t>{256, width}, {257, height}, {277, samples}}) {
      const unsigned char entry[12] = {static_cast<unsigned char>(tag & 0xff), static_cast<unsigned char>(tag >> 8), 3, 0,
                                       1, 0, 0, 0, static_cast<unsigned char>(value & 0xff),
                                       static_cast<unsigned char>(value >> 8), 0, 0};
      t.append(reinterpret_cast<const char*>(entry), sizeof entry);
    }
    return t + std::string(4, '\0');
  };
  write_png(dir / "f1.png", 0, 3, false);
  std::ofstream(dir / "f2.tif", std::ios::binary) << tiff(49601, 14852, 4);
  std::ofstream(dir / "f3.tif", std::ios::binary) << tiff(16, 16, 40);
  // PNG signature, IHDR of 100000 x 100000 RGBA, no image data.
  std::ofstream(dir / "f4.png", std::ios::binary)
      << std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x06\0\0\0", 29);
  write_png(dir / "f5.png", 4, 3, false);
  // JPEG: an APP0 segment, then a baseline frame header of 30000 x 30000 x 3.
  std::ofstream(dir / "f6.jpg", std::ios::binary)
      << std::string("\xff\xd8\xff\xe0\x00\x06JFIF\xff\xc0\x00\x11\x08\x75\x30\x75\x30\x03", 21);
  std::ofstream(dir / "f7.ppm", std::ios::binary) << "P6\n# made by hand\n20000 20000\n255\n";
  std::ofstream(dir / "f8.pnm", std::ios::binary) << "P7\nWIDTH 4\nHEIGHT 4\nDEPTH 7\nMAXVAL 255\nENDHDR\n";
  // What the frames fuzzer found: "P1" (a PBM) with "DICM" at byte 128,
  // which OpenCV hands to GDCM, which aborted the process.
  const std::string dicom_pbm(
      "\x50\x31\x66\x77\x88\x99\xff\xff\xff\xff\xff\xff\xff\xaa\x00\x00\x00\xbd\xff\xff\xff\xff\xff\xff"
      "\xd8\xff\xe0\x00\x00\x00\x40\xff\xff\xff\xff\xff\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43"
      "\x00\x02\x01\x01\x01\x01\x01\x02\x01\x01\x01\x02\x02\x02\x02\x02\x04\x03\x02\x02\x3a\x2f\x2f\x04"
      "\x04\x03\x04\x06\x05\x06\x06\x06\x05\x06\x06\x06\x07\x09\x08\x06\x07\x09\x01\x00\x00\x78\x07\x06"
      "\x06\x08\x0b\x08\x09\x0a\x09\x0a\x0a\x0a\xff\xc2\x00\x0b\x08\x00\x04\x00\x04\x01\x01\x11\xff\xff"
      "\xff\xaa\x64\x87\xbb\xff\xd9\xcc\x44\x49\x43\x4d\xff\xbf\xff",
      135);
  std::ofstream(dir / "f8b.pbm", std::ios::binary) << dicom_pbm;
  cv::Mat jpeg(kH, kW, CV_8UC3, cv::Scalar(40, 120, 200));
  ASSERT_TRUE(cv::imwrite((dir / "f9.jpg").string(), jpeg));
  auto source = io::open_frames(dir.string());
  std::vector<io::FrameStatus> statuses;
  const auto frames = read_all(*source, &statuses);
  using io::FrameStatus;
  const auto skipped = FrameStatus::skipped;
  EXPECT_EQ(statuses,
            (std::vector{FrameStatus::ok, skipped, skipped, skipped, FrameStatus::ok, skipped, skipped, skipped,
                         skipped, FrameStatus::ok}));
  ASSERT_EQ(frames.size(), 10u);
  EXPECT_NE(frames[1].problem.find("49601x14852"), std::string::npos) << frames[1].problem;
  EXPECT_NE(frames[2].problem.find("40 channels"), std::string::npos) << frames[2].problem;
  EXPECT_NE(frames[3].problem.find("100000x100000"), std::string::npos) << frames[3].problem;
  expect_pixels(frames[4], 4, 3, false);
  EXPECT_NE(frames[5].problem.find("30000x30000"), std::string::npos) << frames[5].problem;
  EXPECT_NE(frames[6].problem.find("20000x20000"), std::string::npos) << frames[6].problem;
  EXPECT_NE(frames[7].problem.find("7 channels"), std::string::npos) << frames[7].problem;
  EXPECT_NE(frames[8].problem.find("DICOM"), std::string::npos) << frames[8].problem;
  EXPECT_EQ(frames[9].width, kW);
}

TEST(Video, WrongSizeNamesFrameAndBothSizes) {
  const fs::path dir = test::scratch_dir("size");
  write_png(dir / "a1.png", 0, 3, false);
  write_png(dir / "a2.png", 1, 3, false, kW + 2, kH);
  auto source = io::open_frames(dir.string());
  io::Frame f;
  EXPECT_EQ(source->next(f), io::FrameStatus::ok);
  test::expect_input_error([&] { source->next(f); }, (dir / "a2.png").string(), {"frame 1 is 10x6, expected 8x6"});

  auto expecting = io::open_frames(dir.string(), {.expected_width = 16, .expected_height = 16});
  test::expect_input_error([&] { expecting->next(f); }, (dir / "a1.png").string(), {"frame 0 is 8x6, expected 16x16"});
}

TEST(Video, MissingOrEmptyInputsAreInputErrors) {
  const fs::path dir = test::scratch_dir("missing");
  const std::string missing = (dir / "nope").string();
  test::expect_input_error([&] { io::open_frames(missing); }, missing, {"no such file or folder"});
  test::expect_input_error([&] { io::open_frames(dir.string()); }, dir.string(), {"no image files"});
  const std::string pattern = (dir / "*.png").string();
  test::expect_input_error([&] { io::open_frames(pattern); }, pattern, {"matches no files"});
  const std::string clip = (dir / "clip.mp4").string();
  std::ofstream(clip) << "not a video";
  test::expect_input_error([&] { io::open_frames(clip); }, clip, {"cannot open as a video"});
  test::expect_input_error([&] { io::open_frames("99"); }, "camera 99", {"cannot open"});
}

TEST(Video, MasksFromFolderInLockstepWithFrames) {
  const fs::path frames_dir = test::scratch_dir("mframes");
  const fs::path masks_dir = test::scratch_dir("masks");
  for (int k = 0; k < 3; ++k) {
    write_png(frames_dir / ("f" + std::to_string(k) + ".png"), k, 4, false);
    write_png(masks_dir / ("m" + std::to_string(k) + ".png"), 10 + k, 1, false);
  }
  const auto frames = read_all(*io::open_video(frames_dir.string(), masks_dir.string()));
  ASSERT_EQ(frames.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(frames[k].mask.size(), std::size_t{kW * kH});
    // The mask file's grey level replaces the frame's own alpha.
    for (int y = 0; y < kH; ++y)
      for (int x = 0; x < kW; ++x)
        ASSERT_NEAR(frames[k].mask[y * kW + x], value(10 + k, x, y, 0, 255) / 255.f, 1e-6);
  }
  // Without masks, the frames' alpha is the mask.
  const auto own = read_all(*io::open_video(frames_dir.string(), ""));
  expect_pixels(own[1], 1, 4, false);

  fs::remove(masks_dir / "m2.png");
  auto short_masks = io::open_video(frames_dir.string(), masks_dir.string());
  io::Frame f;
  short_masks->next(f);
  short_masks->next(f);
  test::expect_input_error([&] { short_masks->next(f); }, masks_dir.string(), {"no mask for frame 2", "fewer masks"});

  write_png(masks_dir / "m2.png", 12, 1, false, kW, kH + 1);
  auto wrong_mask = io::open_video(frames_dir.string(), masks_dir.string());
  wrong_mask->next(f);
  wrong_mask->next(f);
  test::expect_input_error([&] { wrong_mask->next(f); }, (masks_dir / "m2.png").string(),
                           {"mask 2 is 8x7, expected 8x6"});
}

TEST(Video, WrittenImageReadsBack) {
  const fs::path path = test::scratch_dir("write") / "rgba.png";
  std::vector<float> rgb(3 * kW * kH);
  std::vector<float> mask(kW * kH);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<float>(i % 17) / 16.f;
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = static_cast<float>(i % 5) / 4.f;
  io::write_image(path.string(), kW, kH, rgb.data(), mask.data());
  const auto frames = read_all(*io::open_frames(path.string()));
  ASSERT_EQ(frames.size(), 1u);
  for (std::size_t i = 0; i < rgb.size(); ++i) ASSERT_NEAR(frames[0].rgb[i], rgb[i], 0.6f / 255.f);
  for (std::size_t i = 0; i < mask.size(); ++i) ASSERT_NEAR(frames[0].mask[i], mask[i], 0.6f / 255.f);
}

TEST(Video, EncodedVideoReadsBack) {
  // A moving bright square on a dark coloured background, 12 frames.
  constexpr int w = 64;
  constexpr int h = 48;
  constexpr int n = 12;
  const auto frame_at = [&](int k) {
    std::vector<float> rgb(3 * w * h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool square = x >= 4 * k && x < 4 * k + 16 && y >= 16 && y < 32;
        float* p = &rgb[3 * (y * w + x)];
        p[0] = square ? 0.9f : 0.1f;
        p[1] = square ? 0.8f : 0.3f;
        p[2] = square ? 0.2f : 0.6f;
      }
    return rgb;
  };
  const fs::path dir = test::scratch_dir("encoded");
  std::string written;
  for (const char* name : {"clip.mp4", "clip.avi"}) {
    try {
      io::VideoFileWriter writer((dir / name).string(), w, h, 25.0);
      for (int k = 0; k < n; ++k) writer.write(frame_at(k));
      writer.close();
      written = (dir / name).string();
      break;
    } catch (const io::InputError& e) {
      std::cerr << "cannot write " << name << ": " << e.what() << "\n";
    }
  }
  if (written.empty()) GTEST_SKIP() << "no video codec can be written with this OpenCV";

  const auto frames = read_all(*io::open_frames(written));
  ASSERT_EQ(frames.size(), static_cast<std::size_t>(n)) << written;
  for (int k = 0; k < n; ++k) {
    EXPECT_TRUE(frames[k].mask.empty());
    EXPECT_NEAR(frames[k].time_s, k / 25.0, 1e-9);
    const auto expected = frame_at(k);
    double error = 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i) error += std::abs(frames[k].rgb[i] - expected[i]);
    EXPECT_LT(error / expected.size(), 0.03) << written << " frame " << k;
    // The square's centre keeps its colour through the lossy codec.
    const float* centre = &frames[k].rgb[3 * (24 * w + 4 * k + 8)];
    EXPECT_NEAR(centre[0], 0.9f, 0.08f);
    EXPECT_NEAR(centre[2], 0.2f, 0.08f);
  }
}

// Issue #8 D5: a truncated AVI ended the stream early with no word (12 of 20
// frames, exit 0). The container's declared count now makes it a warning.
TEST(Video, TruncatedVideoSaysHowManyFramesAreMissing) {
  constexpr int w = 64;
  constexpr int h = 48;
  constexpr int n = 20;
  const fs::path dir = test::scratch_dir("truncated");
  const std::string path = (dir / "clip.avi").string();
  {
    io::VideoFileWriter writer(path, w, h, 25.0);
    std::vector<float> rgb(3 * w * h);
    for (int k = 0; k < n; ++k) {
      for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<float>((i * 7 + k * 13) % 256) / 255.f;
      writer.write(rgb);
    }
    writer.close();
  }
  auto whole = io::open_frames(path);
  EXPECT_EQ(read_all(*whole).size(), static_cast<std::size_t>(n));
  EXPECT_EQ(whole->end_warning(), "");

  fs::resize_file(path, fs::file_size(path) * 6 / 10);
  auto cut = io::open_frames(path);
  const std::size_t read = read_all(*cut).size();
  ASSERT_LT(read, static_cast<std::size_t>(n));
  const std::string warning = cut->end_warning();
  for (const std::string& word : {path, "ended after " + std::to_string(read) + " frames", std::string("declares 20")})
    EXPECT_NE(warning.find(word), std::string::npos) << "'" << word << "' not in: " << warning;
}

// Issue #8, message row: masks left over after the last frame were ignored
// without a word.
TEST(Video, LeftOverMasksAreReported) {
  const fs::path frames_dir = test::scratch_dir("fewframes");
  const fs::path masks_dir = test::scratch_dir("moremasks");
  for (int k = 0; k < 3; ++k) write_png(frames_dir / ("f" + std::to_string(k) + ".png"), k, 3, false);
  for (int k = 0; k < 5; ++k) write_png(masks_dir / ("m" + std::to_string(k) + ".png"), k, 1, false);
  auto source = io::open_video(frames_dir.string(), masks_dir.string());
  EXPECT_EQ(read_all(*source).size(), 3u);
  const std::string warning = source->end_warning();
  for (const std::string& word : {masks_dir.string(), std::string("more masks than the 3 frames")})
    EXPECT_NE(warning.find(word), std::string::npos) << "'" << word << "' not in: " << warning;

  fs::remove(masks_dir / "m3.png");
  fs::remove(masks_dir / "m4.png");
  auto matched = io::open_video(frames_dir.string(), masks_dir.string());
  read_all(*matched);
  EXPECT_EQ(matched->end_warning(), "");
}

// The length and rate track's progress line and --overlay use: a folder's
// image files (undecodable ones included, other files not), a video's
// container count and fps; frames with masks report the frames'.
TEST(Video, FrameCountAndRateOfFolderAndVideo) {
  const fs::path dir = test::scratch_dir("counted");
  for (int k = 0; k < 3; ++k) write_png(dir / ("f" + std::to_string(k) + ".png"), k, 3, false);
  std::ofstream(dir / "broken.png") << "not a png";
  std::ofstream(dir / "notes.txt") << "not a frame";
  auto folder = io::open_frames(dir.string(), {.fps = 12.5});
  EXPECT_EQ(folder->frame_count(), std::optional<int>(4));
  EXPECT_EQ(folder->fps(), std::optional<double>(12.5));
  EXPECT_EQ(read_all(*folder).size(), 4u);  // the broken one as skipped

  const fs::path masks = test::scratch_dir("counted_masks");
  for (int k = 0; k < 4; ++k) write_png(masks / ("m" + std::to_string(k) + ".png"), k, 1, false);
  auto paired = io::open_video(dir.string(), masks.string(), {.fps = 12.5});
  EXPECT_EQ(paired->frame_count(), std::optional<int>(4));
  EXPECT_EQ(paired->fps(), std::optional<double>(12.5));

  constexpr int n = 7;
  const std::string path = (dir / "clip.avi").string();
  {
    io::VideoFileWriter writer(path, 32, 24, 25.0);
    const std::vector<float> grey(3 * 32 * 24, 0.5f);
    for (int k = 0; k < n; ++k) writer.write(grey);
    writer.close();
  }
  auto video = io::open_frames(path);
  EXPECT_EQ(video->frame_count(), std::optional<int>(n));
  EXPECT_EQ(video->fps(), std::optional<double>(25.0));
}
