// Minimal CSV reading and writing (RFC 4180: comma separated, double-quote quoting, "" escapes,
// newlines allowed inside quotes), for the Loghub files and `quell logmine` output.
// Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace quell::analysis::logmine {

using CsvRow = std::vector<std::string>;

// Parses a whole CSV document into rows. Fails on an unterminated quote.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

// Appends `field` to `out`, quoted when it holds a comma, quote or newline.
void AppendCsvField(std::string_view field, std::string* out);

// The values of column `name` (looked up in the header row) for every data row.
Result<std::vector<std::string>> CsvColumn(const std::vector<CsvRow>& rows, std::string_view name);

}  // namespace quell::analysis::logmine
