#include <bit>
#include <charconv>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ply_layout.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"

namespace splattrack::io {

namespace {

const char* format_name(PlyFormat format) {
  switch (format) {
    case PlyFormat::BinaryLittleEndian: return "binary_little_endian";
    case PlyFormat::BinaryBigEndian: return "binary_big_endian";
    case PlyFormat::Ascii: return "ascii";
  }
  return "";
}

std::string header_text(PlyFormat format, const GaussianModel& model, const std::vector<std::string>& names) {
  std::string text = "ply\nformat " + std::string(format_name(format)) + " 1.0\n";
  if (model.antialiased) text += "comment " + std::string(kAntialiasedComment) + "\n";
  text += "element vertex " + std::to_string(model.size()) + "\n";
  for (const std::string& name : names) text += "property float " + name + "\n";
  return text + "end_header\n";
}

// [N, P] values in file order; the properties the model does not store
// (normals) are zero.
std::vector<float> records(const GaussianModel& model, const ply::VertexLayout& layout) {
  const auto bindings = ply::bind(layout, model);
  const std::size_t props = bindings.size();
  std::vector<float> values(model.size() * props, 0.f);
  for (std::size_t i = 0; i < model.size(); ++i)
    for (std::size_t k = 0; k < props; ++k)
      if (bindings[k].base) values[i * props + k] = bindings[k].base[i * bindings[k].stride];
  return values;
}

std::string ascii_body(const std::vector<float>& values, std::size_t props) {
  std::string text;
  text.reserve(values.size() * 12);
  char number[32];
  for (std::size_t v = 0; v < values.size(); ++v) {
    // Shortest form that reads back to the same float: exact like
    // max_digits10, without its trailing noise digits.
    const auto result = std::to_chars(number, number + sizeof(number), values[v]);
    text.append(number, result.ptr);
    text += (v + 1) % props == 0 ? '\n' : ' ';
  }
  return text;
}

void write_binary(std::ofstream& out, std::vector<float> values, std::endian endian) {
  char* bytes = reinterpret_cast<char*>(values.data());
  const std::size_t size = values.size() * sizeof(float);
  if (endian != std::endian::native)
    for (std::size_t v = 0; v < size; v += sizeof(float)) {
      std::swap(bytes[v], bytes[v + 3]);
      std::swap(bytes[v + 1], bytes[v + 2]);
    }
  out.write(bytes, static_cast<std::streamsize>(size));
}

}  // namespace

void write_ply(const std::string& path, const GaussianModel& model, PlyFormat format) {
  if (model.size() == 0) throw std::invalid_argument("write_ply(" + path + "): model has no Gaussians");
  if (!model.consistent()) throw std::invalid_argument("write_ply(" + path + "): model arrays have inconsistent sizes");
  const std::vector<std::string> names = ply::standard_property_names(model.sh_degree);
  ply::Element vertex{"vertex", model.size(), {}};
  for (const std::string& name : names) vertex.properties.push_back({name});
  std::vector<float> values = records(model, ply::vertex_layout(vertex, path));

  write_file_atomically(path, [&](const std::string& temp) {
    std::ofstream out(temp, std::ios::binary);
    if (!out) throw InputError(temp, "cannot open for writing");
    out << header_text(format, model, names);
    if (format == PlyFormat::Ascii)
      out << ascii_body(values, names.size());
    else
      write_binary(out, std::move(values), format == PlyFormat::BinaryBigEndian ? std::endian::big : std::endian::little);
    out.close();
    if (!out) throw InputError(temp, "writing failed (disk full or no permission?)");
  });
}

}  // namespace splattrack::io
