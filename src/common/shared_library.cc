#include "common/shared_library.h"

#include <dlfcn.h>

namespace quell {
namespace {

// dlerror() text, or `fallback` when the loader gave none.
std::string LoaderError(const char* fallback) {
  const char* error = dlerror();
  return error != nullptr ? error : fallback;
}

}  // namespace

Result<SharedLibrary> SharedLibrary::Open(const std::string& soname) {
  // RTLD_LOCAL: its symbols serve only the lookups below, never resolve other libraries' ones.
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Error(Unavailable("cannot load " + soname + ": " + LoaderError("not found")));
  }
  return SharedLibrary(soname, handle);
}

Result<void*> SharedLibrary::Find(const char* name) const {
  dlerror();  // clears an earlier error, so that a null symbol is told from a missing one
  void* address = dlsym(handle_, name);
  if (address == nullptr) {
    return Error(
        Unavailable(soname_ + " has no function " + name + ": " + LoaderError("null symbol")));
  }
  return address;
}

}  // namespace quell
