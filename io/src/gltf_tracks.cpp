#include "splattrack/io/gltf_tracks.hpp"

#include <tiny_gltf.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/nodes_csv.hpp"

namespace splattrack::io {
namespace {

// Appends `values` to the model's one buffer as a float accessor of `type`
// (TINYGLTF_TYPE_SCALAR / VEC3 / VEC4) and returns its index.
int add_accessor(tinygltf::Model& m, const std::vector<float>& values, int type, int components) {
  tinygltf::Buffer& buffer = m.buffers[0];
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = buffer.data.size();
  view.byteLength = values.size() * sizeof(float);
  buffer.data.resize(buffer.data.size() + view.byteLength);
  std::memcpy(buffer.data.data() + view.byteOffset, values.data(), view.byteLength);
  m.bufferViews.push_back(view);
  tinygltf::Accessor a;
  a.bufferView = static_cast<int>(m.bufferViews.size()) - 1;
  a.componentType = TINYGLTF_COMPONENT_TYPE_FLOAT;
  a.type = type;
  a.count = values.size() / static_cast<std::size_t>(components);
  m.accessors.push_back(a);
  return static_cast<int>(m.accessors.size()) - 1;
}

// The floats of accessor `index`, `components` per element.
std::vector<float> floats_of(const tinygltf::Model& m, int index, int components, const std::string& path) {
  if (index < 0 || index >= static_cast<int>(m.accessors.size()))
    throw InputError(path, "an accessor index out of range");
  const tinygltf::Accessor& a = m.accessors[static_cast<std::size_t>(index)];
  if (a.componentType != TINYGLTF_COMPONENT_TYPE_FLOAT || a.bufferView < 0 ||
      a.bufferView >= static_cast<int>(m.bufferViews.size()))
    throw InputError(path, "an animation accessor that is not floats in a buffer");
  const tinygltf::BufferView& v = m.bufferViews[static_cast<std::size_t>(a.bufferView)];
  const std::size_t bytes = a.count * static_cast<std::size_t>(components) * sizeof(float);
  if (v.buffer < 0 || v.buffer >= static_cast<int>(m.buffers.size()) ||
      v.byteOffset + a.byteOffset + bytes > m.buffers[static_cast<std::size_t>(v.buffer)].data.size())
    throw InputError(path, "an accessor beyond its buffer");
  std::vector<float> out(a.count * static_cast<std::size_t>(components));
  std::memcpy(out.data(), m.buffers[static_cast<std::size_t>(v.buffer)].data.data() + v.byteOffset + a.byteOffset,
              bytes);
  return out;
}

}  // namespace

void write_tracks_gltf(const std::string& path, const std::vector<TrackFrame>& frames) {
  if (frames.empty()) throw std::invalid_argument("write_tracks_gltf: no frames");
  const std::size_t nodes = frames[0].nodes.size();
  std::vector<float> times;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    if (frames[f].nodes.size() != nodes) throw std::invalid_argument("write_tracks_gltf: node counts differ");
    if (f > 0 && !(frames[f].time_s > frames[f - 1].time_s))
      throw std::invalid_argument("write_tracks_gltf: times do not increase");
    times.push_back(static_cast<float>(frames[f].time_s));
  }
  tinygltf::Model m;
  m.asset.version = "2.0";
  m.asset.generator = "splattrack";
  m.buffers.emplace_back();
  const int input = add_accessor(m, times, TINYGLTF_TYPE_SCALAR, 1);
  m.accessors[static_cast<std::size_t>(input)].minValues = {times.front()};
  m.accessors[static_cast<std::size_t>(input)].maxValues = {times.back()};
  tinygltf::Animation animation;
  animation.name = "track";
  tinygltf::Scene scene;
  for (std::size_t k = 0; k < nodes; ++k) {
    std::vector<float> translation, rotation;
    for (const TrackFrame& f : frames) {
      const Eigen::Vector3d& t = f.nodes[k].translation;
      const Eigen::Quaterniond q = f.nodes[k].rotation.normalized();
      translation.insert(translation.end(),
                         {static_cast<float>(t.x()), static_cast<float>(t.y()), static_cast<float>(t.z())});
      // glTF quaternions are x, y, z, w.
      rotation.insert(rotation.end(), {static_cast<float>(q.x()), static_cast<float>(q.y()), static_cast<float>(q.z()),
                                       static_cast<float>(q.w())});
    }
    tinygltf::Node node;
    node.name = "node_" + std::to_string(k);
    node.translation = {translation[0], translation[1], translation[2]};
    node.rotation = {rotation[0], rotation[1], rotation[2], rotation[3]};
    m.nodes.push_back(node);
    scene.nodes.push_back(static_cast<int>(k));
    const int outputs[2] = {add_accessor(m, translation, TINYGLTF_TYPE_VEC3, 3),
                            add_accessor(m, rotation, TINYGLTF_TYPE_VEC4, 4)};
    const char* paths[2] = {"translation", "rotation"};
    for (int c = 0; c < 2; ++c) {
      tinygltf::AnimationSampler sampler;
      sampler.input = input;
      sampler.output = outputs[c];
      sampler.interpolation = "LINEAR";
      animation.samplers.push_back(sampler);
      tinygltf::AnimationChannel channel;
      channel.sampler = static_cast<int>(animation.samplers.size()) - 1;
      channel.target_node = static_cast<int>(k);
      channel.target_path = paths[c];
      animation.channels.push_back(channel);
    }
  }
  m.animations.push_back(animation);
  m.scenes.push_back(scene);
  m.defaultScene = 0;
  tinygltf::TinyGLTF writer;
  std::ostringstream text;
  // Buffers embedded (a base64 data URI): one file, nothing beside it.
  if (!writer.WriteGltfSceneToStream(&m, text, false, false))
    throw InputError(path, "tinygltf could not serialise the track");
  write_file_atomically(path, text.str());
}

