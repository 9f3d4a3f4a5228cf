// SignatureCache: the template miner's exact-signature cache (hash of a masked token sequence ->
// cluster), as a flat open-addressing table.
//
// Almost every line of a log ends in one lookup here, so the table is built for that: one
// probe sequence in one array (no node per entry, no division by a prime as in
// std::unordered_map), 16 bytes per entry. Most of its entries are signatures seen once (lines
// whose word variables are new), so the hot ones lie scattered among them: the smaller the
// entries, the fewer cache lines and pages the table spans. The cluster id is resolved by the
// caller (ClusterTable, then merges), which keeps the entries free of pointers that would go
// stale when a cluster is merged away or evicted.
//
// The entries live in huge pages once the table reaches 2 MB (huge_page_allocator.h): each
// lookup is a random access, so with 4 KB pages it would also be a TLB miss. A table that would
// take 512 KB or 1 MB takes the 2 MB at once: each of its 4 KB pages cost a page fault when
// first written, and on this project's VMs a fault costs about 13 us (384 of them on the way to
// 2 MB, against one huge page).
//
// Keys are already well-mixed 64-bit hashes, so their low bits index the table. Cluster id 0
// marks an empty entry (ids start at 1). The table only grows until Clear(), so there are no
// deletions (and no tombstones).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analysis/logmine/huge_page_allocator.h"

namespace quell::analysis::logmine {

class SignatureCache {
 public:
  struct Entry {
    uint64_t key = 0;
    uint64_t cluster_id = 0;  // 0: empty
  };

  size_t size() const { return size_; }
  // Entries the table holds before it grows again (twice the signatures it can take).
  size_t capacity() const { return entries_.size(); }

  // The entry for `key`, or nullptr.
  Entry* Find(uint64_t key) {
    if (size_ == 0) return nullptr;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      Entry& e = entries_[i];
      if (e.cluster_id == 0) return nullptr;
      if (e.key == key) return &e;
    }
  }
  const Entry* Find(uint64_t key) const { return const_cast<SignatureCache*>(this)->Find(key); }

  // Starts loading the table's cache line where a lookup of `key` begins (a hint, no effect on
  // the contents): a caller that knows the key early lets the miss overlap other work.
  void Prefetch(uint64_t key) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[key & mask_]);
  }

  // Inserts or overwrites the entry for `key`.
  void Set(uint64_t key, uint64_t cluster_id) {
    // At most half full, so that probe sequences stay short.
    if ((size_ + 1) * 2 > entries_.size()) Grow();
    size_t i = key & mask_;
    while (entries_[i].cluster_id != 0 && entries_[i].key != key) i = (i + 1) & mask_;
    size_ += entries_[i].cluster_id == 0 ? 1 : 0;
    entries_[i] = {key, cluster_id};
  }

  // Forgets every entry (keeps the memory, which the cache will fill again).
  void Clear() {
    if (size_ == 0) return;
    std::fill(entries_.begin(), entries_.end(), Entry{});
    size_ = 0;
  }

 private:
  // 1024 entries, doubling; from 512 KB on, at least one huge page (a power of two, as the
  // mask needs).
  static size_t NextCapacity(size_t current) {
    if (current == 0) return 1024;
    constexpr size_t kHugeEntries = kHugePageSize / sizeof(Entry);
    const size_t next = current * 2;
    return next >= kHugeEntries / 4 ? std::max(next, kHugeEntries) : next;
  }

  void Grow() {
    std::vector<Entry, HugePageAllocator<Entry>> old = std::move(entries_);
    entries_.assign(NextCapacity(old.size()), Entry{});
    mask_ = entries_.size() - 1;
    size_ = 0;
    for (const Entry& e : old) {
      if (e.cluster_id != 0) Set(e.key, e.cluster_id);
    }
  }

  std::vector<Entry, HugePageAllocator<Entry>> entries_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace quell::analysis::logmine
