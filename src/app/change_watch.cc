#include "app/change_watch.h"

#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/silences.h"
#include "http/routes.h"
#include "jobs/job_runner.h"

namespace quell::app {
namespace {

// Logged; false makes the watch read everything again a second later (store::ChangeHandlers).
bool Warn(const char* what, const Status& status) {
  if (!status.ok()) spdlog::warn("{} not reloaded: {}", what, status.ToString());
  return status.ok();
}

}  // namespace

std::unique_ptr<store::ChangeWatch> WatchChanges(const std::string& url, engine::Engine& engine,
                                                 store::Store& store,
                                                 const model::Topology& configured_topology,
                                                 jobs::JobRunner* jobs) {
  auto reload_topology = [&engine, &store, &configured_topology] {
    return Warn("topology", http::ReloadTopology(engine, store, configured_topology));
  };
  auto reload_silences = [&engine] { return Warn("silences", engine.silences().Refresh()); };
  std::vector<std::string> channels{store::kPgSettingsChannel};
  if (jobs) channels.push_back(store::kPgJobsChannel);
  store::ChangeHandlers handlers;
  handlers.on_changes = [=](const std::vector<std::pair<std::string, std::string>>& changes) {
    bool topology = false, silences = false, job = false;
    for (const auto& [channel, key] : changes) {
      if (channel == store::kPgJobsChannel) job = true;
      if (channel != store::kPgSettingsChannel) continue;
      if (key == http::kTopologySetting) topology = true;
      if (key.rfind(engine::kSilenceSettingPrefix, 0) == 0) silences = true;
    }
    // The settings first: the workers woken here then see them.
    bool read = !topology || reload_topology();
    read = (!silences || reload_silences()) && read;
    if (job) jobs->Wake();
    return read;
  };
  handlers.on_connected = [=] {
    bool read = reload_topology();
    read = reload_silences() && read;
    if (jobs) jobs->Wake();
    return read;
  };
  return store::NewPgChangeWatch(url, std::move(channels), std::move(handlers));
}

}  // namespace quell::app
