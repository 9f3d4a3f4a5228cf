#include "analysis/logmine/template_miner.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "analysis/logmine/token_pattern.h"
#include "common/hash.h"

namespace quell::analysis::logmine {

namespace {

// Lets the tree look keys up by string_view without building a string per lookup.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

}  // namespace

// A prefix-tree node. The root's children are keyed by token count (as decimal text); deeper
// nodes by a leading token. Leaves hold their clusters (pointers, so that matching needs no
// lookup by id; a cluster leaves its leaf before it is destroyed).
struct TemplateMiner::Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, KeyHash, std::equal_to<>> children;
  std::vector<ClusterSlot*> clusters;

  const Node* Child(std::string_view key) const {
    auto it = children.find(key);
    return it == children.end() ? nullptr : it->second.get();
  }
};

namespace {

// How a template token takes part in matching.
enum class TokenKind : uint8_t {
  kConstant,   // must equal the message token
  kPattern,    // "user=<*>", "core.<*>": must fit the message token; counts as a constant
  kWildcard,   // "<*>", "<*>:", "(<*>)": no evidence either way
};

TokenKind KindOf(std::string_view token) {
  if (!HasWildcard(token)) return TokenKind::kConstant;
  return IsWildcardLike(token) ? TokenKind::kWildcard : TokenKind::kPattern;
}

// The tree key of a leading token: tokens with digits share the wildcard child, as in Drain;
// with `plain_words_only`, so do tokens with punctuation other than '_' and '-'.
// Templates this long and shorter keep their constants' digest (one bit per position).
constexpr size_t kMaxDigestTokens = 64;

// A 64-bit digest of a token at a position, from its length and its first and last eight bytes
// (cheap, no call): equal tokens at one position give equal digests, so differing digests prove
// a difference. Collisions only cost the full comparison.
uint64_t PositionDigest(size_t position, std::string_view token) {
  uint64_t head = 0, tail = 0;
  const size_t n = token.size();
  if (n >= 8) {
    std::memcpy(&head, token.data(), 8);
    std::memcpy(&tail, token.data() + n - 8, 8);
  } else if (n > 0) {
    std::memcpy(&head, token.data(), n);
  }
  uint64_t h = (head ^ (uint64_t{n} << 56) ^ position) * 0x9E3779B97F4A7C15ull;
  h ^= (tail + position) * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

std::string_view TreeKey(std::string_view token, bool plain_words_only) {
  for (char c : token) {
    if (c >= '0' && c <= '9') return kWildcard;
    if (plain_words_only && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                              c == '-')) {
      return kWildcard;
    }
  }
  return token;
}

}  // namespace

struct TemplateMiner::ClusterSlot {
  Cluster cluster;
  uint64_t last_used = 0;        // the miner's clock at the cluster's latest use
  std::vector<TokenKind> kinds;  // per template token
  size_t weight = 0;             // constants and patterns: the tokens similarity is measured on
  // The constant tokens in one word (templates of up to kMaxDigestTokens tokens): bit i set for
  // a constant at i, and the XOR of their PositionDigests. A message whose digest over the same
  // positions differs misses at least one constant, without reading the tokens.
  uint64_t constant_positions = 0;
  uint64_t constants_digest = 0;
  // PositionDigest of every template token, side by side: a token whose digest differs from
  // another's at the same position differs from it, which is found without reading either
  // string (each a cache miss away on a long file, where leaves hold thousands of clusters).
  std::vector<uint64_t> token_digests;

