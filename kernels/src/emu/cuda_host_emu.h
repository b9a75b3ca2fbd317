// cuda_host_emu.h -- compile CUDA kernel sources with g++ and run them on the CPU (Duel's `cuda-emu`).
// One CPU fiber per CUDA thread; a block's fibers run cooperatively on one OS thread, switching only at
// __syncthreads()/__syncwarp()/shuffles. Blocks run in parallel on a persistent pool of EMU_THREADS OS
// threads (default: all cores). Include ONLY from host builds (never under __CUDACC__).
// Adapted from ../shared/prototypes/cuda-emu (the fiber core is unchanged; the pool, the launch checks and
// the extra intrinsics are new). Knobs (environment):
//   EMU_ORDER=reverse   run the threads of each warp in reverse order (a missing barrier shows up)
//   EMU_THREADS=n       OS threads running blocks;  EMU_STACK_KB=k  fiber stack size
//   EMU_STRICT=1        abort when __syncthreads() is reached after some threads of the block exited
// Build with -DEMU_SERIAL_BLOCKS under AddressSanitizer: blocks run one at a time and __shared__ arrays
// become plain statics, which ASan redzones.
#pragma once
#ifdef __CUDACC__
#error "cuda_host_emu.h is for host (g++) builds only"
#endif
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <mutex>
#include <condition_variable>
#include <functional>
#include <vector>
#include <tuple>
#include <utility>
#include <type_traits>
#include <algorithm>
#include <sys/mman.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/asan_interface.h>
#define EMU_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define EMU_TSAN 1
#define EMU_NO_TSAN __attribute__((no_sanitize_thread, noinline))
#else
#define EMU_NO_TSAN
#endif

// ---------------------------------------------------------------- CUDA keywords
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __constant__
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Static shared memory: one instance per OS thread; all fibers of the running block
// live on that OS thread, so a function-scope `static thread_local` IS block-shared.
// With -DEMU_SERIAL_BLOCKS blocks run one at a time and __shared__ becomes plain `static`:
// ASan cannot redzone thread_local arrays, but it does redzone static globals.
#ifdef EMU_SERIAL_BLOCKS
#define __shared__ static
#else
#define __shared__ static thread_local
#endif
// Dynamic shared memory cannot be spelled `extern __shared__ T x[]` here; sources use
// DYN_SHARED(T, name) (see kernel_compat.cuh) which maps to the launch's smem buffer.
#define DYN_SHARED(T, name) T* name = reinterpret_cast<T*>(::emu::dyn_smem())
#define warpSize 32

