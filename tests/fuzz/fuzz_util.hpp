// Shared oracles for the libFuzzer targets in this folder (scripts/fuzz.sh).
//
// Every target writes its input to a per-process temporary file with the
// right extension and reads it through the public io API, then checks more
// than "did not crash":
// - only splattrack::io::InputError may escape a reader; any other exception
//   is a bug (a reader must say which file is wrong and why);
// - what a reader accepts keeps the promises of its header (a model is
//   consistent, finite, normalisable; a camera is valid; a pose is a rigid
//   motion) and survives a write and re-read unchanged.
// A broken promise prints "ORACLE FAILURE: ..." and aborts, which libFuzzer
// records as a crash with its reproducer.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::fuzz {

[[noreturn]] inline void oracle_failure(const std::string& what) {
  std::fprintf(stderr, "\nORACLE FAILURE: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(condition, message)                                                                     \
  do {                                                                                                      \
    if (!(condition)) {                                                                                     \
      std::ostringstream fuzz_check_text_;                                                                  \
      fuzz_check_text_ << __FILE__ << ":" << __LINE__ << ": " << #condition << ": " << message;            \
      ::splattrack::fuzz::oracle_failure(fuzz_check_text_.str());                                           \
    }                                                                                                       \
  } while (0)

// The folder for this process's files: /dev/shm when writable (no disk
// traffic, and the writers' fsync is free there), else $TMPDIR or /tmp.
inline const std::string& temp_dir() {
  static const std::string dir = [] {
    if (access("/dev/shm", W_OK) == 0) return std::string("/dev/shm");
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp && *tmp ? tmp : "/tmp");
  }();
  return dir;
}

// Files this process made, removed at exit (a crash leaves them: they are small).
inline std::vector<std::string>& temp_files() {
  static std::vector<std::string> files;
  return files;
}

// A name of this process's own ending in `name` ("in.ply"): the extension picks the reader.
inline std::string temp_path(const std::string& name) {
  const std::string path = temp_dir() + "/splattrack-fuzz-" + std::to_string(getpid()) + "-" + name;
  if (temp_files().empty()) std::atexit([] {
      for (const std::string& f : temp_files()) std::remove(f.c_str());
    });
  for (const std::string& f : temp_files())
    if (f == path) return path;
  temp_files().push_back(path);
  return path;
}

// Writes the fuzzer's bytes to temp_path(name) and returns that path.
inline std::string input_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = temp_path(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) oracle_failure("harness: cannot create " + path + ": " + std::strerror(errno));
  if (size > 0 && std::fwrite(data, 1, size, f) != size) oracle_failure("harness: cannot write " + path);
  if (std::fclose(f) != 0) oracle_failure("harness: cannot close " + path);
  return path;
}

