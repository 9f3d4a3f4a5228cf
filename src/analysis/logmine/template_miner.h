// TemplateMiner: a streaming log template miner of the Drain family.
//
// Each message (the free text of a log line, header removed) is tokenized and its variables are
// masked (token_masker.h). An exact-signature cache maps an already seen masked token sequence
// straight to its cluster, so the common case is one hash lookup. Otherwise a Drain prefix tree
// (token count, then the first tokens) narrows the search to a few clusters; the most similar
// one joins the message if the similarity reaches the threshold, and the positions that differ
// become wildcards. Unlike the reference Drain, positions that are already wildcards do not count
// against a message (no cluster explosion on lines that are mostly variables).
//
// Memory is bounded by `max_clusters` (least recently used clusters are evicted) and by the
// size of the signature cache. The state can be saved and restored (Serialize / Deserialize),
// and Match() classifies a message without learning (match-only mode).
//
// Thread-compatible: one miner per thread or external locking (Match is const and may run
// concurrently with other const calls only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/logmine/cluster_table.h"
#include "analysis/logmine/signature_cache.h"
#include "analysis/logmine/token_masker.h"
#include "common/status.h"

namespace quell::analysis::logmine {

struct MinerOptions {
  // Tree depth as in Drain (root, length layer and leaf count): depth-2 leading tokens key the
  // tree. Minimum 3.
  int depth = 3;
  // A message joins the most similar cluster when the share of the cluster's constant tokens it
  // matches is at least this.
  // High on purpose: variables are found by their type (masking) or by their many values
  // (merge_distinct_values); similarity only absorbs the rest. Loghub-2k average GA is best at
  // 0.9 (see docs/logmine.md).
  double similarity_threshold = 0.9;
  // Children per tree node before new tokens go to the wildcard child.
  int max_children = 100;
  // Cap on clusters (0 = no cap); the least recently used cluster is evicted beyond it.
  size_t max_clusters = 0;
  // Cap on the exact-signature cache; it is emptied when full.
  size_t max_signatures = 200'000;
  // When this many clusters of one leaf are identical except for one position, that position is
  // a variable with many values (user names, file names) and they merge into one cluster.
  // Fewer distinct words at a position (error/ok, startup/shutdown) stay separate templates.
  // 0 disables.
  int merge_distinct_values = 3;
  // The merge above also applies to clusters that differ at up to this many positions at once
  // (a user name and a host name in one line), when every such position has at least
  // merge_distinct_values different words and the clusters share more constant tokens than they
  // differ in. 1 merges single positions only.
  int merge_max_positions = 2;
  // Only plain words (letters, digits, '_' and '-', no digit) key the prefix tree; tokens with
  // other punctuation (host names, dotted or slashed names, quoted values) go to the wildcard
  // child, so that a word variable at the front of a line does not split its template.
  bool key_plain_words_only = false;
  // The merge above looks at every cluster of the same token count, not only those of the new
  // cluster's leaf, so that a word variable among the leading (tree-key) tokens is found too.
  bool merge_across_tree = false;
  // Which typed-masking rules apply (token_masker.h).
  MaskOptions mask;

  bool operator==(const MinerOptions&) const = default;
};

// One template and its statistics.
struct Cluster {
  uint64_t id = 0;                   // 1, 2, ... in creation order; stable for the miner's life
  std::vector<std::string> tokens;   // the template; "<*>" marks a variable
  uint64_t count = 0;                // messages seen (including restored counts)
  std::vector<std::string> path;     // tree keys chosen at creation (internal, persisted)

  // The template as text: tokens joined by single spaces.
  std::string Template() const;
};

enum class ChangeType { kNone, kCreated, kTemplateChanged };

struct AddResult {
  uint64_t cluster_id = 0;
  ChangeType change = ChangeType::kNone;
};

// A message masked and hashed ahead of its Add (TemplateMiner::Prepare). Reuse one per slot of
// a pipeline to avoid allocation.
struct PreparedMessage {
  MaskedTokens tokens;
  uint64_t signature = 0;  // hash of the masked token sequence
};

class TemplateMiner {
 public:
  explicit TemplateMiner(MinerOptions options = {});
  ~TemplateMiner();
  TemplateMiner(TemplateMiner&&) noexcept;
  TemplateMiner& operator=(TemplateMiner&&) noexcept;

  // Learns from one message and returns the cluster it joined.
  AddResult Add(std::string_view message);

