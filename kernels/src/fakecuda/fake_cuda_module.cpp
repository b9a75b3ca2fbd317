// fake_cuda_module.cpp -- modules (the fatbin/cubin/PTX an application loads), kernel functions, launches,
// streams and events. The module image only says WHICH kernels exist; their code comes from an emulated
// kernel library (libduel_kernels_emu.so: the same .cu sources compiled by g++), found in this order:
//   1. the paths given to fakeCudaSetKernelLibraries(":"-separated)
//   2. the environment variable FAKE_CUDA_KERNEL_LIBS (":"-separated)
//   3. libduel_kernels_emu.so in the directory this libcuda.so.1 was loaded from
#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fake_cuda.h"

namespace fake {

// ---- the emulated kernel libraries ------------------------------------------------------------------

struct KernelLib {
  std::string path;
  void* handle;
  void* (*find)(const char*);
  int (*launch)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void**);
  const char* (*geometry_error)(unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned);
  const char* (*signature)(const char*);
};

static std::mutex g_mod_mu;
static std::string g_lib_paths_override;
static bool g_lib_override_set = false;
static std::vector<KernelLib> g_libs;  // loaded so far (never unloaded: functions may outlive modules)

static std::vector<std::string> split_paths(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string p; std::getline(ss, p, ':');)
    if (!p.empty()) out.push_back(p);
  return out;
}

static std::string own_directory() {
  Dl_info info;
  if (dladdr((void*)&own_directory, &info) && info.dli_fname) {
    std::string f = info.dli_fname;
    const size_t slash = f.rfind('/');
    return slash == std::string::npos ? "." : f.substr(0, slash);
  }
  return ".";
}

static std::vector<std::string> kernel_lib_paths() {
  if (g_lib_override_set) return split_paths(g_lib_paths_override);
  if (const char* env = std::getenv("FAKE_CUDA_KERNEL_LIBS")) return split_paths(env);
  return {own_directory() + "/libduel_kernels_emu.so"};
}

// Loads every configured kernel library not loaded yet (g_mod_mu held). Returns an error for the first
// library that cannot be loaded.
static CUresult load_kernel_libs_locked() {
  for (const std::string& path : kernel_lib_paths()) {
    bool have = false;
    for (const auto& l : g_libs) have |= l.path == path;
    if (have) continue;
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h)
      return error(INVALID_IMAGE, "cannot load the emulated kernel library %s: %s (set FAKE_CUDA_KERNEL_LIBS or call "
                   "fakeCudaSetKernelLibraries)", path.c_str(), dlerror());
    KernelLib l{path, h, (void* (*)(const char*))dlsym(h, "emuFindKernel"),
                (decltype(KernelLib::launch))dlsym(h, "emuLaunchHandle"),
                (decltype(KernelLib::geometry_error))dlsym(h, "emuLaunchGeometryError"),
                (decltype(KernelLib::signature))dlsym(h, "emuKernelSignature")};
    if (!l.find || !l.launch || !l.geometry_error || !l.signature)
      return error(INVALID_IMAGE, "%s is not an emulated kernel library (no emuFindKernel/emuLaunchHandle)", path.c_str());
    g_libs.push_back(l);
  }
  return OK;
}

// ---- module images ----------------------------------------------------------------------------------

struct Module {
  std::set<std::string> entries;  // kernels the image declares; empty when it cannot be read (compressed)
  bool entries_known = false;
};

struct Function {
  Module* module;
  std::string name;
  const KernelLib* lib;
  void* handle;
  size_t max_dynamic_smem = 48 * 1024;
};

static std::set<Module*> g_modules;
static std::set<Function*> g_functions;

static void scan_ptx_entries(const char* text, size_t len, Module* m) {
  const std::string s(text, strnlen(text, len));
  for (size_t p = 0; (p = s.find(".entry ", p)) != std::string::npos; p += 7) {
    const size_t b = p + 7, e = s.find_first_of("( \t\r\n", b);
    m->entries.insert(s.substr(b, e - b));
  }
  m->entries_known = true;
}