// Runs a reader: true when it returned, false when it threw InputError (a
// refusal is a fine answer to a bad file). Anything else escaping fails.
template <class F>
bool accepts(const char* what, F&& read) {
  try {
    read();
    return true;
  } catch (const io::InputError& e) {
    // SPLATTRACK_FUZZ_VERBOSE=1 shows why each input was refused (seed triage).
    static const bool verbose = std::getenv("SPLATTRACK_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "refused by %s: %s\n", what, e.what());
    return false;
  } catch (const std::exception& e) {
    oracle_failure(std::string(what) + " let a non-InputError exception escape: " + e.what());
  } catch (...) {
    oracle_failure(std::string(what) + " let a non-std exception escape");
  }
}

// For steps that must succeed on what a reader accepted (writing it back,
// re-reading our own output): any exception fails.
template <class F>
void must_succeed(const std::string& what, F&& step) {
  try {
    step();
  } catch (const std::exception& e) {
    oracle_failure(what + " threw: " + e.what());
  } catch (...) {
    oracle_failure(what + " threw a non-std exception");
  }
}

inline bool all_finite(const std::vector<float>& values) {
  for (float v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// gaussian_io.hpp's promises for a loaded model.
inline void check_model(const GaussianModel& m) {
  FUZZ_CHECK(m.sh_degree >= 0 && m.sh_degree <= 3, "sh_degree " << m.sh_degree);
  FUZZ_CHECK(m.consistent(), "inconsistent arrays: n=" << m.size() << " means=" << m.means.size()
                                                       << " quats=" << m.quats.size() << " sh=" << m.sh.size());
  FUZZ_CHECK(m.size() >= 1, "empty model accepted");
  FUZZ_CHECK(all_finite(m.means), "non-finite mean");
  FUZZ_CHECK(all_finite(m.quats), "non-finite quaternion");
  FUZZ_CHECK(all_finite(m.log_scales), "non-finite log scale");
  FUZZ_CHECK(all_finite(m.opacity_logits), "non-finite opacity logit");
  FUZZ_CHECK(all_finite(m.sh), "non-finite SH coefficient");
  for (std::size_t i = 0; i < m.size(); ++i) {
    const float* q = &m.quats[4 * i];
    double norm2 = 0;
    for (int c = 0; c < 4; ++c) norm2 += static_cast<double>(q[c]) * q[c];
    FUZZ_CHECK(std::sqrt(norm2) >= io::kMinQuaternionNorm,
               "Gaussian " << i << ": quaternion norm " << std::sqrt(norm2));
    // Normalisable as the renderer does it, in float (gaussian_math.hpp).
    const gs::Quatf n = gs::normalize_quat(gs::Quatf{q[0], q[1], q[2], q[3]});
    const double unit = std::sqrt(double(n.w) * n.w + double(n.x) * n.x + double(n.y) * n.y + double(n.z) * n.z);
    FUZZ_CHECK(std::isfinite(unit) && std::abs(unit - 1.0) < 1e-5,
               "Gaussian " << i << ": quaternion (" << q[0] << ", " << q[1] << ", " << q[2] << ", " << q[3]
                           << ") normalises (renderer, float) to norm " << unit);
  }
}

inline void check_same_model(const GaussianModel& a, const GaussianModel& b, const char* how) {
  FUZZ_CHECK(a.sh_degree == b.sh_degree, how << ": sh_degree " << a.sh_degree << " -> " << b.sh_degree);
  FUZZ_CHECK(same_bits(a.means, b.means), how << ": means differ");
  FUZZ_CHECK(same_bits(a.quats, b.quats), how << ": quaternions differ");
  FUZZ_CHECK(same_bits(a.log_scales, b.log_scales), how << ": log scales differ");
  FUZZ_CHECK(same_bits(a.opacity_logits, b.opacity_logits), how << ": opacity logits differ");
  FUZZ_CHECK(same_bits(a.sh, b.sh), how << ": SH coefficients differ");
}

// A loaded model is valid and every PLY format writes it back bit for bit.
inline void check_model_and_round_trip(const GaussianModel& model) {
  check_model(model);
  static const struct {
    io::PlyFormat format;
    const char* name;
  } kFormats[] = {{io::PlyFormat::BinaryLittleEndian, "binary LE round trip"},
                  {io::PlyFormat::BinaryBigEndian, "binary BE round trip"},
                  {io::PlyFormat::Ascii, "ASCII round trip"}};
  const std::string path = temp_path("roundtrip.ply");
  for (const auto& f : kFormats) {
    GaussianModel back;
    io::LoadReport report;
    must_succeed(std::string(f.name) + " (write_ply)", [&] { io::write_ply(path, model, f.format); });
    must_succeed(std::string(f.name) + " (read_gaussians)", [&] { back = io::read_gaussians(path, &report); });
    FUZZ_CHECK(report.warnings.empty(), f.name << ": re-read warns: " << report.warnings.front());
    check_same_model(model, back, f.name);
  }
}

// camera_io.hpp's promises for a camera read or written.
inline void check_camera(const Camera& c) {
  FUZZ_CHECK(c.width > 0 && c.height > 0, "size " << c.width << "x" << c.height);
  FUZZ_CHECK(std::isfinite(c.fx) && c.fx > 0, "fx " << c.fx);
  FUZZ_CHECK(std::isfinite(c.fy) && c.fy > 0, "fy " << c.fy);
  FUZZ_CHECK(std::isfinite(c.cx) && std::isfinite(c.cy), "cx " << c.cx << " cy " << c.cy);
  FUZZ_CHECK(c.cam_from_world.allFinite(), "non-finite cam_from_world");
  FUZZ_CHECK(c.cam_from_world(3, 0) == 0 && c.cam_from_world(3, 1) == 0 && c.cam_from_world(3, 2) == 0 &&
                 c.cam_from_world(3, 3) == 1,
             "cam_from_world's last row is not 0 0 0 1");
  const std::size_t n = c.distortion.size();
  FUZZ_CHECK(n == 0 || n == 4 || n == 5 || n == 8 || n == 12 || n == 14, n << " distortion coefficients");
  for (double d : c.distortion) FUZZ_CHECK(std::isfinite(d), "non-finite distortion coefficient");
}

// An accepted camera is valid, and its JSON form reads back bit for bit.
inline void check_camera_and_round_trip(const Camera& camera) {
  check_camera(camera);
  const std::string path = temp_path("roundtrip.json");
  Camera back;
  must_succeed("write_camera_json of an accepted camera", [&] { io::write_camera_json(path, camera); });
  must_succeed("read_camera of write_camera_json's output", [&] { back = io::read_camera(path); });
  FUZZ_CHECK(back.width == camera.width && back.height == camera.height, "JSON round trip: size changed");
  FUZZ_CHECK(same_bits(back.fx, camera.fx) && same_bits(back.fy, camera.fy) && same_bits(back.cx, camera.cx) &&
                 same_bits(back.cy, camera.cy),
             "JSON round trip: intrinsics changed");
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      FUZZ_CHECK(same_bits(back.cam_from_world(r, c), camera.cam_from_world(r, c)),
                 "JSON round trip: cam_from_world(" << r << "," << c << ") changed");
  FUZZ_CHECK(back.distortion.size() == camera.distortion.size(), "JSON round trip: distortion count changed");
  for (std::size_t i = 0; i < camera.distortion.size(); ++i)
    FUZZ_CHECK(same_bits(back.distortion[i], camera.distortion[i]), "JSON round trip: distortion " << i << " changed");
}

// The camera targets differ only in the extension. Inputs of an odd first
// byte are read with a frames' size, as track reads a ViSP file without one
// (or with several cameras to pick from), the others without, as render does.
inline int fuzz_camera(const char* name, const std::uint8_t* data, std::size_t size) {
  const std::string path = input_file(name, data, size);
  const std::optional<io::ImageSize> frames =
      size > 0 && (data[0] & 1) != 0 ? std::optional<io::ImageSize>(io::ImageSize{640, 480}) : std::nullopt;
  Camera camera;
  if (accepts("read_camera", [&] { camera = io::read_camera(path, frames); })) check_camera_and_round_trip(camera);
  return 0;
}

}  // namespace splattrack::fuzz
