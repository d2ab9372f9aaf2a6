// The CUDA runtime as host code sees it, without CUDA types: the device
// query, device buffers that only grow (so that a warm per-iteration path
// allocates nothing), and the stream every stage is launched on.
#pragma once

#include <cstddef>
#include <string>

namespace splattrack::cuda {

struct DeviceQuery {
  bool available = false;
  std::string name;        // e.g. "NVIDIA H100 80GB HBM3"
  std::string reason;      // why not available
  std::size_t memory = 0;  // bytes
  int major = 0, minor = 0;  // compute capability
};

// Device 0, or why there is none (no device, no driver, a driver too old
// for this build, an architecture this build has no code for). Queried once
// per process (the probe launches a kernel and waits for the device).
const DeviceQuery& query_device();

// Throws std::runtime_error "<what>: <CUDA's error string>" when the last
// launch or call failed.
void check_last(const char* what);

// One device allocation, grown (never shrunk) on demand.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  // At least `bytes` of device memory (the old contents are not kept when it grows).
  void* reserve(std::size_t bytes);
  template <class T>
  T* reserve_as(std::size_t count) {
    return static_cast<T*>(reserve(count * sizeof(T)));
  }
  void* data() const { return data_; }

 private:
  void* data_ = nullptr;
  std::size_t capacity_ = 0;
};

// A non-blocking stream; handle() is its cudaStream_t.
class Stream {
 public:
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  void* handle() const { return stream_; }
  // Copies on the stream (host memory need not be pinned: then they are
  // synchronous with the host, as CUDA defines).
  void upload(void* device, const void* host, std::size_t bytes) const;
  void download(void* host, const void* device, std::size_t bytes) const;
  void zero(void* device, std::size_t bytes) const;
  void synchronize() const;

 private:
  void* stream_ = nullptr;
};

}  // namespace splattrack::cuda
