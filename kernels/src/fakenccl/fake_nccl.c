/* Duel's stand-in libnccl.so.2: NCCL's C ABI (fake_nccl.h) doing the collectives between processes (or
 * threads) of one machine through a POSIX shared-memory segment, for the cuda-emu device, whose "device"
 * pointers are host pointers and whose launches are synchronous, so a collective runs to completion inside
 * the call whatever stream is passed.
 *
 * Rendezvous. ncclGetUniqueId writes "DUELNCCL", 8 random bytes and the creator's pid into the 128-byte id;
 * every rank of ncclCommInitRank(comm, n, id, r) opens the segment /duel-nccl-<random hex> (creating it if
 * first), checks that all agree on n, records its pid and waits for the n ranks; rank 0 then unlinks the
 * name (the mappings stay), so nothing is left in /dev/shm once a communicator is up.
 *
 * Segment: a header (n, the abort flag, per rank its pid, `posted` and `consumed` sequence numbers) and one
 * slot of FAKE_NCCL_CHUNK_BYTES (default 4 MiB) per rank. A collective is cut into chunks; chunk s is:
 *   1. wait until every rank has consumed chunk s-1 (so this rank's slot may be overwritten);
 *   2. copy this rank's part into its slot; posted[rank] = s (release);
 *   3. wait until every rank has posted s (acquire);
 *   4. compute the result from the slots: all-reduce folds them in rank order, acc = ((x0 ∘ x1) ∘ x2) ...,
 *      the same order on every rank, so every rank gets the same bits, and a run is reproducible;
 *      ncclAvg divides the sum by n at the end; broadcast copies the root's slot;
 *   5. consumed[rank] = s.
 *
 * Failure, never a hang: while waiting, a rank checks the abort flag (ncclCommAbort of any rank), whether
 * every peer's process is alive (kill(pid, 0) and not a zombie in /proc/pid/stat): a dead peer is
 * ncclRemoteError naming its rank; and a time limit, FAKE_NCCL_TIMEOUT_MS (default 300000): ncclSystemError
 * naming the rank waited for. The error is kept as the communicator's async error, and the message is
 * ncclGetLastError's. Group calls (ncclGroupStart/End) only nest: every call completes eagerly, which is
 * what one communicator per process needs.
 */
#define _GNU_SOURCE
#include "fake_nccl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

#define API __attribute__((visibility("default")))
#define MAX_RANKS 256
#define MAGIC 0x4C43434E4C455544ULL   /* "DUELNCCL" little-endian */
#define STANDIN_VERSION 22703         /* reports NCCL 2.27.3, the API it follows */

typedef struct {
  uint64_t magic;
  int32_t nranks;                       /* set by the first rank (CAS from 0) */
  int32_t aborted;                      /* rank + 1 of the first ncclCommAbort, 0 = none */
  int32_t pid[MAX_RANKS];
  int32_t arrived[MAX_RANKS];
  uint64_t posted[MAX_RANKS];
  uint64_t consumed[MAX_RANKS];
} Header;

struct ncclComm {
  Header* h;
  char* slots;                          /* nranks slots of chunk bytes after the header */
  size_t chunk, mapped;
  int rank, nranks;
  uint64_t seq;                         /* chunks done by this rank */
  ncclResult_t async;                   /* the first failure, for ncclCommGetAsyncError */
};

static __thread char last_error[512];
static __thread int group_depth;

static ncclResult_t fail(ncclComm_t c, ncclResult_t r, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  if (c && c->async == ncclSuccess && (r == ncclRemoteError || r == ncclSystemError)) c->async = r;
  return r;
}