  void Reclassify() {
    kinds.resize(cluster.tokens.size());
    token_digests.resize(cluster.tokens.size());
    weight = 0;
    constant_positions = 0;
    constants_digest = 0;
    for (size_t i = 0; i < kinds.size(); ++i) {
      kinds[i] = KindOf(cluster.tokens[i]);
      token_digests[i] = PositionDigest(i, cluster.tokens[i]);
      weight += kinds[i] == TokenKind::kWildcard ? 0 : 1;
      if (kinds[i] == TokenKind::kConstant && kinds.size() <= kMaxDigestTokens) {
        constant_positions |= uint64_t{1} << i;
        constants_digest ^= token_digests[i];
      }
    }
  }
  // Whether the message's constants-digest (`digests`: PositionDigest of each message token)
  // proves a miss at one of this template's constants.
  bool MissesAConstant(const std::vector<uint64_t>& digests) const {
    uint64_t digest = 0;
    for (uint64_t bits = constant_positions; bits != 0; bits &= bits - 1) {
      digest ^= digests[static_cast<size_t>(std::countr_zero(bits))];
    }
    return digest != constants_digest;
  }
  // `digest`: PositionDigest(i, token).
  bool Fits(size_t i, std::string_view token, uint64_t digest) const {
    if (kinds[i] == TokenKind::kConstant && token_digests[i] != digest) return false;
    return Fits(i, token);
  }
  bool Fits(size_t i, std::string_view token) const {
    switch (kinds[i]) {
      case TokenKind::kConstant:
        return cluster.tokens[i] == token;
      case TokenKind::kPattern:
      case TokenKind::kWildcard:
        return TokenMatches(cluster.tokens[i], token);
    }
    return false;
  }
};

std::string Cluster::Template() const {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out.append(tokens[i]);
  }
  return out;
}

TemplateMiner::TemplateMiner(MinerOptions options)
    : options_(options), root_(std::make_unique<Node>()) {
  options_.depth = std::max(options_.depth, 3);
  options_.max_children = std::max(options_.max_children, 2);
}

TemplateMiner::~TemplateMiner() = default;
TemplateMiner::TemplateMiner(TemplateMiner&&) noexcept = default;
TemplateMiner& TemplateMiner::operator=(TemplateMiner&&) noexcept = default;

// The last token never keys the tree (as in Drain3), so "removing chargen" and "removing echo"
// meet in one leaf.
template <typename Tokens>
std::vector<std::string> TemplateMiner::PathFor(const Tokens& tokens) const {
  std::vector<std::string> path;
  path.push_back(std::to_string(tokens.size()));
  size_t prefix = std::min(tokens.size() > 0 ? tokens.size() - 1 : 0,
                           static_cast<size_t>(options_.depth - 2));
  for (size_t i = 0; i < prefix; ++i) {
    path.emplace_back(TreeKey(tokens[i], options_.key_plain_words_only));
  }
  return path;
}

TemplateMiner::Node* TemplateMiner::LeafOf(const Cluster& cluster) {
  Node* node = root_.get();
  for (const std::string& key : cluster.path) {
    auto child = node->children.find(key);
    if (child == node->children.end()) return nullptr;
    node = child->second.get();
  }
  return node;
}

void TemplateMiner::Unlink(const Cluster& cluster) {
  if (Node* leaf = LeafOf(cluster)) {
    auto& slots = leaf->clusters;
    slots.erase(std::remove_if(slots.begin(), slots.end(),
                               [&](const ClusterSlot* s) { return s->cluster.id == cluster.id; }),
                slots.end());
  }
}

void TemplateMiner::CollectClusters(const Node* node, std::vector<ClusterSlot*>* out) const {
  out->insert(out->end(), node->clusters.begin(), node->clusters.end());
  for (const auto& [key, child] : node->children) CollectClusters(child.get(), out);
}

const TemplateMiner::Node* TemplateMiner::FindLeaf(const MaskedTokens& tokens) const {
  char length_key[24];  // to_chars, not snprintf: this runs for every line the cache misses
  const char* end = std::to_chars(length_key, length_key + sizeof(length_key), tokens.size()).ptr;
  const Node* node = root_->Child(std::string_view(length_key, end - length_key));
  if (node == nullptr) return nullptr;
  size_t prefix = std::min(tokens.size() > 0 ? tokens.size() - 1 : 0,
                           static_cast<size_t>(options_.depth - 2));
  for (size_t i = 0; i < prefix; ++i) {
    const Node* next = node->Child(TreeKey(tokens[i], options_.key_plain_words_only));
    if (next == nullptr) next = node->Child(kWildcard);
    if (next == nullptr) return nullptr;
    node = next;
  }
  return node;
}

