#include "mesh_texture.hpp"

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image_header.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

MeshTexture read_texture(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(path, "texture file not found");
  // OpenCV decoders allocate what a header declares and some abort on
  // hostile bytes; the same gate as frames keeps both away.
  if (const std::string problem = detail::image_header_problem(path); !problem.empty())
    throw InputError(path, "cannot read texture: " + problem);
  cv::Mat bgr;
  try {
    bgr = cv::imread(path, cv::IMREAD_COLOR);  // 8 bits, 3 channels whatever the file holds
  } catch (const cv::Exception& e) {
    throw InputError(path, std::string("cannot decode texture: ") + e.what());
  }
  if (bgr.empty()) throw InputError(path, "cannot decode texture");
  MeshTexture texture{path, bgr.cols, bgr.rows, {}};
  texture.rgb.resize(bgr.total() * 3);
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, texture.rgb.data());
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return texture;
}

}  // namespace splattrack::io