struct uint3 { unsigned x, y, z; };
struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace emu {
// ---------------------------------------------------------------- context switch (x86-64 SysV)
// Saves callee-saved regs on the current stack (MXCSR/x87 CW deliberately not switched: 90% of
// the cost, and kernels never change FP modes), stores rsp in *from, loads `to`.
extern "C" void emu_ctx_switch(void** from, void* to);
__asm__(R"(
.text
.globl emu_ctx_switch
.hidden emu_ctx_switch
.type emu_ctx_switch,@function
emu_ctx_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
.size emu_ctx_switch,.-emu_ctx_switch
)");

enum State : uint8_t { READY, AT_BLOCK_BAR, AT_WARP_BAR, DONE };
struct Fiber {
  void* sp = nullptr;
  uint3 tid{};
  unsigned lane = 0, warp = 0;
  State st = READY;
  int bar_site = 0;
#ifdef EMU_TSAN
  void* tsan = nullptr;
#endif
};

struct Worker;
inline thread_local Worker* tls_worker = nullptr;

struct Worker {
  dim3 grid, block; uint3 block_idx{};
  size_t dyn_bytes = 0; unsigned char* dyn = nullptr;
  std::vector<Fiber> fibers; unsigned cur = 0;
  void* sched_sp = nullptr;
  char* stacks = nullptr; size_t stack_size = 0, nstacks = 0;
  void (*body)(void*) = nullptr; void* body_ctx = nullptr;
  std::vector<uint64_t> warp_buf;  // [2][nwarps][32]
  std::vector<unsigned> warp_gen;
  unsigned block_gen = 0;
  int order = 0;  // 0 forward, 1 reverse (EMU_ORDER=reverse): exposes missing barriers
#ifdef EMU_ASAN
  void* fake_stack = nullptr; const void* sched_bottom = nullptr; size_t sched_size = 0;
#endif
#ifdef EMU_TSAN
  void* sched_tsan = nullptr;
  char tsan_sync[4][64];  // release/acquire addresses for barrier generations / block ends
  std::vector<char> tsan_warp_sync;
#endif
  ~Worker() { free(dyn); }
};

[[noreturn]] inline void die(const char* msg) { fprintf(stderr, "cuda_host_emu: %s\n", msg); abort(); }
EMU_NO_TSAN inline Fiber& cur_fiber() { Worker* w = tls_worker; return w->fibers[w->cur]; }
EMU_NO_TSAN inline const uint3& cur_tid() { return cur_fiber().tid; }
EMU_NO_TSAN inline const uint3& cur_bid() { return tls_worker->block_idx; }
EMU_NO_TSAN inline const dim3& cur_bdim() { return tls_worker->block; }
EMU_NO_TSAN inline const dim3& cur_gdim() { return tls_worker->grid; }
inline void* dyn_smem() { return tls_worker->dyn; }

// switch from the current fiber to the scheduler
EMU_NO_TSAN inline void yield_to_sched(State s, int site) {
  Worker* w = tls_worker; Fiber& f = w->fibers[w->cur];
  f.st = s; f.bar_site = site;
#ifdef EMU_TSAN
  __tsan_switch_to_fiber(w->sched_tsan, __tsan_switch_to_fiber_no_sync);
#endif
#ifdef EMU_ASAN
  void* fs = nullptr; __sanitizer_start_switch_fiber(&fs, w->sched_bottom, w->sched_size);
  emu_ctx_switch(&f.sp, w->sched_sp);
  __sanitizer_finish_switch_fiber(fs, &w->sched_bottom, &w->sched_size);
#else
  emu_ctx_switch(&f.sp, w->sched_sp);
#endif
}

// ---------------------------------------------------------------- barriers
EMU_NO_TSAN inline void block_barrier(int site) {
#ifdef EMU_TSAN
  Worker* w = tls_worker; unsigned g = w->block_gen;
  __tsan_release(w->tsan_sync[g & 1]);
  yield_to_sched(AT_BLOCK_BAR, site);
  __tsan_acquire(w->tsan_sync[g & 1]);
#else
  yield_to_sched(AT_BLOCK_BAR, site);
#endif
}
EMU_NO_TSAN inline void warp_barrier(int site) {
#ifdef EMU_TSAN
  Worker* w = tls_worker; unsigned wp = cur_fiber().warp; void* a = &w->tsan_warp_sync[2 * wp + (w->warp_gen[wp] & 1)];
  __tsan_release(a);
  yield_to_sched(AT_WARP_BAR, site);
  __tsan_acquire(a);
#else
  yield_to_sched(AT_WARP_BAR, site);
#endif
}

// ---------------------------------------------------------------- fiber entry / scheduler
[[noreturn]] EMU_NO_TSAN inline void fiber_entry() {
  Worker* w = tls_worker;
#ifdef EMU_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &w->sched_bottom, &w->sched_size);
#endif
#ifdef EMU_TSAN
  __tsan_acquire(w->tsan_sync[2]);  // happens-after previous block on this OS thread
#endif
  w->body(w->body_ctx);
  w = tls_worker;
  Fiber& f = w->fibers[w->cur];
  f.st = DONE;
#ifdef EMU_TSAN
  __tsan_release(w->tsan_sync[3]);
#endif
#ifdef EMU_TSAN
  __tsan_switch_to_fiber(w->sched_tsan, __tsan_switch_to_fiber_no_sync);
#endif
#ifdef EMU_ASAN
  __sanitizer_start_switch_fiber(nullptr, w->sched_bottom, w->sched_size);  // leaving for good
#endif
  void* dummy; emu_ctx_switch(&dummy, w->sched_sp);
  __builtin_unreachable();
}

EMU_NO_TSAN inline void resume(Worker* w, unsigned i) {
  w->cur = i; Fiber& f = w->fibers[i];
#ifdef EMU_TSAN
  __tsan_switch_to_fiber(f.tsan, __tsan_switch_to_fiber_no_sync);
#endif
#ifdef EMU_ASAN
  __sanitizer_start_switch_fiber(&w->fake_stack, w->stacks + (size_t)i * w->stack_size, w->stack_size);
  emu_ctx_switch(&w->sched_sp, f.sp);
  __sanitizer_finish_switch_fiber(w->fake_stack, nullptr, nullptr);
#else
  emu_ctx_switch(&w->sched_sp, f.sp);
#endif
}

EMU_NO_TSAN inline void init_fiber_stack(Worker* w, unsigned i) {
  const size_t guard = 4096;
  char* base = w->stacks + (size_t)i * w->stack_size;
#ifdef EMU_ASAN  // frames of fibers that never returned leave poisoned redzones behind
  __asan_unpoison_memory_region(base + guard, w->stack_size - guard);
#endif
  uintptr_t top = ((uintptr_t)(base + w->stack_size - (i % 61) * 64)) & ~(uintptr_t)15;  // stagger: avoid 64K cache aliasing
  uint64_t* s = (uint64_t*)top;
  *--s = 0;                                   // fake return address of fiber_entry
  *--s = (uint64_t)(void*)&fiber_entry;       // popped by `ret`
  for (int r = 0; r < 6; ++r) *--s = 0;       // rbp rbx r12 r13 r14 r15
  *--s = 0;                                   // padding slot (keeps 16-byte alignment)
  w->fibers[i].sp = s; (void)guard;
}

EMU_NO_TSAN inline void run_block(Worker* w) {
  const unsigned n = w->block.x * w->block.y * w->block.z;
  const unsigned nwarps = (n + 31) / 32;
  for (unsigned i = 0; i < n; ++i) {
    Fiber& f = w->fibers[i];
    f.tid = {i % w->block.x, (i / w->block.x) % w->block.y, i / (w->block.x * w->block.y)};
    f.lane = i % 32; f.warp = i / 32; f.st = READY; f.bar_site = 0;
    init_fiber_stack(w, i);
  }
  std::fill(w->warp_gen.begin(), w->warp_gen.end(), 0u);
#ifdef EMU_TSAN
  __tsan_release(w->tsan_sync[2]);  // everything before the block happens-before its threads
#endif
  for (;;) {
    for (unsigned wi = 0; wi < nwarps; ++wi) {
      unsigned lo = wi * 32, hi = std::min(n, lo + 32);
      for (;;) {  // run this warp until every live lane waits at __syncthreads or is done
        for (unsigned k = lo; k < hi; ++k) {
          unsigned i = w->order ? (lo + hi - 1 - k) : k;
          if (w->fibers[i].st == READY) resume(w, i);
        }
        unsigned nwarp = 0, nblock = 0; int site = 0;
        for (unsigned i = lo; i < hi; ++i) {
          Fiber& f = w->fibers[i];
          if (f.st == AT_WARP_BAR) { if (nwarp++ && f.bar_site != site) die("divergent __syncwarp/shuffle call sites in a warp"); site = f.bar_site; }
          else if (f.st == AT_BLOCK_BAR) ++nblock;
        }
        if (!nwarp) break;
        if (nblock) die("warp-level sync while other lanes of the warp wait at __syncthreads");
        for (unsigned i = lo; i < hi; ++i) if (w->fibers[i].st == AT_WARP_BAR) w->fibers[i].st = READY;
        ++w->warp_gen[wi];
      }
    }
    unsigned nblock = 0, ndone = 0; int site = 0;
    for (unsigned i = 0; i < n; ++i) {
      Fiber& f = w->fibers[i];
      if (f.st == AT_BLOCK_BAR) { if (nblock++ && f.bar_site != site) die("threads of a block wait at different __syncthreads() (divergent barrier)"); site = f.bar_site; }
      else if (f.st == DONE) ++ndone;
    }
    if (!nblock) break;
    if (ndone && getenv("EMU_STRICT")) die("__syncthreads() reached after some threads of the block exited");
    for (unsigned i = 0; i < n; ++i) if (w->fibers[i].st == AT_BLOCK_BAR) w->fibers[i].st = READY;
    ++w->block_gen;
  }
#ifdef EMU_TSAN
  __tsan_acquire(w->tsan_sync[3]);  // all threads of the block happen-before what follows it
#endif
}

inline size_t env_or(const char* k, size_t d) { const char* v = getenv(k); return v ? strtoull(v, nullptr, 10) : d; }

// A persistent pool: launches hand the same job to every pool thread and the caller, then wait for all.
// Creating threads per launch cost ~100 µs; the pool costs a wake-up. One launch at a time (launch_mutex).
class Pool {
 public:
  explicit Pool(unsigned extra) {
    for (unsigned t = 0; t < extra; ++t) threads_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    { std::lock_guard<std::mutex> g(mu_); stop_ = true; }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  unsigned size() const { return (unsigned)threads_.size() + 1; }
  // Runs job on `helpers` pool threads and on the caller; returns when all are done.
  void run(unsigned helpers, const std::function<void()>& job) {
    {
      std::lock_guard<std::mutex> g(mu_);
      job_ = &job; wanted_ = helpers; running_ = helpers; ++gen_;
    }
    cv_.notify_all();
    job();
    std::unique_lock<std::mutex> l(mu_);
    done_.wait(l, [this] { return running_ == 0; });
    job_ = nullptr;
  }
 private:
  void loop() {
    unsigned seen = 0;
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stop_ || (gen_ != seen && wanted_ > 0); });
      if (stop_) return;
      seen = gen_;
      --wanted_;
      const std::function<void()>* job = job_;
      l.unlock();
      (*job)();
      l.lock();
      if (--running_ == 0) done_.notify_all();
    }
  }
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  const std::function<void()>* job_ = nullptr;
  unsigned gen_ = 0, wanted_ = 0, running_ = 0;
  bool stop_ = false;
};