TemplateMiner::Node* TemplateMiner::LeafForNewCluster(std::vector<std::string>* path) {
  Node* node = root_.get();
  for (size_t i = 0; i < path->size(); ++i) {
    std::string& key = (*path)[i];
    auto it = node->children.find(key);
    // A full node sends new tokens to its wildcard child (Drain's maxChild rule); the path
    // records the key actually taken so that eviction finds the leaf again.
    if (it == node->children.end() && i > 0 &&
        node->children.size() >= static_cast<size_t>(options_.max_children)) {
      key = std::string(kWildcard);
      it = node->children.find(key);
    }
    if (it == node->children.end()) {
      it = node->children.emplace(key, std::make_unique<Node>()).first;
    }
    node = it->second.get();
  }
  return node;
}

TemplateMiner::ClusterSlot* TemplateMiner::Live(uint64_t id) const {
  for (int hops = 0; hops < 64; ++hops) {
    if (ClusterSlot* slot = clusters_.Find(id)) return slot;
    auto m = merged_into_.find(id);
    if (m == merged_into_.end()) return nullptr;
    id = m->second;
  }
  return nullptr;
}

TemplateMiner::ClusterSlot* TemplateMiner::BestMatch(const Node* leaf, const MaskedTokens& tokens,
                                                     double floor, double* similarity) {
  std::vector<uint64_t>& digests = scratch_digests_;
  digests.resize(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) digests[i] = PositionDigest(i, tokens[i]);
  ClusterSlot* best = nullptr;
  double best_sim = -1.0;
  // The scan is bound by cache misses (each cluster, its kinds and its tokens live apart):
  // asking for all of a leaf's clusters up front, and for the next one's arrays while scoring
  // one, lets the misses overlap instead of waiting for each in turn.
  const std::vector<ClusterSlot*>& slots = leaf->clusters;
  for (const ClusterSlot* slot : slots) __builtin_prefetch(slot);
  for (size_t s = 0; s < slots.size(); ++s) {
    ClusterSlot* slot = slots[s];
    if (s + 1 < slots.size()) {
      __builtin_prefetch(slots[s + 1]->kinds.data());
      __builtin_prefetch(slots[s + 1]->token_digests.data());
      __builtin_prefetch(slots[s + 1]->cluster.tokens.data());
    }
    if (slot->cluster.tokens.size() != tokens.size()) continue;
    // A cluster stops being scored once it can no longer reach the floor or beat the best so
    // far (a tie still counts: it may win on weight). Most of a leaf's clusters stop early.
    const double weight = static_cast<double>(slot->weight);
    const double bar = std::max(floor, best_sim);
    // One miss already sinks most short templates (the one-line clusters of lines with word
    // variables pile up in a leaf): those are dropped by digest, without reading their tokens.
    if (slot->weight > 0 && static_cast<double>(slot->weight - 1) / weight < bar &&
        slot->MissesAConstant(digests)) {
      continue;
    }
    size_t matched = 0, missed = 0;
    bool hopeless = false;
    for (size_t i = 0; i < tokens.size() && !hopeless; ++i) {
      if (slot->kinds[i] == TokenKind::kWildcard) continue;
      if (slot->Fits(i, tokens[i], digests[i])) {
        ++matched;
      } else {
        ++missed;
        hopeless = static_cast<double>(slot->weight - missed) / weight < bar;
      }
    }
    if (hopeless) continue;
    double sim = slot->weight == 0
                     ? 1.0
                     : static_cast<double>(matched) / static_cast<double>(slot->weight);
    // Ties go to the more specific template (more constants), then to the older cluster.
    if (sim > best_sim || (sim == best_sim && slot->weight > best->weight)) {
      best = slot;
      best_sim = sim;
    }
  }
  *similarity = best_sim;
  return best;
}

