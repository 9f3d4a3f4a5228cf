// EngineTest: an Engine over a fresh test store and a ManualClock, with helpers to send alerts
// and read incidents and their timeline. Shared by the engine's test files.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../tests/test_store.h"
#include "engine/engine.h"
#include "model/fingerprint.h"

namespace quell::engine {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(EngineOptions{}); }

  void Open(EngineOptions options) {
    engine_.reset();
    store_.reset();
    dir_.emplace("engine_test");
    auto store = testing::OpenTestStore(*dir_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    engine_ = std::make_unique<Engine>(*store_, clock_, std::move(options));
  }

  void TearDown() override {
    engine_.reset();
    store_.reset();
    dir_.reset();
  }

  static model::NormalizedAlert Alert(std::string service, std::string message,
                                      model::AlertStatus status = model::AlertStatus::kFiring) {
    model::NormalizedAlert a;
    a.service = std::move(service);
    a.environment = "prod";
    a.message = std::move(message);
    a.status = status;
    a.fingerprint = model::GenericFingerprint(a);
    return a;
  }

  IngestResult Send(const model::NormalizedAlert& alert) {
    auto results = engine_->Ingest({alert});
    EXPECT_TRUE(results) << results.error().ToString();
    return results ? results->front() : IngestResult{};
  }

  IngestResult Resolve(model::NormalizedAlert alert) {
    alert.status = model::AlertStatus::kResolved;
    return Send(alert);
  }

  model::Incident Incident(int64_t id) {
    auto incident = store_->GetIncident(id);
    EXPECT_TRUE(incident && *incident);
    return incident && *incident ? **incident : model::Incident{};
  }

  std::vector<model::Event> Events(int64_t id, model::EventKind kind) {
    std::vector<model::Event> out;
    auto events = store_->ListEvents(id);
    EXPECT_TRUE(events);
    for (const auto& e : *events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  ManualClock clock_;
  std::optional<testing::TestDir> dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace quell::engine
