// The two LlmClients against the fake model server: what goes on the wire, how answers and
// errors come back, the start-up checks, and that the API key never shows in a message.
#include "analysis/llm/llm_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "../tests/fake_ollama.h"
#include "analysis/llm/llm_analyst.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;
using testing::FakeOllama;

class LlmClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<LlmClient> Client(const std::string& provider, bool stream = false,
                                    std::string api_key = "") {
    LlmClientOptions o;
    o.provider = provider;
    o.url = fake_.url();
    o.stream = stream;
    o.api_key = std::move(api_key);
    o.timeout_s = 5;
    auto c = NewLlmClient(*http_, o);
    EXPECT_TRUE(c);
    return c ? std::move(*c) : nullptr;
  }
  ChatRequest Request() {
    return {{{"system", "be brief", {}, "", ""}, {"user", "what broke?", {}, "", ""}},
            AnalysisJsonSchema(),
            {}};
  }
  FakeOllama fake_;
  std::unique_ptr<net::HttpClient> http_ = net::NewCurlHttpClient();
};

TEST_F(LlmClientTest, OllamaRequestIsStrictAndReproducible) {
  fake_.Push({200, testing::OllamaReply("{}")});
  auto answer = Client("ollama")->Chat(Request());
  ASSERT_TRUE(answer) << answer.error().ToString();
  EXPECT_EQ(answer->content, "{}");
  EXPECT_EQ(answer->done_reason, "stop");
  auto sent = fake_.recorded().at(0);
  EXPECT_EQ(sent.path, "/api/chat");
  auto request = json::parse(sent.body);
  EXPECT_EQ(request.at("model"), "gemma4:e4b");
  EXPECT_EQ(request.at("think"), false);
  EXPECT_EQ(request.at("stream"), false);
  EXPECT_EQ(request.at("format").at("required").at(0), "root_cause");
  EXPECT_EQ(request.at("options").at("num_ctx"), 8192);
  EXPECT_EQ(request.at("options").at("temperature"), 0);
  EXPECT_EQ(request.at("options").at("seed"), 42);
  EXPECT_EQ(request.at("messages").at(1).at("content"), "what broke?");
  EXPECT_FALSE(request.as_object().contains("tools"));
}

TEST_F(LlmClientTest, OllamaModelsThatCannotThinkGetNoThinkField) {
  fake_.Push({400, R"({"error":"\"gemma3:4b\" does not support thinking"})"});
  fake_.Push({200, testing::OllamaReply("{}")});
  fake_.Push({200, testing::OllamaReply("{}")});
  auto client = Client("ollama");
  ASSERT_TRUE(client->Chat(Request()));
  ASSERT_TRUE(client->Chat(Request()));
  auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(json::parse(requests[0]).at("think"), false);
  EXPECT_FALSE(json::parse(requests[1]).as_object().contains("think"));  // asked again without
  EXPECT_FALSE(json::parse(requests[2]).as_object().contains("think"));  // and remembered
}

TEST_F(LlmClientTest, OpenAiRequestCarriesAStrictJsonSchemaAndTheKey) {
  fake_.Push({200, testing::OpenAiReply("{}")});
  auto answer = Client("openai", false, "sk-test-123")->Chat(Request());
  ASSERT_TRUE(answer) << answer.error().ToString();
  EXPECT_EQ(answer->content, "{}");
  auto sent = fake_.recorded().at(0);
  EXPECT_EQ(sent.path, "/v1/chat/completions");
  EXPECT_EQ(sent.authorization, "Bearer sk-test-123");
  auto request = json::parse(sent.body);
  EXPECT_EQ(request.at("response_format").at("type"), "json_schema");
  EXPECT_EQ(request.at("response_format").at("json_schema").at("name"), "analysis");
  EXPECT_EQ(request.at("response_format").at("json_schema").at("strict"), true);
  EXPECT_EQ(request.at("response_format").at("json_schema").at("schema").at("required").at(0),
            "root_cause");
  EXPECT_EQ(request.at("temperature"), 0);
  EXPECT_EQ(request.at("seed"), 42);
  EXPECT_EQ(request.at("stream"), false);
}

TEST_F(LlmClientTest, OpenAiBaseUrlMayEndInV1AndNoKeyMeansNoHeader) {
  fake_.Push({200, testing::OpenAiReply("{}")});
  LlmClientOptions o;
  o.provider = "openai";
  o.url = fake_.url() + "/v1/";
  auto client = NewLlmClient(*http_, o);
  ASSERT_TRUE(client);
  ASSERT_TRUE((*client)->Chat(Request()));
  EXPECT_EQ(fake_.recorded().at(0).path, "/v1/chat/completions");
  EXPECT_EQ(fake_.recorded().at(0).authorization, "");
}

