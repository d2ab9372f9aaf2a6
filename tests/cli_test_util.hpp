// Running the built `splattrack` binary from the command-line tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/videoio.hpp>
#include <string>

#include "io_test_util.hpp"

namespace splattrack::test {

// Runs `prefix splattrack ARGS` through the shell, stdout and stderr into
// `log`; returns the exit code, or 128 + N when signal N ended it. `prefix`
// may set limits first ("ulimit -f 1;").
inline int run_cli(const std::string& args, const std::filesystem::path& log, const std::string& prefix = "") {
  const std::string command =
      prefix + " exec " + std::string(SPLATTRACK_BINARY) + " " + args + " > " + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// A video as OpenCV decodes it, independently of splattrack's reader.
struct DecodedVideo {
  int frames = 0;  // 0 when it cannot be opened
  int width = 0;
  int height = 0;
  double fps = 0;
};

inline DecodedVideo decode_video(const std::filesystem::path& video) {
  cv::VideoCapture capture(video.string(), cv::CAP_FFMPEG);
  DecodedVideo d;
  if (!capture.isOpened()) return d;
  d.fps = capture.get(cv::CAP_PROP_FPS);
  cv::Mat image;
  while (capture.read(image) && !image.empty()) {
    ++d.frames;
    d.width = image.cols;
    d.height = image.rows;
  }
  return d;
}

}  // namespace splattrack::test