TemplateMiner::ClusterSlot* TemplateMiner::CreateCluster(const MaskedTokens& tokens, Node** leaf) {
  auto owned = std::make_unique<ClusterSlot>();
  ClusterSlot* slot = owned.get();
  Cluster& c = slot->cluster;
  c.id = next_id_++;
  c.count = 1;
  c.tokens.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) c.tokens.emplace_back(tokens[i]);
  slot->Reclassify();
  c.path = PathFor(tokens);
  *leaf = LeafForNewCluster(&c.path);
  (*leaf)->clusters.push_back(slot);
  return Adopt(std::move(owned));
}

TemplateMiner::ClusterSlot* TemplateMiner::MergeSiblings(Node* leaf, ClusterSlot* fresh) {
  if (options_.merge_distinct_values < 2) return fresh;
  const std::vector<std::string>& mine = fresh->cluster.tokens;
  const size_t max_positions = static_cast<size_t>(std::max(options_.merge_max_positions, 1));
  // Siblings differing from `fresh` in a few word positions only, grouped by those positions.
  std::map<std::vector<size_t>, std::vector<ClusterSlot*>> by_positions;
  std::vector<size_t> diff_at;
  // Candidates: the clusters of the leaf, or of every leaf of the same token count (a word
  // variable among the leading tokens sends its lines down different branches of the tree).
  std::vector<ClusterSlot*>& candidates = scratch_candidates_;
  candidates.clear();
  if (options_.merge_across_tree) {
    CollectClusters(root_->Child(fresh->cluster.path[0]), &candidates);
  } else {
    candidates.assign(leaf->clusters.begin(), leaf->clusters.end());
  }
  // As in BestMatch: the scan waits on cache misses, so the loads are asked for ahead.
  for (const ClusterSlot* c : candidates) __builtin_prefetch(c);
  for (size_t s = 0; s < candidates.size(); ++s) {
    ClusterSlot* other = candidates[s];
    if (s + 1 < candidates.size()) __builtin_prefetch(candidates[s + 1]->token_digests.data());
    if (other == fresh) continue;
    const std::vector<std::string>& theirs = other->cluster.tokens;
    if (theirs.size() != mine.size()) continue;
    // Positions whose digests differ differ for sure: more of them than max_positions rule the
    // sibling out before any token is read (most of a crowded leaf's clusters).
    size_t surely_different = 0;
    for (size_t i = 0; i < mine.size() && surely_different <= max_positions; ++i) {
      surely_different += fresh->token_digests[i] != other->token_digests[i] ? 1 : 0;
    }
    if (surely_different > max_positions) continue;
    diff_at.clear();
    size_t shared_constants = 0;
    bool words_only = true;
    for (size_t i = 0; i < mine.size() && diff_at.size() <= max_positions; ++i) {
      if (mine[i] == theirs[i]) {
        shared_constants += fresh->kinds[i] == TokenKind::kWildcard ? 0 : 1;
      } else {
        diff_at.push_back(i);
        // Only word-for-word alternatives count; a template that already generalised the
        // position absorbs the line through ordinary matching instead.
        words_only &= fresh->kinds[i] == TokenKind::kConstant &&
                      other->kinds[i] == TokenKind::kConstant;
      }
    }
    if (diff_at.empty() || diff_at.size() > max_positions || !words_only ||
        shared_constants <= diff_at.size() - 1 || shared_constants == 0) {
      continue;
    }
    by_positions[diff_at].push_back(other);
  }
  const size_t needed = static_cast<size_t>(options_.merge_distinct_values);
  for (auto& [positions, group] : by_positions) {
    if (group.size() + 1 < needed) continue;
    group.push_back(fresh);
    // Every position must show many different words, not a pair repeated; and positions that
    // share words are one enumeration seen in several slots ("from NEW to RUNNING", "from
    // RUNNING to DONE": state changes, constants of their templates), not independent variables.
    bool variables = true;
    std::set<std::string_view> seen_elsewhere;
    for (size_t position : positions) {
      std::set<std::string_view> values;
      for (const ClusterSlot* g : group) values.insert(g->cluster.tokens[position]);
      variables &= values.size() >= needed;
      for (std::string_view v : values) variables &= seen_elsewhere.insert(v).second;
    }
    if (!variables) continue;
    // The oldest cluster survives so that ids stay stable.
    std::sort(group.begin(), group.end(),
              [](const ClusterSlot* a, const ClusterSlot* b) { return a->cluster.id < b->cluster.id; });
    ClusterSlot* survivor = group.front();
    for (size_t position : positions) {
      std::string merged = survivor->cluster.tokens[position];
      for (size_t g = 1; g < group.size(); ++g) {
        merged = MergeTokens(merged, group[g]->cluster.tokens[position]);
      }
      survivor->cluster.tokens[position] = merged;
    }
    survivor->Reclassify();
    for (size_t g = 1; g < group.size(); ++g) {
      ClusterSlot* gone = group[g];
      uint64_t gone_id = gone->cluster.id;
      survivor->cluster.count += gone->cluster.count;
      merged_into_[gone_id] = survivor->cluster.id;
      Unlink(gone->cluster);
      clusters_.Erase(gone_id);  // its eviction-heap entry is dropped when it comes up
    }
    // A variable among the leading tokens moves the survivor to the wildcard branch, where the
    // lines with new values of that variable look for it.
    if (std::vector<std::string> path = PathFor(survivor->cluster.tokens);
        path != survivor->cluster.path) {
      Unlink(survivor->cluster);
      survivor->cluster.path = std::move(path);
      LeafForNewCluster(&survivor->cluster.path)->clusters.push_back(survivor);
    }
    Touch(survivor);
    return survivor;
  }
  return fresh;
}

