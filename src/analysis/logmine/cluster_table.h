// ClusterTable: the template miner's live clusters by id, owned, in one flat open-addressing
// array.
//
// Every line the signature cache knows ends in one lookup here (signature -> cluster id ->
// cluster), so the table is small and flat: 16 bytes per entry, at most half full, no node per
// entry. Cluster ids are consecutive numbers, so the low bits of an id spread the entries
// evenly without hashing. Id 0 marks an empty entry (ids start at 1). Deletion shifts the
// following entries back (linear probing without tombstones), so the table stays as short as
// the set of live clusters however many come and go.
//
// Not thread-safe; the miner owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace quell::analysis::logmine {

template <typename T>
class ClusterTable {
 public:
  size_t size() const { return size_; }

  // The value stored under `id`, or nullptr.
  T* Find(uint64_t id) const {
    if (size_ == 0) return nullptr;
    for (size_t i = id & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.id == id) return e.value.get();
      if (e.id == 0) return nullptr;
    }
  }

  // Stores `value` under `id` (not present yet, nonzero).
  T* Insert(uint64_t id, std::unique_ptr<T> value) {
    if ((size_ + 1) * 2 > entries_.size()) Grow();
    size_t i = id & mask_;
    while (entries_[i].id != 0) i = (i + 1) & mask_;
    entries_[i] = {id, std::move(value)};
    ++size_;
    return entries_[i].value.get();
  }

  // Removes and destroys the value under `id`, if any.
  void Erase(uint64_t id) {
    if (size_ == 0) return;
    size_t i = id & mask_;
    while (entries_[i].id != id) {
      if (entries_[i].id == 0) return;
      i = (i + 1) & mask_;
    }
    entries_[i] = {};
    --size_;
    // Moves back each following entry of the run that may no longer be reachable from its home.
    for (size_t j = (i + 1) & mask_; entries_[j].id != 0; j = (j + 1) & mask_) {
      const size_t home = entries_[j].id & mask_;
      // The entry stays when its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      entries_[i] = std::move(entries_[j]);
      entries_[j] = {};
      i = j;
    }
  }

  // Calls f(id, T&) for every entry, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Entry& e : entries_) {
      if (e.id != 0) f(e.id, *e.value);
    }
  }

 private:
  struct Entry {
    uint64_t id = 0;
    std::unique_ptr<T> value;
  };

  void Grow() {
    std::vector<Entry> old = std::move(entries_);
    entries_ = std::vector<Entry>(old.empty() ? 64 : old.size() * 2);
    mask_ = entries_.size() - 1;
    size_ = 0;
    for (Entry& e : old) {
      if (e.id != 0) Insert(e.id, std::move(e.value));
    }
  }

  std::vector<Entry> entries_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace quell::analysis::logmine
