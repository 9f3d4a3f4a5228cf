#include "model/oncall_json.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "model/json_codec.h"
#include "model/json_fields.h"

namespace quell::model {
namespace {

namespace json = boost::json;

constexpr size_t kMaxLayers = 16;
constexpr size_t kMaxLayerUsers = 256;

Result<ScheduleLayer> LayerFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
  const json::object& object = v.as_object();
  ScheduleLayer layer;
  const json::value* users = object.if_contains("users");
  if (!users || !users->is_array())
    return Error(InvalidArgument(path + ".users must be an array of user names", path + ".users"));
  if (users->as_array().size() > kMaxLayerUsers)
    return Error(InvalidArgument(path + ".users has more than 256 users", path + ".users"));
  for (size_t i = 0; i < users->as_array().size(); ++i) {
    const std::string user_path = path + ".users[" + std::to_string(i) + "]";
    const json::value& user = users->as_array()[i];
    if (!user.is_string())
      return Error(InvalidArgument(user_path + " must be a string", user_path));
    QUELL_RETURN_IF_ERROR(CheckOnCallName(user.as_string(), user_path));
    layer.users.emplace_back(user.as_string());
  }
  QUELL_ASSIGN_OR_RETURN(std::string rotation,
                         OptionalString(object, "rotation", path + ".rotation"));
  auto rotation_ms = ParseDuration(rotation);
  if (rotation.empty() || !rotation_ms || *rotation_ms <= 0)
    return Error(InvalidArgument(path + ".rotation must be a duration like 24h, 168h or 7d",
                                 path + ".rotation"));
  layer.rotation_ms = *rotation_ms;
  QUELL_ASSIGN_OR_RETURN(auto handoff, OptionalTime(object, "handoff", path + ".handoff"));
  if (!handoff)
    return Error(InvalidArgument(path + ".handoff (RFC 3339) is required", path + ".handoff"));
  layer.handoff = *handoff;
  return layer;
}

}  // namespace

Result<User> UserFromJson(const json::value& root) {
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  User user;
  QUELL_ASSIGN_OR_RETURN(user.name, RequiredName(*object, "name", "name"));
  const json::value* id = object->if_contains("telegram_user_id");
  if (id && !id->is_null()) {
    if (!id->is_int64() || id->as_int64() <= 0)
      return Error(
          InvalidArgument("telegram_user_id must be a positive integer (the user's "
                          "numeric Telegram id)",
                          "telegram_user_id"));
    user.telegram_user_id = id->as_int64();
  }
  return user;
}

Result<User> UserFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "user"));
  return UserFromJson(root);
}

json::value UserToJson(const User& user) {
  json::value id = nullptr;
  if (user.telegram_user_id != 0) id = user.telegram_user_id;
  return json::object{{"name", user.name}, {"telegram_user_id", std::move(id)}};
}

std::string UserToJsonText(const User& user) { return json::serialize(UserToJson(user)); }

Result<Schedule> ScheduleFromJson(const json::value& root) {
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  Schedule schedule;
  QUELL_ASSIGN_OR_RETURN(schedule.name, RequiredName(*object, "name", "name"));
  QUELL_ASSIGN_OR_RETURN(schedule.time_zone, OptionalString(*object, "time_zone", "time_zone"));
  if (schedule.time_zone.empty())
    return Error(
        InvalidArgument("time_zone (an IANA name such as Europe/Berlin) is required", "time_zone"));
  const json::value* layers = object->if_contains("layers");
  if (!layers || !layers->is_array() || layers->as_array().empty())
    return Error(InvalidArgument("layers must be a non-empty array", "layers"));
  if (layers->as_array().size() > kMaxLayers)
    return Error(InvalidArgument("at most 16 layers", "layers"));
  for (size_t i = 0; i < layers->as_array().size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(ScheduleLayer layer, LayerFromJson(layers->as_array()[i],
                                                              "layers[" + std::to_string(i) + "]"));
    schedule.layers.push_back(std::move(layer));
  }
  return schedule;
}

Result<Schedule> ScheduleFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "schedule"));
  return ScheduleFromJson(root);
}

json::value ScheduleToJson(const Schedule& schedule) {
  json::array layers;
  for (const ScheduleLayer& layer : schedule.layers) {
    json::array users;
    for (const std::string& user : layer.users) users.emplace_back(user);
    layers.push_back(json::object{{"users", std::move(users)},
                                  {"rotation", FormatDuration(layer.rotation_ms)},
                                  {"handoff", TimeToJson(layer.handoff)}});
  }
  return json::object{
      {"name", schedule.name}, {"time_zone", schedule.time_zone}, {"layers", std::move(layers)}};
}

std::string ScheduleToJsonText(const Schedule& schedule) {
  return json::serialize(ScheduleToJson(schedule));
}

Result<Override> OverrideFromJson(const json::value& root, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  Override override_;
  QUELL_ASSIGN_OR_RETURN(override_.user, RequiredName(*object, "user", "user"));
  QUELL_ASSIGN_OR_RETURN(auto starts_at, OptionalTime(*object, "starts_at", "starts_at"));
  override_.starts_at = starts_at.value_or(now);
  QUELL_ASSIGN_OR_RETURN(auto ends_at, OptionalTime(*object, "ends_at", "ends_at"));
  if (!ends_at) return Error(InvalidArgument("ends_at (RFC 3339) is required", "ends_at"));
  if (*ends_at <= override_.starts_at)
    return Error(InvalidArgument("ends_at must be after starts_at", "ends_at"));
  override_.ends_at = *ends_at;
  QUELL_ASSIGN_OR_RETURN(override_.id, OptionalString(*object, "id", "id"));
  QUELL_ASSIGN_OR_RETURN(override_.schedule, OptionalString(*object, "schedule", "schedule"));
  QUELL_ASSIGN_OR_RETURN(override_.created_by, OptionalString(*object, "created_by", "created_by"));
  QUELL_ASSIGN_OR_RETURN(auto created_at, OptionalTime(*object, "created_at", "created_at"));
  override_.created_at = created_at.value_or(now);
  return override_;
}

Result<Override> OverrideFromJsonText(std::string_view text, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "override"));
  return OverrideFromJson(root, now);
}

json::value OverrideToJson(const Override& override_) {
  return json::object{{"id", override_.id},
                      {"schedule", override_.schedule},
                      {"user", override_.user},
                      {"starts_at", TimeToJson(override_.starts_at)},
                      {"ends_at", TimeToJson(override_.ends_at)},
                      {"created_by", override_.created_by},
                      {"created_at", TimeToJson(override_.created_at)}};
}

std::string OverrideToJsonText(const Override& override_) {
  return json::serialize(OverrideToJson(override_));
}

json::value OnCallToJson(const std::string& schedule, const OnCall& on_call) {
  json::value user = nullptr;
  if (!on_call.user.empty()) user = on_call.user;
  json::value until = nullptr;
  if (on_call.until) until = TimeToJson(*on_call.until);
  return json::object{
      {"schedule", schedule}, {"user", std::move(user)}, {"until", std::move(until)}};
}

}  // namespace quell::model
