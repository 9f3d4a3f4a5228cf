// What the Telegram unit tests stand on: FakeTelegram over loopback, a real SQLite store, the
// real Engine, and a TelegramNotifier (with its CardLedger) posting to one chat.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../tests/fake_telegram.h"
#include "../tests/test_store.h"
#include "engine/engine.h"
#include "notify/pacer.h"
#include "notify/telegram_notifier.h"

namespace quell::notify::testing {

class TelegramRig : public ::testing::Test {
 protected:
  // Opens the store and the Engine and builds the notifier for `chat` (`thread_id`: a forum
  // topic). A send claimed longer than `lease_ms` ago is dead to the CardLedger.
  void Build(int64_t chat, std::optional<int64_t> thread_id, TimeMs lease_ms = 5 * kMinuteMs) {
    auto store = quell::testing::OpenTestStore(dir_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    engine_ = std::make_unique<engine::Engine>(*store_, clock_, engine::EngineOptions{});
    http_ = net::NewCurlHttpClient();
    api_ = std::make_unique<TelegramApi>(
        *http_, TelegramApiOptions{fake_.url(), FakeTelegram::kToken, /*timeout_ms=*/3000});
    cards_ = std::make_unique<CardLedger>(*store_, lease_ms, "test-node");
    notifier_ = std::make_unique<TelegramNotifier>(*api_, *store_, *cards_, pacer_, clock_,
                                                   TelegramNotifierOptions{{chat}, thread_id});
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
  }

  // The incident's timeline entries of one kind.
  std::vector<model::Event> Events(int64_t id, model::EventKind kind) {
    std::vector<model::Event> out;
    auto events = store_->ListEvents(id);  // kept alive: the loop must not outlive it
    EXPECT_TRUE(events);
    for (auto& e : *events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  quell::testing::TestDir dir_{"telegram"};
  FakeTelegram fake_;
  ManualClock clock_;
  Pacer pacer_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<TelegramApi> api_;
  std::unique_ptr<CardLedger> cards_;
  std::unique_ptr<TelegramNotifier> notifier_;
};

}  // namespace quell::notify::testing
