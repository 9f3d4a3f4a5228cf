#include "common/shared_library.h"

#include <gtest/gtest.h>

#include <cstring>

namespace quell {
namespace {

TEST(SharedLibraryTest, AMissingLibraryIsAnErrorNamingIt) {
  auto lib = SharedLibrary::Open("libquell-no-such-library.so.7");
  ASSERT_FALSE(lib);
  EXPECT_EQ(lib.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(lib.error().message().find("cannot load libquell-no-such-library.so.7"),
            std::string::npos)
      << lib.error().message();
}

TEST(SharedLibraryTest, FindsAndCallsAFunctionWithItsDeclaredType) {
  auto lib = SharedLibrary::Open("libc.so.6");
  ASSERT_TRUE(lib) << lib.error().ToString();
  EXPECT_EQ(lib->soname(), "libc.so.6");
  decltype(&std::strlen) length = nullptr;
  ASSERT_TRUE(lib->Bind("strlen", &length).ok());
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("quell"), 5u);
  auto address = lib->Find("strlen");
  ASSERT_TRUE(address);
  EXPECT_EQ(*address, reinterpret_cast<void*>(length));
}

TEST(SharedLibraryTest, AMissingFunctionIsAnErrorNamingItAndTheLibrary) {
  auto lib = SharedLibrary::Open("libc.so.6");
  ASSERT_TRUE(lib) << lib.error().ToString();
  int (*missing)(int) = nullptr;
  const Status s = lib->Bind("quell_no_such_function", &missing);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("libc.so.6 has no function quell_no_such_function"), std::string::npos)
      << s.message();
  EXPECT_EQ(missing, nullptr);
}

}  // namespace
}  // namespace quell
