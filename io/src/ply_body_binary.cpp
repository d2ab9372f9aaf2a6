#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "ply_body.hpp"
#include "ply_scalar.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io::ply {

namespace {

inline constexpr std::size_t kRecordsPerBlock = 512;  // 512 × 248-byte SH-3 records: 124 KiB

// One property across all n records. The type and byte order are fixed for
// the whole loop, so it compiles to a tight load-convert-store sequence.
template <class T>
void read_column(const char* first, std::size_t record, std::size_t n, bool swap, Binding<float> to) {
  if (swap) {
    for (std::size_t i = 0; i < n; ++i) to.base[i * to.stride] = static_cast<float>(load<T>(first + i * record, true));
  } else {
    for (std::size_t i = 0; i < n; ++i) to.base[i * to.stride] = static_cast<float>(load<T>(first + i * record, false));
  }
}

void read_column(ScalarType type, const char* first, std::size_t record, std::size_t n, bool swap,
                 Binding<float> to) {
  switch (type) {
    case ScalarType::Int8: return read_column<std::int8_t>(first, record, n, swap, to);
    case ScalarType::UInt8: return read_column<std::uint8_t>(first, record, n, swap, to);
    case ScalarType::Int16: return read_column<std::int16_t>(first, record, n, swap, to);
    case ScalarType::UInt16: return read_column<std::uint16_t>(first, record, n, swap, to);
    case ScalarType::Int32: return read_column<std::int32_t>(first, record, n, swap, to);
    case ScalarType::UInt32: return read_column<std::uint32_t>(first, record, n, swap, to);
    case ScalarType::Float32: return read_column<float>(first, record, n, swap, to);
    case ScalarType::Float64: return read_column<double>(first, record, n, swap, to);
  }
}

class BinaryBody {
 public:
  BinaryBody(std::string_view file, std::size_t offset, bool swap, const std::string& path)
      : file_(file), offset_(offset), swap_(swap), path_(path) {}

  std::size_t bytes_left() const { return file_.size() - offset_; }

  void skip_element(const Element& e) {
    if (!e.has_lists()) {
      const std::size_t size = e.record_size();
      if (size > 0 && e.count > bytes_left() / size) truncated(e);
      offset_ += static_cast<std::size_t>(e.count) * size;
      return;
    }
    // Every record holds at least one list count, so this loop ends within
    // bytes_left() steps however large the declared count is.
    for (std::uint64_t r = 0; r < e.count; ++r) {
      for (const Property& p : e.properties) {
        if (!p.is_list) {
          advance(scalar_size(p.type), e);
          continue;
        }
        const std::size_t count_size = scalar_size(p.count_type);
        if (count_size > bytes_left()) truncated(e);
        const double items = load_scalar(file_.data() + offset_, p.count_type, swap_);
        if (items < 0)
          throw InputError(path_, "element '" + e.name + "' record " + std::to_string(r) + ": list '" + p.name +
                                      "' has a negative length");
        advance(count_size, e);
        const std::size_t item_size = scalar_size(p.type);
        if (items > static_cast<double>(bytes_left() / item_size)) truncated(e);
        advance(static_cast<std::size_t>(items) * item_size, e);
      }
    }
  }

  void read_vertices(const Element& vertex, const VertexLayout& layout, GaussianModel& model) {
    const std::size_t record = vertex.record_size();
    if (vertex.count > bytes_left() / record)
      throw InputError(path_, "header declares " + std::to_string(vertex.count) + " vertices of " +
                                  std::to_string(record) + " bytes, but only " + std::to_string(bytes_left()) +
                                  " bytes of data follow");
    const std::size_t n = static_cast<std::size_t>(vertex.count);
    model.resize(n);
    const auto bindings = bind(layout, model);
    // Column by column within blocks of records that stay in cache: one
    // pass over the whole body per property would reload it from memory.
    for (std::size_t begin = 0; begin < n; begin += kRecordsPerBlock) {
      const std::size_t count = std::min(kRecordsPerBlock, n - begin);
      const char* field = file_.data() + offset_ + begin * record;
      for (std::size_t k = 0; k < vertex.properties.size(); ++k) {
        const ScalarType type = vertex.properties[k].type;
        const Binding<float> to = bindings[k];
        if (to.base) read_column(type, field, record, count, swap_, {to.base + begin * to.stride, to.stride});
        field += scalar_size(type);
      }
    }
  }

 private:
  void advance(std::size_t bytes, const Element& e) {
    if (bytes > bytes_left()) truncated(e);
    offset_ += bytes;
  }

  [[noreturn]] void truncated(const Element& e) const {
    throw InputError(path_, "file ends inside element '" + e.name + "' (declared " + std::to_string(e.count) +
                                " records)");
  }

  std::string_view file_;
  std::size_t offset_;
  bool swap_;
  const std::string& path_;
};

}  // namespace

void read_binary_body(std::string_view file, const Header& header, std::size_t vertex_element,
                      const VertexLayout& layout, GaussianModel& model, const std::string& path) {
  const std::endian file_endian =
      header.format == PlyFormat::BinaryBigEndian ? std::endian::big : std::endian::little;
  BinaryBody body(file, header.body_offset, file_endian != std::endian::native, path);
  for (std::size_t e = 0; e < vertex_element; ++e) body.skip_element(header.elements[e]);
  body.read_vertices(header.elements[vertex_element], layout, model);
}

}  // namespace splattrack::io::ply
