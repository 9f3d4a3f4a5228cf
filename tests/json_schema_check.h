// SchemaMismatch: checks a JSON value against a schema of an OpenAPI 3.1 document, for tests that
// hold the server's answers to docs/openapi.json. Test-only code.
//
// The subset the document uses: $ref (to #/components/...), type (one or a list, "integer" for
// whole numbers), const, enum, properties, required, additionalProperties, items, oneOf/anyOf
// (any alternative may match), allOf. For answers, an object schema with `properties` is closed
// unless it says `additionalProperties`: a key the document does not list is a mismatch, so a
// field added to the code and not to the document fails (properties of allOf bases count).
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace quell::testing {

// Why `value` does not match `schema` (naming the place, from `where`), or "" if it does.
// `doc` is the whole document, for $ref. `closed`: an object's keys must be listed (answers);
// false for request bodies, whose unknown fields the server keeps or ignores.
std::string SchemaMismatch(const boost::json::value& doc, const boost::json::value& schema,
                           const boost::json::value& value, const std::string& where = "answer",
                           bool closed = true);

}  // namespace quell::testing