  // Add in two steps, for a caller that streams many messages: Prepare masks and hashes a
  // message (no state change) and starts loading its signature-cache entry; Add(prepared) then
  // learns from it exactly as Add(message) would. Preparing a few messages ahead of their Adds
  // lets that load, a cache miss on nearly every line, overlap other work. Messages must still
  // be added in their order.
  void Prepare(std::string_view message, PreparedMessage* out) const;
  AddResult Add(const PreparedMessage& prepared);

  // Finds the cluster whose template matches the message exactly (every constant token equal),
  // without changing any state. nullopt when none does.
  std::optional<uint64_t> Match(std::string_view message) const;

  // The cluster with this id, or nullptr (never existed or evicted). A cluster merged into
  // another resolves to the survivor. Valid until the next Add.
  const Cluster* Find(uint64_t id) const;

  // All live clusters, most recently used last. Pointers valid until the next Add.
  std::vector<const Cluster*> Clusters() const;
  size_t cluster_count() const;
  uint64_t evicted_count() const { return evicted_; }
  const MinerOptions& options() const { return options_; }

  // Saves the whole state (options, clusters, counts, recency order) as a JSON string.
  std::string Serialize() const;
  // Rebuilds a miner from Serialize() output.
  static Result<TemplateMiner> Deserialize(std::string_view data);

 private:
  struct Node;
  struct ClusterSlot;

  // Descends the tree for `tokens`; nullptr when the path does not exist.
  const Node* FindLeaf(const MaskedTokens& tokens) const;
  Node* LeafForNewCluster(std::vector<std::string>* path);
  // Tree keys for a token sequence (MaskedTokens or a template's tokens).
  template <typename Tokens>
  std::vector<std::string> PathFor(const Tokens& tokens) const;
  Node* LeafOf(const Cluster& cluster);  // nullptr when its path is gone
  void Unlink(const Cluster& cluster);   // removes the cluster's id from its leaf
  void CollectClusters(const Node* node, std::vector<ClusterSlot*>* out) const;
  // Best cluster in `leaf` for `tokens` with its similarity; nullptr or a similarity below
  // `floor` when no cluster reaches `floor` (such clusters are not fully scored).
  ClusterSlot* BestMatch(const Node* leaf, const MaskedTokens& tokens, double floor,
                         double* similarity);
  ClusterSlot* CreateCluster(const MaskedTokens& tokens, Node** leaf);
  // Absorbs the clusters of `leaf` that differ from `fresh` at one position only, when there
  // are enough of them. Returns the surviving cluster.
  ClusterSlot* MergeSiblings(Node* leaf, ClusterSlot* fresh);
  ClusterSlot* Live(uint64_t id) const;  // follows merges; nullptr when gone
  void Touch(ClusterSlot* slot);
  // Registers a new cluster (owned from here on) as the most recently used one.
  ClusterSlot* Adopt(std::unique_ptr<ClusterSlot> slot);
  void EvictIfNeeded();
  void RememberSignature(uint64_t signature, uint64_t cluster_id);
  // Adds a cluster read from saved state (as the most recently used one).
  Status RestoreCluster(Cluster cluster);

  MinerOptions options_;
  std::unique_ptr<Node> root_;
  ClusterTable<ClusterSlot> clusters_;  // live clusters by id
  // Recency: each use stamps the cluster with the next tick (one store, no list to relink on
  // every line). With max_clusters set, eviction takes the least recently used from a min-heap
  // of (tick, id) that holds every live cluster once, its tick possibly outdated: an entry whose
  // tick is outdated goes back with the current one, so the first current entry is the oldest.
  uint64_t clock_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> eviction_heap_;
  SignatureCache signatures_;  // masked-sequence hash -> cluster id
  std::unordered_map<uint64_t, uint64_t> merged_into_;  // absorbed cluster id -> survivor
  uint64_t next_id_ = 1;
  uint64_t evicted_ = 0;
  PreparedMessage scratch_;  // reused by Add(message)
  std::vector<uint64_t> scratch_digests_;  // reused by BestMatch: each token's PositionDigest
  // Reused by MergeSiblings: a new vector per call (thousands of clusters across the tree) had
  // the allocator hand back and fault in fresh pages again and again.
  std::vector<ClusterSlot*> scratch_candidates_;
};

}  // namespace quell::analysis::logmine