inline std::mutex& launch_mutex() { static std::mutex m; return m; }
inline Pool& pool() {
  static Pool p((unsigned)std::max<size_t>(1, env_or("EMU_THREADS", std::max(1u, std::thread::hardware_concurrency()))) - 1);
  return p;
}

// Why a launch geometry is invalid (the limits of cuLaunchKernel on sm_75..sm_90), or nullptr if valid.
inline const char* launch_error(dim3 grid, dim3 block, size_t smem) {
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return "grid has a zero dimension";
  if (grid.y > 65535 || grid.z > 65535) return "grid.y or grid.z above 65535";
  if (block.x == 0 || block.y == 0 || block.z == 0) return "block has a zero dimension";
  if (block.x > 1024 || block.y > 1024 || block.z > 64) return "block dimension above its limit (1024, 1024, 64)";
  if ((size_t)block.x * block.y * block.z > 1024) return "more than 1024 threads per block";
  if (smem > 48 * 1024) return "more than 48 KiB of dynamic shared memory";
  return nullptr;
}

// Launch `body(ctx)` as a grid. Mirrors cuLaunchKernel's geometry arguments.
inline void launch(dim3 grid, dim3 block, size_t smem, void (*body)(void*), void* ctx) {
  if (const char* e = launch_error(grid, block, smem)) die(e);
  const unsigned nthr = block.x * block.y * block.z;
  const size_t nblocks = (size_t)grid.x * grid.y * grid.z;
  std::lock_guard<std::mutex> serial(launch_mutex());
  unsigned nt = (unsigned)std::min<size_t>(pool().size(), nblocks);
  if (nblocks < env_or("EMU_MIN_BLOCKS_PER_THREAD", 4) * 2) nt = 1;  // small grids: run inline
#ifdef EMU_SERIAL_BLOCKS
  nt = 1;
#endif
  const char* order_env = getenv("EMU_ORDER");
  const int order = order_env && !strcmp(order_env, "reverse");
  const size_t stack_size = env_or("EMU_STACK_KB",
#if defined(EMU_ASAN) || defined(EMU_TSAN)
      256
#else
      64
#endif
      ) * 1024;
  std::atomic<size_t> next{0};
  const std::function<void()> work = [&] {
    Worker w; w.grid = grid; w.block = block; w.body = body; w.body_ctx = ctx;
    w.order = order;
    w.stack_size = stack_size;
    // fiber stacks (with guard pages) are cached per OS thread: mmap+mprotect per launch cost ~1.5 ms
    struct StackCache { char* base = nullptr; size_t ss = 0, n = 0; ~StackCache() { if (base) munmap(base, ss * n); } };
    static thread_local StackCache sc;
    if (sc.ss != w.stack_size || sc.n < nthr) {
      if (sc.base) munmap(sc.base, sc.ss * sc.n);
      sc.ss = w.stack_size; sc.n = 1024;
      sc.base = (char*)mmap(nullptr, sc.ss * sc.n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (sc.base == MAP_FAILED) die("mmap stacks");
      for (size_t i = 0; i < sc.n; ++i) mprotect(sc.base + i * sc.ss, 4096, PROT_NONE);  // guard pages
    }
    w.stacks = sc.base; w.nstacks = nthr;
    w.fibers.resize(nthr);
    unsigned nwarps = (nthr + 31) / 32;
    w.warp_buf.assign(2 * nwarps * 32, 0); w.warp_gen.assign(nwarps, 0);
    w.dyn_bytes = smem;
#ifdef EMU_ASAN
    w.dyn = (unsigned char*)malloc(smem ? smem : 1);  // exact size: ASan redzone right after it
#else
    w.dyn = (unsigned char*)aligned_alloc(256, ((smem + 255) / 256 + 1) * 256);
#endif
    tls_worker = &w;
#ifdef EMU_TSAN
    w.sched_tsan = __tsan_get_current_fiber(); w.tsan_warp_sync.assign(2 * nwarps, 0);
    // TSan fibers cost a syscall-heavy setup each: created once per OS thread, reused by every launch
    static thread_local std::vector<void*> tsan_fibers;
    while (tsan_fibers.size() < nthr) tsan_fibers.push_back(__tsan_create_fiber(0));
    for (unsigned i = 0; i < nthr; ++i) w.fibers[i].tsan = tsan_fibers[i];
#endif
    for (size_t b; (b = next.fetch_add(1)) < nblocks;) {
      w.block_idx = {(unsigned)(b % grid.x), (unsigned)((b / grid.x) % grid.y), (unsigned)(b / ((size_t)grid.x * grid.y))};
      memset(w.dyn, 0xFF, smem);  // poison dynamic smem: uninitialised reads show up as NaN / -1
      run_block(&w);
    }
    tls_worker = nullptr;
  };
  if (nt == 1) work();
  else pool().run(nt - 1, work);
}

// ---------------------------------------------------------------- launch registry (cuLaunchKernel-style void** params)
typedef void (*LaunchFn)(dim3, dim3, size_t, void**);
// sig: the kernel's parameter list as type codes, e.g. "i4,f4,p,p,i8": i<bytes> integer, f<bytes> floating
// point, p pointer, s<bytes> struct. Lets tests check the documented ABI against the compiled signature.
struct Entry { const char* name; LaunchFn fn; Entry* next; std::string sig; };
inline Entry*& registry() { static Entry* head = nullptr; return head; }

template <class T> std::string type_code() {
  if constexpr (std::is_pointer_v<T>) return "p";
  else if constexpr (std::is_floating_point_v<T>) return "f" + std::to_string(sizeof(T));
  else if constexpr (std::is_integral_v<T>) return "i" + std::to_string(sizeof(T));
  else return "s" + std::to_string(sizeof(T));
}
template <class... A> std::string signature(void (*)(A...)) {
  std::string s;
  ((s += (s.empty() ? "" : ",") + type_code<std::decay_t<A>>()), ...);
  return s;
}
struct Registrar {
  Entry e;
  Registrar(const char* n, LaunchFn f, std::string sig) : e{n, f, registry(), std::move(sig)} { registry() = &e; }
};

template <auto K, class... A>
void launch_typed(void (*)(A...), dim3 g, dim3 b, size_t smem, void** params) {
  // copy argument values at launch time (cuLaunchKernel semantics), then run every thread on them
  using Tup = std::tuple<std::decay_t<A>...>;
  Tup args = [&]<size_t... I>(std::index_sequence<I...>) {
    return Tup{*static_cast<std::decay_t<A>*>(params[I])...};
  }(std::index_sequence_for<A...>{});
  launch(g, b, smem, [](void* c) { std::apply(K, *static_cast<Tup*>(c)); }, &args);
}
template <auto K> void launch_entry(dim3 g, dim3 b, size_t smem, void** params) { launch_typed<K>(K, g, b, smem, params); }
}  // namespace emu