// Kernel names of a cubin: its `.text.<name>` sections.
static void scan_elf_entries(const unsigned char* elf, size_t len, Module* m) {
  if (len < 64 || elf[4] != 2) return;  // ELF64 only
  uint64_t shoff;
  uint16_t shentsize, shnum, shstrndx;
  std::memcpy(&shoff, elf + 0x28, 8);
  std::memcpy(&shentsize, elf + 0x3A, 2);
  std::memcpy(&shnum, elf + 0x3C, 2);
  std::memcpy(&shstrndx, elf + 0x3E, 2);
  if (shoff + (uint64_t)shnum * shentsize > len || shstrndx >= shnum) return;
  uint64_t stroff, strsize;
  std::memcpy(&stroff, elf + shoff + (uint64_t)shstrndx * shentsize + 0x18, 8);
  std::memcpy(&strsize, elf + shoff + (uint64_t)shstrndx * shentsize + 0x20, 8);
  if (stroff + strsize > len) return;
  for (uint16_t i = 0; i < shnum; ++i) {
    uint32_t name;
    std::memcpy(&name, elf + shoff + (uint64_t)i * shentsize, 4);
    if (name >= strsize) continue;
    const char* n = (const char*)elf + stroff + name;
    if (!std::strncmp(n, ".text.", 6)) m->entries.insert(n + 6);
  }
  m->entries_known = true;
}

// A fatbin: 16-byte header (magic 0xBA55ED50, version, header size, payload size), then entries with
// kind (1 PTX, 2 ELF), header size, payload size, ISA version, sm arch, flags (compression bits).
// Checks that the device can run something in it, and collects the kernel names of its readable parts.
static CUresult scan_fatbin(const unsigned char* d, Module* m) {
  uint16_t hsz;
  uint64_t fsz;
  std::memcpy(&hsz, d + 6, 2);
  std::memcpy(&fsz, d + 8, 8);
  const int cc = compute_capability();
  const long long max_ptx = env_ll("FAKE_CUDA_MAX_PTX", 0);  // e.g. 85 = ISA 8.5; 0 = any
  bool runnable = false, saw_new_ptx = false;
  for (uint64_t off = hsz; off + 64 <= hsz + fsz;) {
    uint16_t kind, minor, major;
    uint32_t ehsz, arch;
    uint64_t size, flags;
    std::memcpy(&kind, d + off, 2);
    std::memcpy(&ehsz, d + off + 4, 4);
    std::memcpy(&size, d + off + 8, 8);
    std::memcpy(&minor, d + off + 24, 2);
    std::memcpy(&major, d + off + 26, 2);
    std::memcpy(&arch, d + off + 28, 4);
    std::memcpy(&flags, d + off + 40, 8);
    const unsigned char* payload = d + off + ehsz;
    const bool compressed = (flags & 0xA000) != 0;
    if (kind == 2 && (int)arch / 10 == cc / 10 && (int)arch <= cc) runnable = true;  // SASS: same major, minor <=
    if (kind == 1 && (int)arch <= cc) {                                              // PTX: JIT if the driver knows it
      if (max_ptx == 0 || major * 10 + minor <= max_ptx) runnable = true;
      else saw_new_ptx = true;
    }
    if (!compressed && kind == 1) scan_ptx_entries((const char*)payload, size, m);
    if (!compressed && kind == 2 && !m->entries_known) scan_elf_entries(payload, size, m);
    off += ehsz + size;
  }
  if (!runnable)
    return saw_new_ptx ? error(UNSUPPORTED_PTX_VERSION, "cuModuleLoadData: the fatbin's PTX is newer than this driver "
                               "supports (FAKE_CUDA_MAX_PTX=%lld) and has no SASS for sm_%d", max_ptx, cc)
                       : error(NO_BINARY_FOR_GPU, "cuModuleLoadData: the fatbin has no SASS or PTX usable on sm_%d", cc);
  return OK;
}

