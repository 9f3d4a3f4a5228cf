// SharedLibrary: a shared library loaded at run time (dlopen) and the functions found in it.
// Linking libcurl and libpq made every start of `quell` load and relocate some thirty libraries
// they pull in (TLS, Kerberos, LDAP, ...), also for the subcommands that never touch the network
// or PostgreSQL; the wrappers that use them (net/, store/postgres/) load them on first use
// instead. Errors as values: a library or a function that is missing is a Status naming it.
// A library once loaded stays loaded for the life of the process, as a linked one would: threads
// may still be running in it while the process exits.
#pragma once

#include <string>
#include <utility>

#include "common/status.h"

namespace quell {

class SharedLibrary {
 public:
  // Loads `soname` (e.g. "libcurl.so.4"), searched as the dynamic linker does. Unavailable, with
  // the loader's reason, when it cannot be loaded.
  static Result<SharedLibrary> Open(const std::string& soname);

  // The address of the function `name`; Unavailable when the library has no such symbol.
  Result<void*> Find(const char* name) const;

  // Sets `*function` to the function `name`, with the type of the declaration it stands for
  // (e.g. `decltype(&curl_easy_init) easy_init; lib.Bind("curl_easy_init", &easy_init)`).
  template <typename F>
  Status Bind(const char* name, F** function) const {
    QUELL_ASSIGN_OR_RETURN(void* address, Find(name));
    *function = reinterpret_cast<F*>(address);
    return Status::Ok();
  }

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(std::string soname, void* handle) : soname_(std::move(soname)), handle_(handle) {}

  std::string soname_;
  void* handle_;  // never closed (see above)
};

}  // namespace quell