#define threadIdx (::emu::cur_tid())
#define blockIdx (::emu::cur_bid())
#define blockDim (::emu::cur_bdim())
#define gridDim (::emu::cur_gdim())
#define __syncthreads() ::emu::block_barrier(__LINE__)
#define __syncwarp(...) ::emu::warp_barrier(__LINE__)
// List kernels once in a host-only TU:  EMU_EXPORT(my_kernel)
#define EMU_EXPORT(k) static ::emu::Registrar emu_reg_##k(#k, &::emu::launch_entry<&k>, ::emu::signature(&k));

// ---------------------------------------------------------------- device intrinsics
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanhf(float x) { return tanhf(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float a) { return 1.0f / a; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __saturatef(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
// Round-to-nearest single operations: on the GPU they forbid multiply-add fusion; g++ (x86-64, SSE, and
// -ffp-contract=off in Duel's builds) never fuses, so they are the plain operations here.
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __dsqrt_rn(double a) { return sqrt(a); }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline int __float2int_rn(float x) { return (int)nearbyintf(x); }
inline int __float_as_int(float x) { int i; memcpy(&i, &x, 4); return i; }
inline float __int_as_float(int i) { float x; memcpy(&x, &i, 4); return x; }
inline unsigned __float_as_uint(float x) { unsigned i; memcpy(&i, &x, 4); return i; }
inline float __uint_as_float(unsigned i) { float x; memcpy(&x, &i, 4); return x; }
template <class T> inline T __ldg(const T* p) { return *p; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
using std::isnan;
using std::isinf;
using std::isfinite;
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __clz(int x) { return x ? __builtin_clz((unsigned)x) : 32; }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __threadfence_block() {}

// atomics: blocks run concurrently on OS threads -> real atomics on global memory
template <class T> inline T emu_atomic_rmw(T* p, T v, int op) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  U* q = reinterpret_cast<U*>(p);
  U old = __atomic_load_n(q, __ATOMIC_RELAXED), nw;
  for (;;) {
    T o; memcpy(&o, &old, sizeof(T)); T r;
    switch (op) { case 0: r = o + v; break; case 1: r = o > v ? o : v; break; case 2: r = o < v ? o : v; break; default: r = v; }
    memcpy(&nw, &r, sizeof(T));
    if (__atomic_compare_exchange_n(q, &old, nw, true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) return o;
  }
}
template <class T> inline T atomicAdd(T* p, T v) { return emu_atomic_rmw(p, v, 0); }
template <class T> inline T atomicMax(T* p, T v) { return emu_atomic_rmw(p, v, 1); }
template <class T> inline T atomicMin(T* p, T v) { return emu_atomic_rmw(p, v, 2); }
template <class T> inline T atomicExch(T* p, T v) { return emu_atomic_rmw(p, v, 3); }
inline int atomicCAS(int* p, int cmp, int v) { __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return cmp; }
inline unsigned atomicCAS(unsigned* p, unsigned cmp, unsigned v) { __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return cmp; }

// warp shuffles: lanes publish to a double-buffered per-warp slot array, then warp barrier
namespace emu {
template <class T> EMU_NO_TSAN inline T shfl_impl(T v, int src_lane_or_delta, int mode, int width, int site) {
  static_assert(sizeof(T) <= 8);
  Worker* w = tls_worker; Fiber& f = cur_fiber();
  unsigned g = w->warp_gen[f.warp];
  uint64_t* buf = &w->warp_buf[((g & 1) * (w->warp_gen.size()) + f.warp) * 32];
  uint64_t bits = 0; memcpy(&bits, &v, sizeof(T)); buf[f.lane] = bits;
  warp_barrier(site);
  int lane = (int)f.lane, seg = lane & ~(width - 1), src;
  switch (mode) {
    case 0: src = seg + (src_lane_or_delta & (width - 1)); break;                                        // __shfl_sync
    case 1: src = lane + src_lane_or_delta; if (src >= seg + width) src = lane; break;                  // down
    case 2: src = lane - src_lane_or_delta; if (src < seg) src = lane; break;                           // up
    default: src = lane ^ src_lane_or_delta; if (src >= seg + width) src = lane; break;                 // xor
  }
  T r; memcpy(&r, &buf[src], sizeof(T)); return r;
}
}  // namespace emu
#define __shfl_sync(m, v, s, ...) ::emu::shfl_impl((v), (s), 0, emu_width(__VA_ARGS__ +0), __LINE__)
#define __shfl_down_sync(m, v, d, ...) ::emu::shfl_impl((v), (d), 1, emu_width(__VA_ARGS__ +0), __LINE__)
#define __shfl_up_sync(m, v, d, ...) ::emu::shfl_impl((v), (d), 2, emu_width(__VA_ARGS__ +0), __LINE__)
#define __shfl_xor_sync(m, v, d, ...) ::emu::shfl_impl((v), (d), 3, emu_width(__VA_ARGS__ +0), __LINE__)
inline int emu_width(int w) { return w ? w : 32; }
inline unsigned __activemask() { return 0xFFFFFFFFu; }
