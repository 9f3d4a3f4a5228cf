// bench/llm_replay: scores the model path (LlmAnalyst) on the development incident sets from
// recorded model answers, so that it can be measured, and compared with the built-in analyst,
// without a model server (none in CI; these machines have no weights).
//
//   record, once, where a model server runs (Ollama or OpenAI-compatible):
//     build/release/llm_replay_bench --record --answers DIR --llm gemma4:e4b [--llm-url URL]
//         [--provider ollama|openai] [--data ../shared/datasets/incidents]
//   replay, anywhere:
//     build/release/llm_replay_bench --answers DIR
//   check the harness itself (answers synthesised from the built-in analysis, which the replay
//   must score exactly as the built-in analyst scores):
//     build/release/llm_replay_bench --self-check
//
// Recordings are DIR/<set>/<case_id>.json (analysis/llm/replay_client.h). They hold what a model
// said about research data: keep them outside the repository, beside the data. A case with no
// recording counts as a model that did not answer (the built-in answer stands), and is counted.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analysis/builtin_analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "analysis/llm/replay_client.h"
#include "incident_sets.h"
#include "model/json_codec.h"
#include "net/http_client.h"

namespace {

using namespace quell;
using analysis::llm::ChatAnswer;

struct Tally {
  int right = 0, n = 0, tp = 0, fp = 0, fn = 0;
  int model_used = 0, recorded = 0;
  std::map<std::string, int> notes;  // why the built-in answer stood
};

// The note's reason without case-specific detail ("... not used: <reason>").
std::string NoteReason(const std::string& note) {
  auto at = note.find(": ");
  std::string reason = at == std::string::npos ? note : note.substr(at + 2);
  return reason.size() > 160 ? reason.substr(0, 157) + "..." : reason;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path data = "../shared/datasets/incidents", answers_dir;
  bool record = false, self_check = false;
  analysis::llm::LlmClientOptions client_options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") data = value();
    else if (a == "--answers") answers_dir = value();
    else if (a == "--record") record = true;
    else if (a == "--self-check") self_check = true;
    else if (a == "--llm") client_options.model = value();
    else if (a == "--llm-url") client_options.url = value();
    else if (a == "--provider") client_options.provider = value();
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (answers_dir.empty() && !self_check) {
    std::fprintf(stderr, "--answers DIR (recordings) or --self-check is required\n");
    return 2;
  }
  if (const char* key = std::getenv("QUELL_LLM_API_KEY")) client_options.api_key = key;

  const std::vector<std::tuple<std::string, std::string, const char*>> sets = {
      {"changerca", "changerca", "fault_release_service"},
      {"nezha-onlineboutique", "nezha", "root_cause_service"},
      {"postmortems-google", "postmortems", "change_induced"}};
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<analysis::llm::LlmClient> server;
  if (record) {
    http = net::NewCurlHttpClient();
    auto c = analysis::llm::NewLlmClient(*http, client_options);
    if (!c) {
      std::fprintf(stderr, "%s\n", c.error().ToString().c_str());
      return 2;
    }
    server = std::move(*c);
    if (auto check = server->Check(); !check) {
      std::fprintf(stderr, "model server: %s\n", check.error().ToString().c_str());
      return 2;
    }
  }
  const std::string model_name =
      self_check ? "builtin-echo" : record ? server->name() : "recorded";
  analysis::BuiltinAnalyst builtin;
  for (const auto& [folder, set, gold_field] : sets) {
    const auto cases = bench::LoadSet(data / folder, set, gold_field);
    if (cases.empty()) {
      std::fprintf(stderr, "no cases under %s\n", (data / folder).c_str());
      return 2;
    }
    Tally model, base;
    for (const auto& c : cases) {
      const auto path = answers_dir / folder / (c.id + ".json");
      std::vector<ChatAnswer> answers;
      std::unique_ptr<analysis::llm::LlmClient> client;
      analysis::llm::RecordingClient* recorder = nullptr;
      auto builtin_answer = builtin.Analyze(c.pack);
      if (!builtin_answer) continue;
      if (record) {
        auto r = std::make_unique<analysis::llm::RecordingClient>(*server);
        recorder = r.get();
        client = std::move(r);
      } else {
        if (self_check) {
          ChatAnswer echo;
          echo.content = boost::json::serialize(model::AnalysisToJson(*builtin_answer));
          echo.done_reason = "stop";
          answers = {echo, echo};  // a second one: the note then says why a retry failed
        } else if (std::filesystem::exists(path)) {
          auto loaded = analysis::llm::AnswersFromJson(bench::Read(path));
          if (!loaded) {
            std::fprintf(stderr, "%s: %s\n", path.c_str(), loaded.error().ToString().c_str());
            return 2;
          }
          answers = std::move(*loaded);
        }
        model.recorded += !answers.empty();
        client = std::make_unique<analysis::llm::ReplayClient>(std::move(answers), model_name);
      }
      analysis::llm::LlmAnalyst analyst(std::move(client), builtin, analysis::llm::LlmOptions{});
      auto result = analyst.Analyze(c.pack);
      if (!result) continue;
      if (recorder) {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << analysis::llm::AnswersToJson(recorder->answers());
        model.recorded += !recorder->answers().empty();
      }
      model.model_used += result->analyzer != "builtin";
      if (result->analyzer == "builtin") ++model.notes[NoteReason(result->llm_note)];
      for (auto [t, a] : {std::pair<Tally*, const model::Analysis*>{&model, &*result},
                          {&base, &*builtin_answer}}) {
        ++t->n;
        if (set == "postmortems") {
          const bool pred = bench::ChangeInduced(*a), gold = c.gold == "true";
          t->tp += pred && gold, t->fp += pred && !gold, t->fn += !pred && gold;
        } else {
          t->right += bench::Right(c, *a);
        }
      }
    }
    auto score = [&](const Tally& t) {
      char buf[96];
      if (set == "postmortems")
        std::snprintf(buf, sizeof buf, "change-induced F1 %.3f (P %.3f R %.3f)",
                      t.tp ? 2.0 * t.tp / (2.0 * t.tp + t.fp + t.fn) : 0.0,
                      t.tp + t.fp ? 1.0 * t.tp / (t.tp + t.fp) : 0.0,
                      t.tp + t.fn ? 1.0 * t.tp / (t.tp + t.fn) : 0.0);
      else
        std::snprintf(buf, sizeof buf, "top-1 %d/%d = %.3f", t.right, t.n, t.n ? 1.0 * t.right / t.n : 0.0);
      return std::string(buf);
    };
    std::printf("%-12s n=%-3d model path: %s | built-in: %s | recordings %d, model answer used %d, "
                "built-in stood %d\n",
                set.c_str(), model.n, score(model).c_str(), score(base).c_str(), model.recorded,
                model.model_used, model.n - model.model_used);
    for (const auto& [reason, count] : model.notes)
      std::printf("             %3d x %s\n", count, reason.c_str());
  }
  return 0;
}