static long long env_ll(const char* name, long long dflt) {
  const char* v = getenv(name);
  if (!v || !*v) return dflt;
  char* end;
  long long x = strtoll(v, &end, 10);
  return *end == 0 && x > 0 ? x : dflt;
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* True while process `pid` runs: it exists and is not a zombie waiting to be reaped. */
static int alive(int pid) {
  if (pid <= 0 || pid == getpid()) return 1;
  if (kill(pid, 0) != 0 && errno == ESRCH) return 0;
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = fopen(path, "r");
  if (!f) return 1;                     /* no /proc: kill() is all we know */
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char* p = strrchr(buf, ')');          /* "pid (comm) S ..." */
  return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* What a wait waits for: ready(c, i) for every rank i in [lo, hi). */
typedef int (*Ready)(ncclComm_t c, int i, uint64_t s);

static int has_posted(ncclComm_t c, int i, uint64_t s) { return __atomic_load_n(&c->h->posted[i], __ATOMIC_ACQUIRE) >= s; }
static int has_consumed(ncclComm_t c, int i, uint64_t s) { return __atomic_load_n(&c->h->consumed[i], __ATOMIC_ACQUIRE) >= s; }
static int has_arrived(ncclComm_t c, int i, uint64_t s) { (void)s; return __atomic_load_n(&c->h->arrived[i], __ATOMIC_ACQUIRE) != 0; }

static ncclResult_t wait_all(ncclComm_t c, int lo, int hi, Ready ready, uint64_t s, const char* what) {
  long long limit = env_ll("FAKE_NCCL_TIMEOUT_MS", 300000), start = now_ms(), checked = start;
  for (int spins = 0;; spins++) {
    int missing = -1;
    for (int i = lo; i < hi && missing < 0; i++) if (!ready(c, i, s)) missing = i;
    if (missing < 0) return ncclSuccess;
    int ab = __atomic_load_n(&c->h->aborted, __ATOMIC_ACQUIRE);
    if (ab) return fail(c, ncclRemoteError, "rank %d aborted the communicator (ncclCommAbort) while rank %d was in %s", ab - 1, c->rank, what);
    if (c->async != ncclSuccess) return fail(c, c->async, "rank %d's communicator was aborted while it waited in %s", c->rank, what);
    if (spins < 64) { sched_yield(); continue; }
    long long t = now_ms();
    if (t - checked >= 5) {
      checked = t;
      for (int i = 0; i < c->nranks; i++) {
        int pid = __atomic_load_n(&c->h->pid[i], __ATOMIC_ACQUIRE);
        if (pid && !ready(c, i, s) && !alive(pid))
          return fail(c, ncclRemoteError, "rank %d (pid %d) exited while rank %d waited for it in %s", i, pid, c->rank, what);
      }
      if (t - start > limit)
        return fail(c, ncclSystemError, "rank %d timed out after %lld ms waiting for rank %d in %s (FAKE_NCCL_TIMEOUT_MS)",
                    c->rank, limit, missing, what);
    }
    struct timespec nap = {0, 100000};    /* 0.1 ms: ranks share the machine's cores */
    nanosleep(&nap, NULL);
  }
}

static void segment_name(const ncclUniqueId* id, char* out, size_t n) {
  uint64_t token;
  memcpy(&token, id->internal + 8, 8);
  snprintf(out, n, "/duel-nccl-%016llx", (unsigned long long)token);
}

API ncclResult_t ncclGetVersion(int* version) {
  if (!version) return fail(NULL, ncclInvalidArgument, "ncclGetVersion: version is NULL");
  *version = STANDIN_VERSION;
  return ncclSuccess;
}

/* 1: this is Duel's stand-in (duel info and the tests tell it from NVIDIA's library by this symbol). */
API int fakeNcclIsStandIn(void) { return 1; }

API ncclResult_t ncclGetUniqueId(ncclUniqueId* id) {
  if (!id) return fail(NULL, ncclInvalidArgument, "ncclGetUniqueId: uniqueId is NULL");
  memset(id, 0, sizeof *id);
  uint64_t magic = MAGIC, token = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read(fd, &token, 8) != 8) {
    if (fd >= 0) close(fd);
    return fail(NULL, ncclSystemError, "ncclGetUniqueId: cannot read /dev/urandom: %s", strerror(errno));
  }
  close(fd);
  int32_t pid = getpid();
  memcpy(id->internal, &magic, 8);
  memcpy(id->internal + 8, &token, 8);
  memcpy(id->internal + 16, &pid, 4);
  return ncclSuccess;
}

API ncclResult_t ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank) {
  if (!comm) return fail(NULL, ncclInvalidArgument, "ncclCommInitRank: comm is NULL");
  *comm = NULL;
  uint64_t magic;
  memcpy(&magic, commId.internal, 8);
  if (magic != MAGIC)
    return fail(NULL, ncclInvalidArgument, "ncclCommInitRank: the unique id was not made by this library's ncclGetUniqueId");
  if (nranks < 1 || nranks > MAX_RANKS)
    return fail(NULL, ncclInvalidArgument, "ncclCommInitRank: nranks %d is outside 1..%d", nranks, MAX_RANKS);
  if (rank < 0 || rank >= nranks)
    return fail(NULL, ncclInvalidArgument, "ncclCommInitRank: rank %d is outside 0..%d", rank, nranks - 1);
  size_t chunk = (size_t)env_ll("FAKE_NCCL_CHUNK_BYTES", 4 << 20);
  chunk = (chunk + 63) & ~(size_t)63;
  size_t header = (sizeof(Header) + 4095) & ~(size_t)4095;
  size_t size = header + chunk * (size_t)nranks;
  char name[64];
  segment_name(&commId, name, sizeof name);
  int fd = shm_open(name, O_RDWR | O_CREAT, 0600);
  if (fd < 0) return fail(NULL, ncclSystemError, "ncclCommInitRank rank %d: shm_open %s: %s", rank, name, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) == 0 && (size_t)st.st_size < size && ftruncate(fd, (off_t)size) != 0) {
    int e = errno;
    close(fd);
    return fail(NULL, ncclSystemError, "ncclCommInitRank rank %d: cannot size %s to %zu bytes: %s", rank, name, size, strerror(e));
  }
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return fail(NULL, ncclSystemError, "ncclCommInitRank rank %d: mmap %s: %s", rank, name, strerror(errno));
  ncclComm_t c = calloc(1, sizeof *c);
  c->h = p;
  c->slots = (char*)p + header;
  c->chunk = chunk;
  c->mapped = size;
  c->rank = rank;
  c->nranks = nranks;
  int32_t expected = 0;
  if (!__atomic_compare_exchange_n(&c->h->nranks, &expected, nranks, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) && expected != nranks) {
    munmap(p, size);
    free(c);
    return fail(NULL, ncclInvalidUsage, "ncclCommInitRank: rank %d was told nranks %d, another rank %d", rank, nranks, expected);
  }
  int32_t zero = 0;
  if (!__atomic_compare_exchange_n(&c->h->arrived[rank], &zero, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    munmap(p, size);
    free(c);
    return fail(NULL, ncclInvalidUsage, "ncclCommInitRank: rank %d joined this communicator twice", rank);
  }
  __atomic_store_n(&c->h->pid[rank], (int32_t)getpid(), __ATOMIC_RELEASE);
  ncclResult_t r = wait_all(c, 0, nranks, has_arrived, 0, "ncclCommInitRank");
  if (rank == 0 || r != ncclSuccess) shm_unlink(name);  /* once everyone has it mapped (or never): no leftover */
  if (r != ncclSuccess) {
    munmap(p, size);
    free(c);
    return r;
  }
  *comm = c;
  return ncclSuccess;
}

