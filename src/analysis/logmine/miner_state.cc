// Persistence of the log-mining state as JSON (Boost.JSON stays in this file):
// TemplateMiner::Serialize / Deserialize and ServiceLogMiner::SaveState / LoadState.
//
// {"version":1,"options":{...},"next_id":N,"evicted":N,
//  "clusters":[{"id":1,"count":5,"tokens":["a","<*>"],"path":["2","a"]}, ...]}
// Clusters are written least recently used first, so loading restores the LRU order. The
// signature cache is not saved; it refills as lines arrive.
#include <algorithm>
#include <exception>

#include <boost/json.hpp>

#include "analysis/logmine/service_log_miner.h"
#include "analysis/logmine/template_miner.h"

namespace quell::analysis::logmine {
namespace json = boost::json;

namespace {

constexpr int64_t kStateVersion = 1;

Result<const json::value*> Field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Error(InvalidArgument("miner state lacks '" + std::string(key) + "'"));
  return v;
}

// Serialize writes templates and samples byte for byte, and a miner takes any bytes (Add's
// message is not checked for UTF-8), so the state is read back the same way.
json::value ParseState(std::string_view data) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;
  return json::parse(json::string_view(data.data(), data.size()), {}, options);
}

Result<std::vector<std::string>> StringArray(const json::value& v, std::string_view what) {
  const json::array* a = v.if_array();
  if (a == nullptr) return Error(InvalidArgument("miner state: " + std::string(what) + " not an array"));
  std::vector<std::string> out;
  out.reserve(a->size());
  for (const json::value& e : *a) {
    const json::string* s = e.if_string();
    if (s == nullptr) return Error(InvalidArgument("miner state: " + std::string(what) + " entry"));
    out.emplace_back(s->data(), s->size());
  }
  return out;
}

}  // namespace

std::string TemplateMiner::Serialize() const {
  json::object root;
  root["version"] = kStateVersion;
  json::object opts;
  opts["depth"] = options_.depth;
  opts["similarity_threshold"] = options_.similarity_threshold;
  opts["max_children"] = options_.max_children;
  opts["max_clusters"] = options_.max_clusters;
  opts["max_signatures"] = options_.max_signatures;
  root["options"] = std::move(opts);
  root["next_id"] = next_id_;
  root["evicted"] = evicted_;
  json::array clusters;
  clusters.reserve(cluster_count());
  for (const Cluster* cluster : Clusters()) {
    const Cluster& c = *cluster;
    json::object jc;
    jc["id"] = c.id;
    jc["count"] = c.count;
    json::array tokens;
    for (const auto& t : c.tokens) tokens.emplace_back(t);
    jc["tokens"] = std::move(tokens);
    json::array path;
    for (const auto& p : c.path) path.emplace_back(p);
    jc["path"] = std::move(path);
    clusters.emplace_back(std::move(jc));
  }
  root["clusters"] = std::move(clusters);
  json::array merged;
  for (const auto& [from, to] : merged_into_) merged.emplace_back(json::array{from, to});
  root["merged"] = std::move(merged);
  return json::serialize(root);
}

