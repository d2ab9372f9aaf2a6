#include "image_header.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace splattrack::io::detail {

namespace {

// The first bytes of the file; enough for every header read below except a
// TIFF directory, which is read from its offset.
inline constexpr std::size_t kHeadBytes = 64;
inline constexpr int kMaxTiffEntries = 512;
inline constexpr int kMaxJpegSegments = 64;
inline constexpr std::size_t kMaxPnmHeader = 1024;
inline constexpr std::size_t kDicomMagicAt = 128;

std::uint32_t read_u32(const unsigned char* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3]
                    : (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) | p[0];
}

std::uint16_t read_u16(const unsigned char* p, bool big_endian) {
  return static_cast<std::uint16_t>(big_endian ? (p[0] << 8) | p[1] : (p[1] << 8) | p[0]);
}

std::string size_problem(std::uint64_t width, std::uint64_t height, std::uint64_t channels) {
  if (width * height > kMaxFramePixels)
    return "the header declares " + std::to_string(width) + "x" + std::to_string(height) +
           " pixels, more than a frame may have (" + std::to_string(kMaxFramePixels) + ")";
  if (channels > static_cast<std::uint64_t>(kMaxFrameChannels))
    return "the header declares " + std::to_string(channels) + " channels (a frame has at most " +
           std::to_string(kMaxFrameChannels) + ")";
  return {};
}

// TIFF: the first directory's ImageWidth (256), ImageLength (257) and
// SamplesPerPixel (277); absent tags count as 0 (width, height) and 1.
std::string tiff_problem(std::ifstream& in, const unsigned char* head, bool big_endian) {
  const std::uint32_t offset = read_u32(head + 4, big_endian);
  std::array<unsigned char, 2> count_bytes{};
  in.clear();
  in.seekg(offset);
  if (!in.read(reinterpret_cast<char*>(count_bytes.data()), 2)) return "the TIFF directory is missing";
  const int entries = read_u16(count_bytes.data(), big_endian);
  if (entries > kMaxTiffEntries) return "the TIFF directory has " + std::to_string(entries) + " entries";
  std::vector<unsigned char> dir(static_cast<std::size_t>(entries) * 12);
  if (!in.read(reinterpret_cast<char*>(dir.data()), static_cast<std::streamsize>(dir.size())))
    return "the TIFF directory is cut short";
  std::uint64_t width = 0, height = 0, samples = 1;
  for (int e = 0; e < entries; ++e) {
    const unsigned char* entry = dir.data() + 12 * e;
    const std::uint16_t tag = read_u16(entry, big_endian), type = read_u16(entry + 2, big_endian);
    // SHORT (3) or LONG (4), one value, held in the entry itself.
    const std::uint64_t value = type == 3 ? read_u16(entry + 8, big_endian) : read_u32(entry + 8, big_endian);
    if (tag == 256) width = value;
    else if (tag == 257) height = value;
    else if (tag == 277) samples = value;
  }
  return size_problem(width, height, samples);
}

// JPEG: the first start-of-frame segment's height and width, found by walking
// the segments from the start (each says its length; APPn can be 64 KiB).
std::string jpeg_problem(std::ifstream& in) {
  in.clear();
  in.seekg(2);
  for (int segments = 0; segments < kMaxJpegSegments; ++segments) {
    std::array<unsigned char, 4> marker{};
    if (!in.read(reinterpret_cast<char*>(marker.data()), 4) || marker[0] != 0xFF)
      return "the JPEG header ends before its frame size";
    const int type = marker[1];
    const int length = read_u16(&marker[2], true);
    const bool start_of_frame = type >= 0xC0 && type <= 0xCF && type != 0xC4 && type != 0xC8 && type != 0xCC;
    if (start_of_frame) {
      std::array<unsigned char, 6> frame{};  // precision, height, width, components
      if (!in.read(reinterpret_cast<char*>(frame.data()), 6)) return "the JPEG frame header is cut short";
      return size_problem(read_u16(&frame[3], true), read_u16(&frame[1], true), frame[5]);
    }
    if (length < 2) return "the JPEG header has a segment of length " + std::to_string(length);
    in.seekg(length - 2, std::ios::cur);
  }
  return "the JPEG header has no frame size in its first " + std::to_string(kMaxJpegSegments) + " segments";
}

