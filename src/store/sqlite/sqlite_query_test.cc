#include "store/sqlite/sqlite_query.h"

#include <string_view>

#include <gtest/gtest.h>

#include "store/shared_sql.h"

namespace quell::store {
namespace {

constexpr char kWithDollars[] = "SELECT '$', $1, $12, '$a' FROM t WHERE x = $3$";

TEST(SqliteSql, WritesPostgresParametersAsSqliteNumberedOnes) {
  EXPECT_EQ(std::string_view(SqliteSql<kWithDollars>),
            "SELECT '$', ?1, ?12, '$a' FROM t WHERE x = ?3$");
  EXPECT_EQ(std::string_view(SqliteSql<kSqlUpdateSettingIfValue>),
            "UPDATE settings SET value = ?3 WHERE key = ?1 AND value = ?2");
}

TEST(SqliteSql, IsOneStringPerStatement) {
  // SqliteDb's statement cache keys on the address.
  EXPECT_EQ(SqliteSql<kSqlGetSetting>, SqliteSql<kSqlGetSetting>);
  EXPECT_NE(SqliteSql<kSqlGetSetting>, SqliteSql<kSqlDeleteSetting>);
}

}  // namespace
}  // namespace quell::store
