// Silences through the real server: created with the token's name as creator, listed with their
// state, expired by DELETE; bad input names the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

TEST(SilencesApiTest, CreateListExpire) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.CreateToken("oncall-bot", "admin");
  ASSERT_FALSE(token.empty());

  HttpResult created =
      server.Post("/api/v1/silences",
                  R"({"matchers":[{"name":"service","op":"=~","value":"check.*"}],"duration":"1h",)"
                  R"("comment":"maintenance","created_by":"ana"})",
                  token);
  ASSERT_EQ(created.status, 201) << created.body;
  json::object silence = json::parse(created.body).as_object();
  const std::string id(silence.at("id").as_string());
  EXPECT_EQ(silence.at("state").as_string(), "active");
  EXPECT_EQ(silence.at("created_by").as_string(), "oncall-bot");
  EXPECT_EQ(silence.at("comment").as_string(), "on behalf of ana: maintenance");

  HttpResult pending = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"team","op":"!=","value":"db"}],"starts_at":"2999-01-01T00:00:00Z",)"
      R"("duration":"2h"})",
      token);
  ASSERT_EQ(pending.status, 201) << pending.body;

  auto client = server.NewClient();
  auto expired = client->Delete("/api/v1/silences/" + id, {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 200) << expired->body;
  auto unknown = client->Delete("/api/v1/silences/nope", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);

  HttpResult listed = server.Get("/api/v1/silences", server.admin_token());
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::map<std::string, std::string> states;
  const json::value list = json::parse(listed.body);
  for (const auto& s : list.at("silences").as_array())
    states[std::string(s.at("id").as_string())] = s.at("state").as_string();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[id], "expired");
  EXPECT_EQ(states[std::string(json::parse(pending.body).at("id").as_string())], "pending");
}

TEST(SilencesApiTest, BadInputNamesTheField) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  for (auto [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"matchers":[{"name":"service","op":"=~","value":"("}],"duration":"1h"})",
            "matchers[0].value"},
           {R"({"matchers":[{"name":"service","op":"~","value":"a"}],"duration":"1h"})",
            "matchers[0].op"},
           {R"({"matchers":[],"duration":"1h"})", "matchers"},
           {R"({"matchers":[{"name":"service","op":"=","value":"a"}]})", "ends_at"}}) {
    HttpResult answer = server.Post("/api/v1/silences", body, server.admin_token());
    EXPECT_EQ(answer.status, 400) << body;
    auto error = json::parse(answer.body).at("error");
    EXPECT_EQ(error.at("field").as_string(), field) << answer.body;
  }
  const std::string reader = server.CreateToken("reader", "read");
  HttpResult forbidden = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=","value":"a"}],"duration":"1h"})", reader);
  EXPECT_EQ(forbidden.status, 403);
}

}  // namespace
}  // namespace quell::testing
