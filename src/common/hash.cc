#include "common/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#include <xxhash.h>

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "common/shared_library.h"

namespace quell {
namespace {

// libcrypto is loaded at the first use of a function below (SharedLibrary), not linked: it is
// the largest library `quell` needs (21,000 relocations, ~3 ms and 125 page faults of every
// start) and most subcommands (`quell logmine`, ...) never hash or draw a secret. The ABI name
// of the OpenSSL 3 whose headers these are (the library `quell` was linked with before).
#if OPENSSL_VERSION_MAJOR != 3
#error "libcrypto.so.3 below is OpenSSL 3's; another major version has another soname"
#endif
constexpr const char* kLibcrypto = "libcrypto.so.3";

struct CryptoApi {
  decltype(&::EVP_Digest) digest;
  decltype(&::EVP_sha256) sha256;
  decltype(&::RAND_bytes) rand_bytes;
  decltype(&::CRYPTO_memcmp) memcmp;
};

Result<CryptoApi> LoadCrypto() {
  QUELL_ASSIGN_OR_RETURN(const SharedLibrary lib, SharedLibrary::Open(kLibcrypto));
  CryptoApi api{};
  for (const Status& s : {lib.Bind("EVP_Digest", &api.digest), lib.Bind("EVP_sha256", &api.sha256),
                          lib.Bind("RAND_bytes", &api.rand_bytes),
                          lib.Bind("CRYPTO_memcmp", &api.memcmp)}) {
    if (!s.ok()) return Error(s);
  }
  return api;
}

// The loaded functions. A system without libcrypto could not start `quell` when it was linked;
// now the first hash fails instead, with the loader's reason, as RandomHex does without entropy.
const CryptoApi& Crypto() {
  static const Result<CryptoApi> api = LoadCrypto();  // thread-safe: C++ static initialisation
  if (!api) throw std::runtime_error(api.error().message());
  return *api;
}

std::string ToHex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

}  // namespace

uint64_t Xxh3(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

std::string Hex16(uint64_t value) { return fmt::format("{:016x}", value); }

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const CryptoApi& crypto = Crypto();
  crypto.digest(data.data(), data.size(), digest, &size, crypto.sha256(), nullptr);
  return ToHex(digest, size);
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (Crypto().rand_bytes(buffer.data(), static_cast<int>(bytes)) != 1) {
    // No entropy is an environment failure we cannot work around safely.
    throw std::runtime_error("RAND_bytes failed");
  }
  return ToHex(buffer.data(), buffer.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return Crypto().memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace quell