static CUresult load_image(const void* image, Module** out) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!out || !image) return INVALID_VALUE;
  if (!current()) return error(INVALID_CONTEXT, "cuModuleLoadData: no current context on this thread");
  const unsigned char* d = (const unsigned char*)image;
  uint32_t magic;
  std::memcpy(&magic, d, 4);
  if (magic == 0x466243b1u) {  // __fatBinC_Wrapper_t {magic, version, data, ...}
    const void* inner;
    std::memcpy(&inner, d + 8, sizeof inner);
    return load_image(inner, out);
  }
  auto m = new Module;
  CUresult r = OK;
  if (magic == 0xBA55ED50u) {
    r = scan_fatbin(d, m);
  } else if (!std::memcmp(d, "\x7f" "ELF", 4)) {
    scan_elf_entries(d, 1u << 30, m);  // bounds come from the ELF header
  } else {
    const char* text = (const char*)image;
    if (!std::strstr(text, ".version") || !std::strstr(text, ".target")) r = error(INVALID_IMAGE, "cuModuleLoadData: the image is neither a fatbin, a cubin nor PTX text");
    else scan_ptx_entries(text, std::strlen(text), m);
  }
  if (r == OK) {
    std::lock_guard<std::mutex> g(g_mod_mu);
    r = load_kernel_libs_locked();
    if (r == OK) g_modules.insert(m);
  }
  if (r != OK) {
    delete m;
    return r;
  }
  *out = m;
  return OK;
}

}  // namespace fake

using namespace fake;

FAKE_API CUresult cuModuleLoadData(Module** m, const void* image) { return load_image(image, m); }
FAKE_API CUresult cuModuleLoadDataEx(Module** m, const void* image, unsigned, void*, void**) { return load_image(image, m); }
FAKE_API CUresult cuModuleLoadFatBinary(Module** m, const void* image) { return load_image(image, m); }

FAKE_API CUresult cuModuleLoad(Module** m, const char* path) {
  std::ifstream f(path ? path : "", std::ios::binary);
  if (!f) return error(FILE_NOT_FOUND, "cuModuleLoad: cannot read %s", path ? path : "(null)");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  bytes.push_back('\0');
  return load_image(bytes.data(), m);
}

FAKE_API CUresult cuModuleUnload(Module* m) {
  if (!initialized()) return NOT_INITIALIZED;
  std::lock_guard<std::mutex> g(g_mod_mu);
  if (!g_modules.erase(m)) return error(INVALID_HANDLE, "cuModuleUnload: %p is not a loaded module", (void*)m);
  for (auto it = g_functions.begin(); it != g_functions.end();) {
    if ((*it)->module == m) { delete *it; it = g_functions.erase(it); } else { ++it; }
  }
  delete m;
  return OK;
}

FAKE_API CUresult cuModuleGetFunction(Function** f, Module* m, const char* name) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!f || !name) return INVALID_VALUE;
  std::lock_guard<std::mutex> g(g_mod_mu);
  if (!g_modules.count(m)) return error(INVALID_HANDLE, "cuModuleGetFunction: %p is not a loaded module", (void*)m);
  if (m->entries_known && !m->entries.count(name))
    return error(NOT_FOUND, "cuModuleGetFunction: the module has no kernel named %s", name);
  for (const auto& l : g_libs) {
    if (void* h = l.find(name)) {
      auto fn = new Function{m, name, &l, h};
      g_functions.insert(fn);
      *f = fn;
      return OK;
    }
  }
  return error(NOT_FOUND, "cuModuleGetFunction: %s is in the module but not in the emulated kernel library (rebuild it)", name);
}

FAKE_API CUresult cuFuncGetAttribute(int* v, int attr, Function* f) {
  if (!v) return INVALID_VALUE;
  {
    std::lock_guard<std::mutex> g(g_mod_mu);
    if (!g_functions.count(f)) return INVALID_HANDLE;
  }
  switch (attr) {
    case 0: *v = 1024; break;                          // MAX_THREADS_PER_BLOCK
    case 4: *v = 32; break;                            // NUM_REGS
    case 5: case 6: *v = compute_capability(); break;  // PTX_VERSION, BINARY_VERSION
    case 8: *v = (int)f->max_dynamic_smem; break;      // MAX_DYNAMIC_SHARED_SIZE_BYTES
    default: *v = 0;
  }
  return OK;
}

FAKE_API CUresult cuFuncSetAttribute(Function* f, int attr, int v) {
  std::lock_guard<std::mutex> g(g_mod_mu);
  if (!g_functions.count(f)) return INVALID_HANDLE;
  if (attr == 8) {
    if (v < 0 || v > 99 * 1024) return INVALID_VALUE;
    f->max_dynamic_smem = (size_t)v;
  }
  return OK;
}