static void release(ncclComm_t c) {
  munmap(c->h, c->mapped);
  free(c);
}

API ncclResult_t ncclCommDestroy(ncclComm_t comm) {
  if (!comm) return fail(NULL, ncclInvalidArgument, "ncclCommDestroy: comm is NULL");
  release(comm);
  return ncclSuccess;
}

API ncclResult_t ncclCommAbort(ncclComm_t comm) {
  if (!comm) return fail(NULL, ncclInvalidArgument, "ncclCommAbort: comm is NULL");
  int32_t zero = 0;
  __atomic_compare_exchange_n(&comm->h->aborted, &zero, comm->rank + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  /* Not unmapped: abort is how another thread stops a call that waits in this communicator (NCCL's documented use),
   * and that call still reads the segment until it sees the flag. The mapping goes with the process. */
  if (comm->async == ncclSuccess) comm->async = ncclRemoteError;
  return ncclSuccess;
}

API ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t* asyncError) {
  if (!comm || !asyncError) return fail(NULL, ncclInvalidArgument, "ncclCommGetAsyncError: NULL argument");
  int ab = __atomic_load_n(&comm->h->aborted, __ATOMIC_ACQUIRE);
  if (comm->async == ncclSuccess && ab && ab - 1 != comm->rank)
    fail(comm, ncclRemoteError, "rank %d aborted the communicator (ncclCommAbort)", ab - 1);
  *asyncError = comm->async;
  return ncclSuccess;
}

