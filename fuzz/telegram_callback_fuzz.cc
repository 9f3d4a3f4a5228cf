// Telegram callback data ("<verb>:<incident id>[:<arg>]", what a button press carries):
// notify::ParseCallbackData, which must agree with FormatCallbackData. With the first byte odd,
// the card's handling of hostile text instead (alert titles and services come from senders):
// EscapeHtml, EscapeHtmlTruncated and RenderCard, which promise to fit Telegram's limit.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_support.h"
#include "notify/telegram_card.h"

namespace notify = quell::notify;

namespace {

void Callback(std::string_view text) {
  auto parsed = notify::ParseCallbackData(text);
  if (!parsed) return;
  FUZZ_CHECK(parsed->incident_id > 0, std::string(text));
  FUZZ_CHECK(text.size() <= notify::kCallbackDataLimit, std::string(text));
  if (parsed->verb == "sll")
    FUZZ_CHECK(notify::SilenceLikeThisDuration(parsed->arg).has_value(), std::string(text));
  const std::string formatted = notify::FormatCallbackData(*parsed);
  auto again = notify::ParseCallbackData(formatted);
  FUZZ_CHECK(again.has_value(), formatted);
  FUZZ_CHECK(again->verb == parsed->verb && again->incident_id == parsed->incident_id &&
                 again->arg == parsed->arg,
             formatted);
}

void Card(FuzzedDataProvider& in) {
  const size_t limit = in.ConsumeIntegralInRange<size_t>(0, 5000);
  const std::string text = in.ConsumeRandomLengthString(8192);
  const std::string escaped = notify::EscapeHtml(text);
  const std::string cut = notify::EscapeHtmlTruncated(text, limit);
  FUZZ_CHECK(notify::Utf16Length(cut) <= limit || cut.empty(), std::to_string(limit));
  if (notify::Utf16Length(escaped) <= limit) FUZZ_CHECK(cut == escaped, std::to_string(limit));

  notify::CardInput card;
  card.incident.id = in.ConsumeIntegral<int64_t>();
  card.incident.title = text;
  card.incident.status = static_cast<quell::model::IncidentStatus>(in.ConsumeIntegralInRange(0, 2));
  card.incident.severity = static_cast<quell::model::Severity>(in.ConsumeIntegralInRange(0, 5));
  card.incident.services = {in.ConsumeRandomLengthString(300), in.ConsumeRandomLengthString(300)};
  card.incident.environment = in.ConsumeRandomLengthString(300);
  card.incident.acked_by = in.ConsumeRandomLengthString(300);
  card.incident.alert_count = in.ConsumeIntegral<int64_t>();
  card.incident.firing_count = in.ConsumeIntegral<int64_t>();
  card.incident.opened_at = in.ConsumeIntegralInRange<quell::TimeMs>(0, 4'000'000'000'000);
  card.now = in.ConsumeIntegralInRange<quell::TimeMs>(0, 4'000'000'000'000);
  card.incident_url = in.ConsumeRandomLengthString(300);
  if (in.ConsumeBool()) {
    quell::model::Analysis analysis;
    analysis.root_cause = in.ConsumeRandomLengthString(2000);
    analysis.summary = in.ConsumeRandomLengthString(2000);
    analysis.impact = in.ConsumeRandomLengthString(500);
    analysis.recommended_actions = {in.ConsumeRandomLengthString(500), in.ConsumeRandomLengthString(500)};
    analysis.confidence = in.ConsumeFloatingPoint<double>();
    card.analysis = std::move(analysis);
  }
  const notify::Card rendered = notify::RenderCard(card);
  FUZZ_CHECK(notify::Utf16Length(rendered.html) <= notify::kTelegramTextLimit,
             std::to_string(notify::Utf16Length(rendered.html)));
  for (const auto& row : rendered.keyboard)
    for (const auto& button : row) {
      FUZZ_CHECK(button.data.size() <= notify::kCallbackDataLimit, button.data);
      FUZZ_CHECK(notify::ParseCallbackData(button.data).has_value() || card.incident.id <= 0,
                 button.data);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    Callback(quell::fuzz::AsText(data + 1, size - 1));
  } else {
    FuzzedDataProvider in(data + 1, size - 1);
    Card(in);
  }
  return 0;
}