// PNM (P1-P6): width and height, the first two numbers after the magic
// (# starts a comment); PAM (P7): the WIDTH, HEIGHT and DEPTH lines.
std::string pnm_problem(std::ifstream& in) {
  in.clear();
  in.seekg(0);
  std::string text(kMaxPnmHeader, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  std::istringstream header(text.substr(2));
  std::vector<std::string> words;
  for (std::string line; std::getline(header, line) && words.size() < 16;) {
    std::istringstream line_words(line.substr(0, line.find('#')));
    for (std::string w; line_words >> w;) words.push_back(w);
    if (text[1] == '7' ? line == "ENDHDR" : words.size() >= 2) break;
  }
  const auto number = [](const std::string& w) -> std::uint64_t {
    if (w.empty() || w.size() > 9 || w.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stoull(w);
  };
  std::uint64_t width = 0, height = 0, channels = 1;
  if (text[1] == '7') {
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] == "WIDTH") width = number(words[i + 1]);
      if (words[i] == "HEIGHT") height = number(words[i + 1]);
      if (words[i] == "DEPTH") channels = number(words[i + 1]);
    }
  } else if (words.size() >= 2) {
    width = number(words[0]);
    height = number(words[1]);
  }
  return size_problem(width, height, channels);
}

}  // namespace

std::string image_header_problem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  // OpenCV asks its DICOM reader (GDCM) before the others, and GDCM claims
  // any file with "DICM" at byte 128 whatever its first bytes, then aborts
  // the process on a malformed one (the frames fuzzer found a PBM that
  // did): such a file is refused unread.
  std::array<char, kDicomMagicAt + 4> preamble{};
  in.read(preamble.data(), static_cast<std::streamsize>(preamble.size()));
  if (in.gcount() == static_cast<std::streamsize>(preamble.size()) &&
      std::string_view(preamble.data() + kDicomMagicAt, 4) == "DICM")
    return "the file has the DICOM signature at byte 128 (DICOM is not a frame format)";
  in.clear();
  in.seekg(0);
  std::array<unsigned char, kHeadBytes> head{};
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  const std::size_t n = static_cast<std::size_t>(in.gcount());
  const std::string_view h(reinterpret_cast<const char*>(head.data()), n);
  const auto starts = [&](std::string_view magic) { return h.starts_with(magic); };

  if (starts(std::string_view("\x89PNG\r\n\x1A\n", 8))) {
    if (n < 26 || h.substr(12, 4) != "IHDR") return "the PNG header is cut short";
    // Channels per PNG colour type; 0 marks the types PNG does not define.
    static constexpr std::array<int, 7> kChannelsOfColourType = {1, 0, 3, 1, 2, 0, 4};
    const int colour_type = head[25];
    if (colour_type >= static_cast<int>(kChannelsOfColourType.size()) || kChannelsOfColourType[colour_type] == 0)
      return "the PNG header has colour type " + std::to_string(colour_type) + " (PNG has 0, 2, 3, 4 and 6)";
    return size_problem(read_u32(&head[16], true), read_u32(&head[20], true),
                        static_cast<std::uint64_t>(kChannelsOfColourType[colour_type]));
  }
  if (starts("BM")) {
    if (n < 30) return "the BMP header is cut short";
    const auto width = static_cast<std::int32_t>(read_u32(&head[18], false));
    const auto height = static_cast<std::int32_t>(read_u32(&head[22], false));
    const auto magnitude = [](std::int32_t v) { return v < 0 ? -static_cast<std::int64_t>(v) : std::int64_t{v}; };
    return size_problem(static_cast<std::uint64_t>(magnitude(width)), static_cast<std::uint64_t>(magnitude(height)), 1);
  }
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) {
    if (n < 8) return "the TIFF header is cut short";
    return tiff_problem(in, head.data(), head[0] == 'M');
  }
  if (starts(std::string_view("\xFF\xD8\xFF", 3))) return jpeg_problem(in);
  if (n >= 2 && h[0] == 'P' && h[1] >= '1' && h[1] <= '7') return pnm_problem(in);  // PBM/PGM/PPM/PAM
  for (const std::string_view magic :
       {std::string_view("\x76\x2F\x31\x01", 4),
        std::string_view("\0\0\0\x0CjP  ", 8), std::string_view("\xFF\x4F\xFF\x51", 4), std::string_view("#?", 2),
        std::string_view("PF", 2), std::string_view("Pf", 2)})
    if (starts(magic)) return {};
  if (starts("RIFF") && n >= 12 && h.substr(8, 4) == "WEBP") return {};
  return "not a PNG, JPEG, BMP, TIFF, WebP, PNM, EXR, JPEG 2000 or HDR file";
}

}  // namespace splattrack::io::detail