TEST_F(LlmClientTest, TruncatedAnswersComeBackAsLength) {
  fake_.Push({200, testing::OllamaReply(R"({"root)", "length")});
  fake_.Push({200, testing::OpenAiReply(R"({"root)", "length")});
  EXPECT_EQ(Client("ollama")->Chat(Request())->done_reason, "length");
  EXPECT_EQ(Client("openai")->Chat(Request())->done_reason, "length");
}

TEST_F(LlmClientTest, OllamaStreamedAnswer) {
  std::string ndjson;
  const std::string content = R"({"root_cause":"a long answer in pieces"})";
  for (size_t i = 0; i < content.size(); i += 7)
    ndjson +=
        json::serialize(json::object{
            {"message", json::object{{"role", "assistant"}, {"content", content.substr(i, 7)}}},
            {"done", false}}) +
        "\n";
  ndjson += R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})"
            "\n";
  fake_.Push({200, ndjson, "application/x-ndjson"});
  auto answer = Client("ollama", /*stream=*/true)->Chat(Request());
  ASSERT_TRUE(answer) << answer.error().ToString();
  EXPECT_EQ(answer->content, content);
  EXPECT_EQ(answer->done_reason, "stop");
  EXPECT_EQ(json::parse(fake_.requests().at(0)).at("stream"), true);
}

TEST_F(LlmClientTest, OllamaStreamErrorsMidAnswerOrBeforeIt) {
  fake_.Push({200,
              R"({"message":{"content":"{\"ro"},"done":false})"
              "\n"
              R"({"error":"out of memory"})"
              "\n",
              "application/x-ndjson"});
  fake_.Push({404, R"({"error":"model 'gemma4:e4b' not found"})"});
  auto mid = Client("ollama", true)->Chat(Request());
  ASSERT_FALSE(mid);
  EXPECT_EQ(mid.error().message(), "the model failed mid-answer: out of memory");
  auto before = Client("ollama", true)->Chat(Request());
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().message(),
            "the model server answered HTTP 404: model 'gemma4:e4b' not found");
}

TEST_F(LlmClientTest, TheApiKeyNeverAppearsInMessages) {
  const std::string key = "sk-very-secret-key-42";
  fake_.RequireApiKey("another-key");
  auto check = Client("openai", false, key)->Check();
  ASSERT_FALSE(check);
  EXPECT_NE(check.error().message().find("HTTP 401"), std::string::npos) << check.error().message();
  EXPECT_EQ(check.error().message().find(key), std::string::npos) << check.error().message();
  // The server echoes the key in a chat error, too.
  fake_.Push({401, R"({"error":{"message":"bad key Bearer sk-very-secret-key-42"}})"});
  auto chat = Client("openai", false, key)->Chat(Request());
  ASSERT_FALSE(chat);
  EXPECT_EQ(chat.error().message(), "the model server answered HTTP 401: bad key Bearer ***");
}

TEST(LlmClientCheck, OllamaModelPresentOrAClearPullCommand) {
  FakeOllama fake;
  auto http = net::NewCurlHttpClient();
  LlmClientOptions options;
  options.url = fake.url();
  auto client = NewLlmClient(*http, options);
  ASSERT_TRUE(client);
  auto ok = (*client)->Check();
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->description, "Ollama 0.33.0 has gemma4:e4b (completion, tools, thinking)");
  EXPECT_EQ(ok->capabilities, (std::vector<std::string>{"completion", "tools", "thinking"}));
  fake.SetModels({"llama3:8b"});
  auto missing = (*client)->Check();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("ollama pull gemma4:e4b"), std::string::npos)
      << missing.error().ToString();
  options.url = "http://127.0.0.1:1";
  EXPECT_FALSE((*NewLlmClient(*http, options))->Check());
}

TEST(LlmClientCheck, OpenAiListsItsModels) {
  FakeOllama fake;
  auto http = net::NewCurlHttpClient();
  LlmClientOptions options;
  options.provider = "openai";
  options.url = fake.url();
  auto client = NewLlmClient(*http, options);
  ASSERT_TRUE(client);
  EXPECT_TRUE((*client)->Check());
  fake.SetModels({"qwen3:8b", "llama3:8b"});
  auto missing = (*client)->Check();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("it has: qwen3:8b, llama3:8b"), std::string::npos)
      << missing.error().message();
}

TEST(LlmClientFactory, UnknownProvider) {
  auto http = net::NewCurlHttpClient();
  LlmClientOptions options;
  options.provider = "skynet";
  EXPECT_FALSE(NewLlmClient(*http, options));
}

}  // namespace
}  // namespace quell::analysis::llm