Status TemplateMiner::RestoreCluster(Cluster cluster) {
  if (cluster.path.empty() || cluster.path[0] != std::to_string(cluster.tokens.size())) {
    return InvalidArgument("miner state: cluster path does not fit its template");
  }
  if (cluster.id == 0 || clusters_.Find(cluster.id) != nullptr) {
    return InvalidArgument("miner state: duplicate or zero cluster id");
  }
  auto owned = std::make_unique<ClusterSlot>();
  owned->cluster = std::move(cluster);
  Cluster& c = owned->cluster;
  owned->Reclassify();
  LeafForNewCluster(&c.path)->clusters.push_back(owned.get());
  next_id_ = std::max(next_id_, c.id + 1);
  Adopt(std::move(owned));
  return Status::Ok();
}

void TemplateMiner::Touch(ClusterSlot* slot) { slot->last_used = ++clock_; }

TemplateMiner::ClusterSlot* TemplateMiner::Adopt(std::unique_ptr<ClusterSlot> owned) {
  const uint64_t id = owned->cluster.id;  // read before the move: argument order is unspecified
  ClusterSlot* slot = clusters_.Insert(id, std::move(owned));
  Touch(slot);
  if (options_.max_clusters > 0) {
    eviction_heap_.emplace_back(slot->last_used, slot->cluster.id);
    std::push_heap(eviction_heap_.begin(), eviction_heap_.end(), std::greater<>());
  }
  return slot;
}

void TemplateMiner::EvictIfNeeded() {
  if (options_.max_clusters == 0) return;
  auto& heap = eviction_heap_;
  while (clusters_.size() > options_.max_clusters && !heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const auto [tick, id] = heap.back();
    heap.pop_back();
    ClusterSlot* slot = clusters_.Find(id);
    if (slot == nullptr) continue;  // merged away
    if (slot->last_used != tick) {  // used since: back in with its latest tick
      heap.emplace_back(slot->last_used, id);
      std::push_heap(heap.begin(), heap.end(), std::greater<>());
      continue;
    }
    // Remove the id from its leaf; signature-cache entries die lazily (lookups check liveness).
    Unlink(slot->cluster);
    clusters_.Erase(id);
    ++evicted_;
  }
}

void TemplateMiner::RememberSignature(uint64_t signature, uint64_t cluster_id) {
  if (signatures_.size() >= options_.max_signatures) signatures_.Clear();
  signatures_.Set(signature, cluster_id);
}

AddResult TemplateMiner::Add(std::string_view message) {
  Prepare(message, &scratch_);
  return Add(scratch_);
}

