// docs/openapi.json (served at /api/openapi.json) held to the server's route table: every route
// the running App registers is described with its method, path and scope, the document names
// no route the server lacks, and it is a self-consistent OpenAPI 3 document (every $ref resolves,
// every path capture is a declared parameter, every error answer has the uniform error shape).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "app/app.h"
#include "common/text.h"
#include "http/router.h"
#include "http/static_assets.h"
#include "store/tokens.h"

namespace quell::app {
namespace {

namespace json = boost::json;

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head",
                                        "options", "trace"};

// The "{name}" captures of a route pattern.
std::set<std::string> Captures(const std::string& pattern) {
  std::set<std::string> names;
  for (size_t open = pattern.find('{'); open != std::string::npos;
       open = pattern.find('{', open + 1))
    names.insert(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
  return names;
}

class ApiDescriptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("quell_api_description_test_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    config::Config config;
    config.data_dir = dir_->string();
    config.listen = "127.0.0.1:0";
    auto app = App::Start(config, clock_);
    ASSERT_TRUE(app.has_value()) << app.error().ToString();
    routes_ = new std::vector<http::RouteInfo>((*app)->routes());
    (*app)->Stop();

    const http::StaticAsset* asset = http::FindAsset("/api/openapi.json");
    ASSERT_NE(asset, nullptr) << "docs/openapi.json is not embedded (cmake/web_assets.cmake)";
    boost::system::error_code ec;
    json::value doc = json::parse(asset->body, ec);
    ASSERT_FALSE(ec) << "docs/openapi.json is not valid JSON: " << ec.message();
    doc_ = new json::value(std::move(doc));
  }
  // A failed set-up fails every test here instead of crashing them.
  void SetUp() override {
    ASSERT_NE(routes_, nullptr);
    ASSERT_NE(doc_, nullptr);
  }
  static void TearDownTestSuite() {
    delete routes_;
    delete doc_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static const json::object& Paths() { return doc_->at("paths").as_object(); }

  // The component a "#/components/<kind>/<name>" reference names, or null.
  static const json::value* Resolve(const std::string& ref) {
    const std::string prefix = "#/components/";
    if (ref.rfind(prefix, 0) != 0) return nullptr;
    const std::string rest = ref.substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) return nullptr;
    const json::value* kind = doc_->at("components").as_object().if_contains(rest.substr(0, slash));
    return kind && kind->is_object() ? kind->as_object().if_contains(rest.substr(slash + 1))
                                     : nullptr;
  }
  // `item` itself, or what its "$ref" names.
  static const json::object& Deref(const json::value& item) {
    if (const json::value* ref = item.as_object().if_contains("$ref")) {
      const json::value* target = Resolve(std::string(ref->as_string()));
      if (target) return target->as_object();
    }
    return item.as_object();
  }

  // Calls fn(method, path, operation) for every operation in the document.
  template <typename Fn>
  static void ForEachOperation(Fn fn) {
    for (const auto& [path, item] : Paths())
      for (const auto& [method, op] : item.as_object())
        if (kMethods.count(std::string(method)))
          fn(std::string(method), std::string(path), op.as_object());
  }

  static inline SystemClock clock_;
  static inline std::filesystem::path* dir_ = nullptr;
  static inline std::vector<http::RouteInfo>* routes_ = nullptr;
  static inline json::value* doc_ = nullptr;
};

TEST_F(ApiDescriptionTest, IsAnOpenApi3DocumentWithTheMainSchemas) {
  EXPECT_EQ(std::string(doc_->at("openapi").as_string()).substr(0, 2), "3.");
  EXPECT_FALSE(doc_->at("info").at("title").as_string().empty());
  EXPECT_FALSE(Paths().empty());
  const json::object& schemas = doc_->at("components").at("schemas").as_object();
  for (const char* name :
       {"GenericAlert", "AlertmanagerWebhook", "PrometheusAlerts", "GrafanaWebhook",
        "SentryWebhook", "IngestResult", "Incident", "IncidentDetail", "Alert", "Event", "Deploy",
        "Token", "Analysis", "Error", "ItemErrors"})
    EXPECT_TRUE(schemas.contains(name)) << "components.schemas." << name << " is missing";
  // The uniform error body of json_response.h: {"error": {"code", "message", "field"}}.
  const json::object& detail = schemas.at("ErrorDetail").as_object();
  for (const char* field : {"code", "message", "field"})
    EXPECT_TRUE(detail.at("properties").as_object().contains(field)) << field;
}

TEST_F(ApiDescriptionTest, EveryRouteIsDescribedWithItsScope) {
  ASSERT_FALSE(routes_->empty());
  for (const auto& route : *routes_) {
    const std::string name = route.method + " " + route.pattern;
    const json::value* item = Paths().if_contains(route.pattern);
    const json::value* op = item ? item->as_object().if_contains(ToLower(route.method)) : nullptr;
    if (!op) {
      ADD_FAILURE() << name << " is served but missing from docs/openapi.json";
      continue;
    }
    const json::value* security = op->as_object().if_contains("security");
    ASSERT_NE(security, nullptr) << name << " has no security (use [] for a public route)";
    const json::array& requirements = security->as_array();
    if (route.scope) {
      // Each way in (token, session cookie) names exactly the route's scope.
      ASSERT_FALSE(requirements.empty()) << name << " needs a token but is documented public";
      EXPECT_TRUE(requirements[0].as_object().contains("bearerToken")) << name;
      for (const auto& requirement : requirements)
        for (const auto& [scheme, roles] : requirement.as_object()) {
          ASSERT_EQ(roles.as_array().size(), 1u) << name << " " << scheme;
          auto scope = store::ParseScope(std::string(roles.as_array()[0].as_string()));
          EXPECT_TRUE(scope && *scope == *route.scope)
              << name << ": " << scheme << " names scope " << roles << ", not the route's";
        }
    } else if (route.checks_head) {
      // Authenticated otherwise (Telegram's secret header): a scheme without token scopes.
      ASSERT_FALSE(requirements.empty()) << name << " authenticates by a header";
      for (const auto& requirement : requirements)
        for (const auto& [scheme, roles] : requirement.as_object()) {
          EXPECT_NE(scheme, "bearerToken") << name;
          EXPECT_TRUE(roles.as_array().empty()) << name;
        }
    } else {
      EXPECT_TRUE(requirements.empty()) << name << " is public but documented with security";
    }
  }
}

TEST_F(ApiDescriptionTest, NamesNoRouteTheServerLacks) {
  ForEachOperation([](const std::string& method, const std::string& path, const json::object&) {
    bool served = false;
    for (const auto& route : *routes_)
      served = served || (ToLower(route.method) == method && route.pattern == path);
    EXPECT_TRUE(served) << "docs/openapi.json describes " << method << " " << path
                        << ", which the server does not route";
  });
}

TEST_F(ApiDescriptionTest, PathCapturesAreDeclaredParameters) {
  ForEachOperation([](const std::string& method, const std::string& path, const json::object& op) {
    std::set<std::string> declared;
    for (const json::object* owner : {&Paths().at(path).as_object(), &op})
      if (const json::value* params = owner->if_contains("parameters"))
        for (const auto& p : params->as_array()) {
          const json::object& param = Deref(p);
          if (param.at("in") == "path") {
            EXPECT_EQ(param.at("required"), true) << method << " " << path;
            declared.insert(std::string(param.at("name").as_string()));
          }
        }
    EXPECT_EQ(declared, Captures(path)) << method << " " << path;
  });
}

TEST_F(ApiDescriptionTest, EveryOperationHasASuccessAndErrorsHaveTheErrorShape) {
  const std::set<std::string> error_shapes = {"#/components/schemas/Error",
                                              "#/components/schemas/ItemErrors",
                                              "#/components/schemas/LogStreamError"};
  ForEachOperation([&](const std::string& method, const std::string& path, const json::object& op) {
    const std::string name = method + " " + path;
    EXPECT_FALSE(op.at("summary").as_string().empty()) << name;
    bool success = false;
    for (const auto& [code, response] : op.at("responses").as_object()) {
      const int status = std::stoi(std::string(code));
      success = success || (status >= 200 && status < 400);
      const json::object& answer = Deref(response);
      EXPECT_TRUE(answer.contains("description")) << name << " " << code;
      const json::value* content = answer.if_contains("content");
      if (status < 400 || !content || !content->as_object().contains("application/json")) continue;
      const json::value& schema = content->at("application/json").at("schema");
      const json::value* ref = schema.as_object().if_contains("$ref");
      EXPECT_TRUE(ref && error_shapes.count(std::string(ref->as_string())))
          << name << " answers " << code << " with something other than the error shape";
    }
    EXPECT_TRUE(success) << name << " documents no successful answer";
  });
}

// Every "$ref" anywhere in the document names a component that exists.
void ExpectRefsResolve(const json::value& node, const std::string& where,
                       const json::value* (*resolve)(const std::string&)) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.as_object()) {
      if (key == "$ref") {
        EXPECT_NE(resolve(std::string(value.as_string())), nullptr)
            << where << ": $ref " << value << " names nothing";
      } else {
        ExpectRefsResolve(value, where + "/" + std::string(key), resolve);
      }
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.as_array().size(); ++i)
      ExpectRefsResolve(node.as_array()[i], where + "/" + std::to_string(i), resolve);
  }
}

TEST_F(ApiDescriptionTest, EveryReferenceResolves) {
  ExpectRefsResolve(*doc_, "", &Resolve);
}

}  // namespace
}  // namespace quell::app