std::vector<TrackFrame> read_tracks_gltf(const std::string& path) {
  tinygltf::Model m;
  tinygltf::TinyGLTF reader;
  std::string err, warn;
  if (!reader.LoadASCIIFromFile(&m, &err, &warn, path)) throw InputError(path, "not a glTF file: " + err);
  if (m.animations.size() != 1) throw InputError(path, "expected one animation");
  const tinygltf::Animation& a = m.animations[0];
  std::vector<TrackFrame> frames;
  for (const tinygltf::AnimationChannel& c : a.channels) {
    if (c.sampler < 0 || c.sampler >= static_cast<int>(a.samplers.size()) || c.target_node < 0)
      throw InputError(path, "an animation channel without its sampler or node");
    const tinygltf::AnimationSampler& s = a.samplers[static_cast<std::size_t>(c.sampler)];
    const bool translation = c.target_path == "translation";
    const std::vector<float> times = floats_of(m, s.input, 1, path);
    const std::vector<float> values = floats_of(m, s.output, translation ? 3 : 4, path);
    if (values.size() != times.size() * (translation ? 3 : 4)) throw InputError(path, "a sampler's sizes differ");
    if (frames.empty()) {
      frames.resize(times.size());
      for (std::size_t f = 0; f < times.size(); ++f) frames[f].frame = static_cast<int>(f), frames[f].time_s = times[f];
    }
    if (times.size() != frames.size()) throw InputError(path, "samplers of different lengths");
    const auto k = static_cast<std::size_t>(c.target_node);
    for (TrackFrame& f : frames)
      if (f.nodes.size() <= k) f.nodes.resize(k + 1);
    for (std::size_t f = 0; f < frames.size(); ++f) {
      const float* v = values.data() + f * (translation ? 3 : 4);
      if (translation)
        frames[f].nodes[k].translation = {v[0], v[1], v[2]};
      else
        frames[f].nodes[k].rotation = Eigen::Quaterniond(v[3], v[0], v[1], v[2]);
    }
  }
  return frames;
}

}  // namespace splattrack::io