API ncclResult_t ncclCommCount(ncclComm_t comm, int* count) {
  if (!comm || !count) return fail(NULL, ncclInvalidArgument, "ncclCommCount: NULL argument");
  *count = comm->nranks;
  return ncclSuccess;
}

API ncclResult_t ncclCommUserRank(ncclComm_t comm, int* rank) {
  if (!comm || !rank) return fail(NULL, ncclInvalidArgument, "ncclCommUserRank: NULL argument");
  *rank = comm->rank;
  return ncclSuccess;
}

API const char* ncclGetErrorString(ncclResult_t r) {
  switch (r) {
    case ncclSuccess: return "no error";
    case ncclUnhandledCudaError: return "unhandled cuda error (run with NCCL_DEBUG=INFO for details)";
    case ncclSystemError: return "unhandled system error (run with NCCL_DEBUG=INFO for details)";
    case ncclInternalError: return "internal error - please report this issue to the NCCL developers";
    case ncclInvalidArgument: return "invalid argument (run with NCCL_DEBUG=WARN for details)";
    case ncclInvalidUsage: return "invalid usage (run with NCCL_DEBUG=WARN for details)";
    case ncclRemoteError: return "remote process exited or there was a network error";
    case ncclInProgress: return "NCCL operation in progress";
    default: return "unknown result code";
  }
}

API const char* ncclGetLastError(ncclComm_t comm) {
  (void)comm;
  return last_error;
}

API ncclResult_t ncclGroupStart(void) {
  group_depth++;
  return ncclSuccess;
}

API ncclResult_t ncclGroupEnd(void) {
  if (group_depth == 0) return fail(NULL, ncclInvalidUsage, "ncclGroupEnd: no matching ncclGroupStart");
  group_depth--;
  return ncclSuccess;
}

static size_t type_size(ncclDataType_t t) {
  switch (t) {
    case ncclInt8: case ncclUint8: return 1;
    case ncclFloat16: case ncclBfloat16: return 2;
    case ncclInt32: case ncclUint32: case ncclFloat32: return 4;
    case ncclInt64: case ncclUint64: case ncclFloat64: return 8;
    default: return 0;
  }
}

/* acc[i] = acc[i] ∘ x[i] for one element type; `finish` divides by n for ncclAvg. */
#define FOLD(T)                                                                        \
  static void fold_##T(T* acc, const T* x, size_t n, ncclRedOp_t op) {                  \
    for (size_t i = 0; i < n; i++) {                                                    \
      switch (op) {                                                                     \
        case ncclSum: case ncclAvg: acc[i] = (T)(acc[i] + x[i]); break;                 \
        case ncclProd: acc[i] = (T)(acc[i] * x[i]); break;                              \
        case ncclMax: if (x[i] > acc[i]) acc[i] = x[i]; break;                          \
        case ncclMin: if (x[i] < acc[i]) acc[i] = x[i]; break;                          \
      }                                                                                 \
    }                                                                                   \
  }                                                                                     \
  static void finish_##T(T* acc, size_t n, int ranks) {                                 \
    for (size_t i = 0; i < n; i++) acc[i] = (T)(acc[i] / (T)ranks);                     \
  }
FOLD(int8_t) FOLD(uint8_t) FOLD(int32_t) FOLD(uint32_t) FOLD(int64_t) FOLD(uint64_t) FOLD(float) FOLD(double)

static void fold(ncclDataType_t t, void* acc, const void* x, size_t n, ncclRedOp_t op) {
  switch (t) {
    case ncclInt8: fold_int8_t(acc, x, n, op); break;
    case ncclUint8: fold_uint8_t(acc, x, n, op); break;
    case ncclInt32: fold_int32_t(acc, x, n, op); break;
    case ncclUint32: fold_uint32_t(acc, x, n, op); break;
    case ncclInt64: fold_int64_t(acc, x, n, op); break;
    case ncclUint64: fold_uint64_t(acc, x, n, op); break;
    case ncclFloat32: fold_float(acc, x, n, op); break;
    case ncclFloat64: fold_double(acc, x, n, op); break;
    default: break;
  }
}