void TemplateMiner::Prepare(std::string_view message, PreparedMessage* out) const {
  MaskTokens(message, &out->tokens, options_.mask);
  out->signature = Xxh3(out->tokens.Joined());
  signatures_.Prefetch(out->signature);
}

AddResult TemplateMiner::Add(const PreparedMessage& prepared) {
  const MaskedTokens& tokens = prepared.tokens;
  const uint64_t signature = prepared.signature;
  if (auto* hit = signatures_.Find(signature)) {
    // A cluster merged away since resolves to its survivor, which the entry then names.
    ClusterSlot* slot = clusters_.Find(hit->cluster_id);
    if (slot == nullptr && (slot = Live(hit->cluster_id)) != nullptr) {
      hit->cluster_id = slot->cluster.id;
    }
    if (slot != nullptr) {
      ++slot->cluster.count;
      Touch(slot);
      return {slot->cluster.id, ChangeType::kNone};
    }
  }
  AddResult result;
  double sim = 0;
  const Node* leaf = FindLeaf(tokens);
  ClusterSlot* best = leaf == nullptr ? nullptr
                                      : BestMatch(leaf, tokens, options_.similarity_threshold, &sim);
  if (best != nullptr && sim >= options_.similarity_threshold) {
    Cluster& c = best->cluster;
    ++c.count;
    bool changed = false;
    for (size_t i = 0; i < c.tokens.size(); ++i) {
      if (IsWildcardToken(c.tokens[i]) || best->Fits(i, tokens[i])) continue;
      c.tokens[i] = MergeTokens(c.tokens[i], tokens[i]);
      changed = true;
    }
    if (changed) {
      best->Reclassify();
      result.change = ChangeType::kTemplateChanged;
    }
    Touch(best);
    result.cluster_id = c.id;
  } else {
    Node* new_leaf = nullptr;
    ClusterSlot* created = CreateCluster(tokens, &new_leaf);
    ClusterSlot* survivor = MergeSiblings(new_leaf, created);
    result.cluster_id = survivor->cluster.id;
    result.change = survivor == created ? ChangeType::kCreated : ChangeType::kTemplateChanged;
    EvictIfNeeded();
  }
  RememberSignature(signature, result.cluster_id);
  return result;
}

std::optional<uint64_t> TemplateMiner::Match(std::string_view message) const {
  PreparedMessage prepared;
  Prepare(message, &prepared);
  const MaskedTokens& tokens = prepared.tokens;
  if (const auto* hit = signatures_.Find(prepared.signature)) {
    if (const ClusterSlot* slot = Live(hit->cluster_id)) return slot->cluster.id;
  }
  const Node* leaf = FindLeaf(tokens);
  if (leaf == nullptr) return std::nullopt;
  // Drain3 semantics: a perfect fit of every template token; the most specific template wins.
  const ClusterSlot* best = nullptr;
  for (const ClusterSlot* slot : leaf->clusters) {
    if (slot->cluster.tokens.size() != tokens.size()) continue;
    bool fits = true;
    for (size_t i = 0; i < tokens.size() && fits; ++i) fits = slot->Fits(i, tokens[i]);
    if (fits && (best == nullptr || slot->weight > best->weight)) best = slot;
  }
  if (best == nullptr) return std::nullopt;
  return best->cluster.id;
}

const Cluster* TemplateMiner::Find(uint64_t id) const {
  const ClusterSlot* slot = Live(id);
  return slot == nullptr ? nullptr : &slot->cluster;
}

std::vector<const Cluster*> TemplateMiner::Clusters() const {
  std::vector<const ClusterSlot*> slots;
  slots.reserve(clusters_.size());
  clusters_.ForEach([&](uint64_t, const ClusterSlot& slot) { slots.push_back(&slot); });
  std::sort(slots.begin(), slots.end(), [](const ClusterSlot* a, const ClusterSlot* b) {
    return a->last_used < b->last_used;
  });
  std::vector<const Cluster*> out;
  out.reserve(slots.size());
  for (const ClusterSlot* slot : slots) out.push_back(&slot->cluster);
  return out;
}

size_t TemplateMiner::cluster_count() const { return clusters_.size(); }

}  // namespace quell::analysis::logmine
