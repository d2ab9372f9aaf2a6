#include "device.hpp"

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernel_util.cuh"

namespace splattrack::cuda {
namespace {

// A kernel this build compiled, launched once: fails where the device's
// architecture has no code in the binary (CMAKE_CUDA_ARCHITECTURES).
__global__ void probe_kernel(int* out) { *out = 1; }

DeviceQuery probe_device() {
  DeviceQuery q;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e == cudaErrorNoDevice || (e == cudaSuccess && count == 0)) {
    q.reason = "no CUDA device on this machine";
    return q;
  }
  if (e == cudaErrorInsufficientDriver) {
    q.reason = "no NVIDIA driver, or one older than this build's CUDA runtime " +
               std::to_string(CUDART_VERSION / 1000) + "." + std::to_string(CUDART_VERSION % 1000 / 10) +
               " (no usable GPU)";
    return q;
  }
  if (e != cudaSuccess) {
    q.reason = std::string("no usable CUDA device (") + cudaGetErrorString(e) + ")";
    return q;
  }
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) {
    q.reason = "cannot read CUDA device 0's properties";
    return q;
  }
  q.name = p.name;
  q.memory = p.totalGlobalMem;
  q.major = p.major;
  q.minor = p.minor;
  int* flag = nullptr;
  if (cudaMalloc(&flag, sizeof(int)) != cudaSuccess) {
    q.reason = "cannot allocate on " + q.name;
    return q;
  }
  probe_kernel<<<1, 1>>>(flag);
  const cudaError_t launched = cudaDeviceSynchronize();
  cudaFree(flag);
  if (launched != cudaSuccess) {
    q.reason = q.name + " (compute capability " + std::to_string(p.major) + "." + std::to_string(p.minor) +
               ") cannot run this build's kernels: " + cudaGetErrorString(launched) +
               " (rebuild with CMAKE_CUDA_ARCHITECTURES including it)";
    return q;
  }
  q.available = true;
  return q;
}

}  // namespace

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

const DeviceQuery& query_device() {
  static const DeviceQuery device = probe_device();
  return device;
}

void check_last(const char* what) { check(cudaGetLastError(), what); }

DeviceBuffer::~DeviceBuffer() { cudaFree(data_); }

void* DeviceBuffer::reserve(std::size_t bytes) {
  if (bytes <= capacity_ && data_) return data_;
  cudaFree(data_);
  data_ = nullptr;
  capacity_ = 0;
  // Room to grow a little: a model or frame a few % larger does not reallocate.
  const std::size_t want = bytes + bytes / 8 + 256;
  check(cudaMalloc(&data_, want), "cudaMalloc");
  capacity_ = want;
  return data_;
}

Stream::Stream() {
  cudaStream_t s = nullptr;
  check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
  stream_ = s;
}

Stream::~Stream() { cudaStreamDestroy(as_stream(stream_)); }

void Stream::upload(void* device, const void* host, std::size_t bytes) const {
  if (bytes) check(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, as_stream(stream_)), "upload");
}

void Stream::download(void* host, const void* device, std::size_t bytes) const {
  if (bytes) check(cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost, as_stream(stream_)), "download");
}

void Stream::zero(void* device, std::size_t bytes) const {
  if (bytes) check(cudaMemsetAsync(device, 0, bytes, as_stream(stream_)), "cudaMemset");
}

void Stream::synchronize() const { check(cudaStreamSynchronize(as_stream(stream_)), "cudaStreamSynchronize"); }

}  // namespace splattrack::cuda