Result<TemplateMiner> TemplateMiner::Deserialize(std::string_view data) {
  json::value doc;
  try {
    doc = ParseState(data);
  } catch (const std::exception& e) {
    return Error(InvalidArgument(std::string("miner state is not JSON: ") + e.what()));
  }
  const json::object* root = doc.if_object();
  if (root == nullptr) return Error(InvalidArgument("miner state is not a JSON object"));
  try {
    QUELL_ASSIGN_OR_RETURN(const json::value* version, Field(*root, "version"));
    if (json::value_to<int64_t>(*version) != kStateVersion) {
      return Error(InvalidArgument("unsupported miner state version"));
    }
    QUELL_ASSIGN_OR_RETURN(const json::value* jopts, Field(*root, "options"));
    const json::object& o = jopts->as_object();
    MinerOptions options;
    options.depth = json::value_to<int>(o.at("depth"));
    options.similarity_threshold = json::value_to<double>(o.at("similarity_threshold"));
    options.max_children = json::value_to<int>(o.at("max_children"));
    options.max_clusters = json::value_to<size_t>(o.at("max_clusters"));
    options.max_signatures = json::value_to<size_t>(o.at("max_signatures"));
    TemplateMiner miner(options);

    QUELL_ASSIGN_OR_RETURN(const json::value* jclusters, Field(*root, "clusters"));
    for (const json::value& jv : jclusters->as_array()) {
      const json::object& jc = jv.as_object();
      Cluster c;
      c.id = json::value_to<uint64_t>(jc.at("id"));
      c.count = json::value_to<uint64_t>(jc.at("count"));
      QUELL_ASSIGN_OR_RETURN(c.tokens, StringArray(jc.at("tokens"), "tokens"));
      QUELL_ASSIGN_OR_RETURN(c.path, StringArray(jc.at("path"), "path"));
      QUELL_RETURN_IF_ERROR(miner.RestoreCluster(std::move(c)));
    }
    QUELL_ASSIGN_OR_RETURN(const json::value* next_id, Field(*root, "next_id"));
    miner.next_id_ = std::max(miner.next_id_, json::value_to<uint64_t>(*next_id));
    if (const json::value* ev = root->if_contains("evicted")) {
      miner.evicted_ = json::value_to<uint64_t>(*ev);
    }
    if (const json::value* jm = root->if_contains("merged")) {
      for (const json::value& pair : jm->as_array()) {
        const json::array& a = pair.as_array();
        miner.merged_into_[json::value_to<uint64_t>(a.at(0))] = json::value_to<uint64_t>(a.at(1));
      }
    }
    miner.EvictIfNeeded();
    return miner;
  } catch (const std::exception& e) {
    // Wrong types or missing keys inside the document (Boost.JSON throws on as_*/at/value_to).
    return Error(InvalidArgument(std::string("malformed miner state: ") + e.what()));
  }
}

// {"version":1,"miner":"<TemplateMiner::Serialize()>","baseline_end":T,
//  "stats":[{"id":1,"total":5,"first":T,"last":T,"samples":["..."],"buckets":[[T,n],...]}]}
std::string ServiceLogMiner::SaveState() const {
  json::object root;
  root["version"] = kStateVersion;
  root["miner"] = miner_.Serialize();
  root["baseline_end"] = baseline_end_;
  json::array stats;
  for (const auto& [id, s] : stats_) {
    json::object js;
    js["id"] = id;
    js["total"] = s.total;
    js["first"] = s.first_seen;
    js["last"] = s.last_seen;
    json::array samples;
    for (const auto& line : s.samples) samples.emplace_back(line);
    js["samples"] = std::move(samples);
    json::array buckets;
    for (const auto& [t, n] : s.buckets) buckets.emplace_back(json::array{t, n});
    js["buckets"] = std::move(buckets);
    stats.emplace_back(std::move(js));
  }
  root["stats"] = std::move(stats);
  return json::serialize(root);
}

Result<ServiceLogMiner> ServiceLogMiner::LoadState(std::string_view data,
                                                   ServiceMinerOptions options) {
  json::value doc;
  try {
    doc = ParseState(data);
  } catch (const std::exception& e) {
    return Error(InvalidArgument(std::string("service miner state is not JSON: ") + e.what()));
  }
  try {
    const json::object& root = doc.as_object();
    if (json::value_to<int64_t>(root.at("version")) != kStateVersion) {
      return Error(InvalidArgument("unsupported service miner state version"));
    }
    const json::string& miner_state = root.at("miner").as_string();
    QUELL_ASSIGN_OR_RETURN(TemplateMiner miner, TemplateMiner::Deserialize(std::string_view(
                                                    miner_state.data(), miner_state.size())));
    options.miner = miner.options();
    ServiceLogMiner out(options);
    out.miner_ = std::move(miner);
    out.baseline_end_ = json::value_to<TimeMs>(root.at("baseline_end"));
    for (const json::value& jv : root.at("stats").as_array()) {
      const json::object& js = jv.as_object();
      TemplateStats& s = out.stats_[json::value_to<uint64_t>(js.at("id"))];
      s.total = json::value_to<uint64_t>(js.at("total"));
      s.first_seen = json::value_to<TimeMs>(js.at("first"));
      s.last_seen = json::value_to<TimeMs>(js.at("last"));
      QUELL_ASSIGN_OR_RETURN(s.samples, StringArray(js.at("samples"), "samples"));
      for (const json::value& b : js.at("buckets").as_array()) {
        const json::array& pair = b.as_array();
        s.buckets[json::value_to<TimeMs>(pair.at(0))] = json::value_to<uint64_t>(pair.at(1));
      }
    }
    return out;
  } catch (const std::exception& e) {
    return Error(InvalidArgument(std::string("malformed service miner state: ") + e.what()));
  }
}

}  // namespace quell::analysis::logmine