FAKE_API CUresult cuFuncSetCacheConfig(Function* f, int) {
  std::lock_guard<std::mutex> g(g_mod_mu);
  return g_functions.count(f) ? OK : INVALID_HANDLE;
}

FAKE_API CUresult cuFuncGetModule(Module** m, Function* f) {
  std::lock_guard<std::mutex> g(g_mod_mu);
  if (!m || !g_functions.count(f)) return INVALID_HANDLE;
  *m = f->module;
  return OK;
}

// ---- streams and events: everything is synchronous, so they only keep up appearances -------------------

struct Stream {
  unsigned flags;
  int priority;
  Context* ctx;
};
struct Event {
  unsigned flags;
  bool recorded = false;
  double ms = 0;
};
static std::set<Stream*> g_streams;
static std::set<Event*> g_events;
static std::mutex g_se_mu;

static bool stream_ok(void* s) {
  if (s == nullptr || s == (void*)1 || s == (void*)2) return true;  // null, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD
  std::lock_guard<std::mutex> g(g_se_mu);
  return g_streams.count((Stream*)s) > 0;
}

FAKE_API CUresult cuStreamCreate(Stream** s, unsigned flags) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!s) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  std::lock_guard<std::mutex> g(g_se_mu);
  *s = new Stream{flags, 0, current()};
  g_streams.insert(*s);
  return OK;
}
FAKE_API CUresult cuStreamCreateWithPriority(Stream** s, unsigned flags, int priority) {
  CUresult r = cuStreamCreate(s, flags);
  if (r == OK) (*s)->priority = priority;
  return r;
}
FAKE_API CUresult cuStreamDestroy_v2(Stream* s) {
  std::lock_guard<std::mutex> g(g_se_mu);
  if (!g_streams.erase(s)) return error(INVALID_HANDLE, "cuStreamDestroy: %p is not a live stream", (void*)s);
  delete s;
  return OK;
}
FAKE_API CUresult cuStreamSynchronize(Stream* s) { return stream_ok(s) ? OK : INVALID_HANDLE; }
FAKE_API CUresult cuStreamQuery(Stream* s) { return stream_ok(s) ? OK : INVALID_HANDLE; }
FAKE_API CUresult cuStreamWaitEvent(Stream* s, Event*, unsigned) { return stream_ok(s) ? OK : INVALID_HANDLE; }
FAKE_API CUresult cuStreamGetFlags(Stream* s, unsigned* flags) {
  if (!flags || !stream_ok(s)) return INVALID_HANDLE;
  *flags = s && s > (Stream*)2 ? s->flags : 0;
  return OK;
}
FAKE_API CUresult cuStreamGetPriority(Stream* s, int* p) {
  if (!p || !stream_ok(s)) return INVALID_HANDLE;
  *p = s && s > (Stream*)2 ? s->priority : 0;
  return OK;
}
FAKE_API CUresult cuStreamGetCtx(Stream* s, Context** c) {
  if (!c || !stream_ok(s)) return INVALID_HANDLE;
  *c = s && s > (Stream*)2 ? s->ctx : current();
  return OK;
}
// The callback runs at once: the work before it on the stream is already done.
FAKE_API CUresult cuStreamAddCallback(Stream* s, void (*cb)(Stream*, CUresult, void*), void* user, unsigned flags) {
  if (!cb || flags != 0) return INVALID_VALUE;
  if (!stream_ok(s)) return INVALID_HANDLE;
  cb(s, OK, user);
  return OK;
}

static double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

