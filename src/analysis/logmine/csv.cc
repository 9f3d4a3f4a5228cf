#include "analysis/logmine/csv.h"

namespace quell::analysis::logmine {

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool row_has_data = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        row_has_data = true;
        break;
      case ',':
        row.push_back(std::move(field));
        field.clear();
        row_has_data = true;
        break;
      case '\r':
        break;
      case '\n':
        if (row_has_data || !field.empty()) {
          row.push_back(std::move(field));
          rows.push_back(std::move(row));
        }
        field.clear();
        row.clear();
        row_has_data = false;
        break;
      default:
        field.push_back(c);
        row_has_data = true;
    }
  }
  if (in_quotes) return Error(InvalidArgument("CSV ends inside a quoted field"));
  if (row_has_data || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

Result<std::vector<std::string>> CsvColumn(const std::vector<CsvRow>& rows,
                                           std::string_view name) {
  if (rows.empty()) return Error(InvalidArgument("CSV has no header row"));
  size_t column = rows[0].size();
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == name) column = i;
  }
  if (column == rows[0].size()) {
    return Error(InvalidArgument("CSV has no column '" + std::string(name) + "'"));
  }
  std::vector<std::string> values;
  values.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    values.push_back(column < rows[r].size() ? rows[r][column] : std::string());
  }
  return values;
}

}  // namespace quell::analysis::logmine
