// One binary PLY scalar from raw bytes, in either byte order.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

#include "ply_header.hpp"

namespace splattrack::io::ply {

template <class T>
T load(const char* p, bool swap) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (swap)
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// Any scalar type as double: exact for every integer type and for float.
inline double load_scalar(const char* p, ScalarType type, bool swap) {
  switch (type) {
    case ScalarType::Int8: return load<std::int8_t>(p, swap);
    case ScalarType::UInt8: return load<std::uint8_t>(p, swap);
    case ScalarType::Int16: return load<std::int16_t>(p, swap);
    case ScalarType::UInt16: return load<std::uint16_t>(p, swap);
    case ScalarType::Int32: return load<std::int32_t>(p, swap);
    case ScalarType::UInt32: return load<std::uint32_t>(p, swap);
    case ScalarType::Float32: return load<float>(p, swap);
    case ScalarType::Float64: return load<double>(p, swap);
  }
  return 0;
}

}  // namespace splattrack::io::ply
