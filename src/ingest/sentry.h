// Sentry webhooks (POST /api/v1/integrations/sentry):
//  - integration platform issue alerts (header Sentry-Hook-Resource: event_alert);
//  - integration platform issue webhooks (resource "issue": created/unresolved fire,
//    resolved/ignored/archived resolve);
//  - the legacy "WebHooks" plugin payload (no header).
// Service from the project, error from the exception type and value, identity from Sentry's
// issue id ("sentry-issue-<id>", so issue.resolved resolves the alert event_alert created), and
// the stack frames of the last exception kept as evidence in annotations["stacktrace"].
// Pure functions of their input; safe to call from any thread.
#pragma once

#include <string_view>

#include "ingest/adapter.h"

namespace quell::ingest {

// One payload is one alert. `hook_resource` is the Sentry-Hook-Resource header ("" for the
// plugin); another resource, a missing issue id or a field of the wrong type is InvalidArgument
// naming the field (e.g. "data.event.issue_id").
AdapterResult ParseSentryWebhook(std::string_view body, std::string_view hook_resource);

}  // namespace quell::ingest