static void finish(ncclDataType_t t, void* acc, size_t n, int ranks) {
  switch (t) {
    case ncclInt8: finish_int8_t(acc, n, ranks); break;
    case ncclUint8: finish_uint8_t(acc, n, ranks); break;
    case ncclInt32: finish_int32_t(acc, n, ranks); break;
    case ncclUint32: finish_uint32_t(acc, n, ranks); break;
    case ncclInt64: finish_int64_t(acc, n, ranks); break;
    case ncclUint64: finish_uint64_t(acc, n, ranks); break;
    case ncclFloat32: finish_float(acc, n, ranks); break;
    case ncclFloat64: finish_double(acc, n, ranks); break;
    default: break;
  }
}

static ncclResult_t check_comm(ncclComm_t comm, const char* what) {
  if (!comm) return fail(NULL, ncclInvalidArgument, "%s: comm is NULL", what);
  if (comm->async != ncclSuccess)
    return fail(comm, comm->async, "%s on rank %d: the communicator failed before (%s)", what, comm->rank, last_error);
  return ncclSuccess;
}

/* One collective, chunk by chunk (the protocol at the top). root < 0: all-reduce with `op`; else broadcast. */
static ncclResult_t collective(const char* what, const void* send, void* recv, size_t count, ncclDataType_t type,
                               ncclRedOp_t op, int root, ncclComm_t c) {
  ncclResult_t r = check_comm(c, what);
  if (r != ncclSuccess) return r;
  size_t es = type_size(type);
  if (es == 0) return fail(c, ncclInvalidArgument, "%s on rank %d: datatype %d is not an ncclDataType_t", what, c->rank, (int)type);
  if (root < 0 && (type == ncclFloat16 || type == ncclBfloat16))
    return fail(c, ncclInvalidArgument, "%s on rank %d: half-precision reductions are not emulated by Duel's stand-in", what, c->rank);
  if (root < 0 && (op < ncclSum || op > ncclAvg))
    return fail(c, ncclInvalidArgument, "%s on rank %d: reduction op %d is not supported", what, c->rank, (int)op);
  if (root >= c->nranks)
    return fail(c, ncclInvalidArgument, "%s on rank %d: root %d is outside 0..%d", what, c->rank, root, c->nranks - 1);
  if (count > 0 && (!recv || ((root < 0 || root == c->rank) && !send)))
    return fail(c, ncclInvalidArgument, "%s on rank %d: NULL buffer for %zu elements", what, c->rank, count);
  size_t per = c->chunk / es;
  char label[96];
  for (size_t done = 0; done < count || (count == 0 && done == 0); done += per) {
    size_t n = count - done < per ? count - done : per;
    uint64_t s = ++c->seq;
    snprintf(label, sizeof label, "%s (collective chunk %llu)", what, (unsigned long long)s);
    if ((r = wait_all(c, 0, c->nranks, has_consumed, s - 1, label)) != ncclSuccess) return r;
    char* mine = c->slots + (size_t)c->rank * c->chunk;
    if (root < 0 || root == c->rank) memcpy(mine, (const char*)send + done * es, n * es);
    __atomic_store_n(&c->h->posted[c->rank], s, __ATOMIC_RELEASE);
    if ((r = wait_all(c, 0, c->nranks, has_posted, s, label)) != ncclSuccess) return r;
    char* out = (char*)recv + done * es;
    if (root >= 0) {
      memmove(out, c->slots + (size_t)root * c->chunk, n * es);
    } else {
      memcpy(out, c->slots, n * es);                        /* acc = x0, then ∘ x1, ∘ x2, ... in rank order */
      for (int i = 1; i < c->nranks; i++) fold(type, out, c->slots + (size_t)i * c->chunk, n, op);
      if (op == ncclAvg) finish(type, out, n, c->nranks);
    }
    __atomic_store_n(&c->h->consumed[c->rank], s, __ATOMIC_RELEASE);
    if (count == 0) break;
  }
  return ncclSuccess;
}

API ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
                               ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  return collective("ncclAllReduce", sendbuff, recvbuff, count, datatype, op, -1, comm);
}

API ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype, int root,
                               ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  if (root < 0) return fail(comm, ncclInvalidArgument, "ncclBroadcast: root %d is negative", root);
  return collective("ncclBroadcast", sendbuff, recvbuff, count, datatype, ncclSum, root, comm);
}
