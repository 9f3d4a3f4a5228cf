// quell_test_postgres start|stop DIR: the PostgreSQL server a whole ctest run shares (CMake's
// postgres fixture). `start` leaves the server running in DIR (stopping a stale one left there
// first); the tests find it through QUELL_TEST_PG_DIR=DIR; `stop` stops it by its PID and
// removes DIR.
#include <cstdio>
#include <filesystem>
#include <string>

#include "support/private_postgres.h"

int main(int argc, char** argv) {
  using quell::testing::PrivatePostgres;
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::fprintf(stderr, "usage: quell_test_postgres start|stop DIR\n");
    return 2;
  }
  const std::string dir = argv[2];
  if (auto stale = PrivatePostgres::Attach(dir)) (void)(*stale)->Stop();
  if (command == "stop") {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
  }
  auto server = PrivatePostgres::Start(dir, /*outlive_starter=*/true);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().ToString().c_str());
    return 1;
  }
  std::printf("PostgreSQL on 127.0.0.1:%u (pid %d) in %s\n", (*server)->port(),
              static_cast<int>((*server)->pid()), dir.c_str());
  (*server)->Detach();  // keeps running for the tests; `stop` ends it
  return 0;
}