FAKE_API CUresult cuEventCreate(Event** e, unsigned flags) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!e) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  std::lock_guard<std::mutex> g(g_se_mu);
  *e = new Event{flags};
  g_events.insert(*e);
  return OK;
}
FAKE_API CUresult cuEventDestroy_v2(Event* e) {
  std::lock_guard<std::mutex> g(g_se_mu);
  if (!g_events.erase(e)) return error(INVALID_HANDLE, "cuEventDestroy: %p is not a live event", (void*)e);
  delete e;
  return OK;
}
FAKE_API CUresult cuEventRecord(Event* e, Stream* s) {
  if (!stream_ok(s)) return INVALID_HANDLE;
  std::lock_guard<std::mutex> g(g_se_mu);
  if (!g_events.count(e)) return INVALID_HANDLE;
  e->recorded = true;
  e->ms = now_ms();
  return OK;
}
FAKE_API CUresult cuEventRecordWithFlags(Event* e, Stream* s, unsigned) { return cuEventRecord(e, s); }
FAKE_API CUresult cuEventQuery(Event* e) {
  std::lock_guard<std::mutex> g(g_se_mu);
  return g_events.count(e) ? OK : INVALID_HANDLE;
}
FAKE_API CUresult cuEventSynchronize(Event* e) { return cuEventQuery(e); }
// CU_EVENT_DISABLE_TIMING = 2.
FAKE_API CUresult cuEventElapsedTime(float* ms, Event* start, Event* end) {
  if (!ms) return INVALID_VALUE;
  std::lock_guard<std::mutex> g(g_se_mu);
  if (!g_events.count(start) || !g_events.count(end)) return INVALID_HANDLE;
  if (!start->recorded || !end->recorded || (start->flags & 2) || (end->flags & 2)) return INVALID_HANDLE;
  *ms = (float)(end->ms - start->ms);
  return OK;
}

// ---- launches ---------------------------------------------------------------------------------------

static std::atomic<long long> g_launches{0};

FAKE_API CUresult cuLaunchKernel(Function* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                 unsigned smem, Stream* stream, void** params, void** extra) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!current()) return error(INVALID_CONTEXT, "cuLaunchKernel: no current context on this thread");
  const KernelLib* lib;
  void* handle;
  std::string name;
  {
    std::lock_guard<std::mutex> g(g_mod_mu);
    if (!g_functions.count(f)) return error(INVALID_HANDLE, "cuLaunchKernel: %p is not a live function", (void*)f);
    if (smem > f->max_dynamic_smem)
      return error(INVALID_VALUE, "cuLaunchKernel %s: %u bytes of dynamic shared memory, the limit is %zu", f->name.c_str(), smem,
                   f->max_dynamic_smem);
    lib = f->lib;
    handle = f->handle;
    name = f->name;
  }
  if (!stream_ok(stream)) return error(INVALID_HANDLE, "cuLaunchKernel %s: %p is not a live stream", name.c_str(), (void*)stream);
  if (extra) return error(NOT_SUPPORTED, "cuLaunchKernel %s: the `extra` argument buffer is not emulated; pass kernelParams", name.c_str());
  if (const char* why = lib->geometry_error(gx, gy, gz, bx, by, bz, 0))
    return error(INVALID_VALUE, "cuLaunchKernel %s: grid (%u,%u,%u) block (%u,%u,%u): %s", name.c_str(), gx, gy, gz, bx, by, bz, why);
  const char* sig = lib->signature(name.c_str());
  if (sig && *sig && !params) return error(INVALID_VALUE, "cuLaunchKernel %s: kernelParams is null, the kernel takes (%s)", name.c_str(), sig);
  if (env_ll("FAKE_CUDA_TRACE", 0))
    std::fprintf(stderr, "fake libcuda: launch %s grid (%u,%u,%u) block (%u,%u,%u) smem %u\n", name.c_str(), gx, gy, gz, bx, by, bz, smem);
  ++g_launches;
  return lib->launch(handle, gx, gy, gz, bx, by, bz, smem, params) == 0 ? OK : INVALID_VALUE;
}

// Kernel launches so far.
FAKE_API long long fakeCudaLaunchCount(void) { return g_launches; }

// Sets the emulated kernel libraries (":"-separated paths) for modules loaded from now on; null or "" goes
// back to FAKE_CUDA_KERNEL_LIBS / the library next to this one. Returns 0, or the CUresult of a library that
// does not load.
FAKE_API int fakeCudaSetKernelLibraries(const char* paths) {
  std::lock_guard<std::mutex> g(g_mod_mu);
  g_lib_override_set = paths && *paths;
  g_lib_paths_override = g_lib_override_set ? paths : "";
  return g_lib_override_set ? load_kernel_libs_locked() : OK;
}
