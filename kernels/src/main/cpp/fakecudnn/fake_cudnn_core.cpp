// Stand-in libcudnn.so.9, part 1: version, status strings, the handle and the 4-d descriptors.
#include "fake_cudnn.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace fakecudnn {

// Live objects by address, so a destroyed, foreign or wrong-kind pointer is a clean BAD_PARAM
// instead of undefined behaviour. Plain function-local statics: no thread_local with a destructor,
// which would pin the library in memory after dlclose.
static std::mutex& registryLock() { static std::mutex m; return m; }
static std::unordered_map<const void*, Kind>& registry() {
  static std::unordered_map<const void*, Kind> live;
  return live;
}
void registerObject(Kind kind, const void* p) {
  std::lock_guard<std::mutex> g(registryLock()); registry()[p] = kind;
}
void unregisterObject(const void* p) { std::lock_guard<std::mutex> g(registryLock()); registry().erase(p); }
bool isLive(Kind kind, const void* p) {
  std::lock_guard<std::mutex> g(registryLock());
  auto it = registry().find(p);
  return it != registry().end() && it->second == kind;
}

static __thread char lastError[512];   // trivially destructible on purpose (see above)

cudnnStatus_t fail(cudnnStatus_t status, const char* call, const char* fmt, ...) {
  int n = snprintf(lastError, sizeof lastError, "%s: ", call);
  if (n < 0 || n >= (int)sizeof lastError) n = 0;
  va_list ap; va_start(ap, fmt); vsnprintf(lastError + n, sizeof lastError - n, fmt, ap); va_end(ap);
  if (getenv("FAKE_CUDNN_VERBOSE")) fprintf(stderr, "fake libcudnn: %s\n", lastError);
  return status;
}

cudnnStatus_t checkHandle(const char* call, cudnnHandle_t h) {
  if (!h) return fail(CUDNN_STATUS_BAD_PARAM, call, "handle is NULL");
  if (!isLive(Kind::Handle, h)) return fail(CUDNN_STATUS_BAD_PARAM, call, "handle %p is not a live cudnnHandle_t", (void*)h);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t checkTensor(const char* call, const char* what, cudnnTensorDescriptor_t t) {
  if (!t || !isLive(Kind::Tensor, t))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "%s (%p) is not a live tensor descriptor", what, (void*)t);
  if (!t->set) return fail(CUDNN_STATUS_BAD_PARAM, call, "%s was created but never set", what);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t checkFilter(const char* call, const char* what, cudnnFilterDescriptor_t f) {
  if (!f || !isLive(Kind::Filter, f))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "%s (%p) is not a live filter descriptor", what, (void*)f);
  if (!f->set) return fail(CUDNN_STATUS_BAD_PARAM, call, "%s was created but never set", what);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t checkConv(const char* call, cudnnConvolutionDescriptor_t c) {
  if (!c || !isLive(Kind::Convolution, c))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "convDesc (%p) is not a live convolution descriptor", (void*)c);
  if (!c->set) return fail(CUDNN_STATUS_BAD_PARAM, call, "convDesc was created but never set");
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t scalars(const char* call, const void* alpha, const void* beta, float* a, float* b) {
  if (!alpha || !beta) return fail(CUDNN_STATUS_BAD_PARAM, call, "alpha or beta is NULL");
  *a = *(const float*)alpha; *b = *(const float*)beta;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t convDims(const char* call, cudnnTensorDescriptor_t x, cudnnFilterDescriptor_t w,
                       cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t y, ConvDims* d) {
  cudnnStatus_t st;
  if ((st = checkTensor(call, "x/dx descriptor", x)) || (st = checkFilter(call, "w/dw descriptor", w))
      || (st = checkConv(call, conv)) || (st = checkTensor(call, "y/dy descriptor", y))) return st;
  if (x->dataType != CUDNN_DATA_FLOAT || y->dataType != CUDNN_DATA_FLOAT || w->dataType != CUDNN_DATA_FLOAT
      || conv->computeType != CUDNN_DATA_FLOAT)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "only FLOAT data with FLOAT compute is implemented "
                "(x %d, w %d, y %d, compute %d)", x->dataType, w->dataType, y->dataType, conv->computeType);
  if (w->format != CUDNN_TENSOR_NCHW)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "only NCHW (KCRS) filters are implemented");
  if (x->c != w->c)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "x has %d channels but the filter %dx%dx%dx%d expects %d",
                x->c, w->k, w->c, w->r, w->s, w->c);
  int effR = (w->r - 1) * conv->dilH + 1, effS = (w->s - 1) * conv->dilW + 1;
  int hp = x->h + 2 * conv->padH, wp = x->w + 2 * conv->padW;
  if (hp < effR || wp < effS)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "filter %dx%d (dilated %dx%d) larger than padded input %dx%d",
                w->r, w->s, effR, effS, hp, wp);
  int p = (hp - effR) / conv->strideH + 1, q = (wp - effS) / conv->strideW + 1;
  if (y->n != x->n || y->c != w->k || y->h != p || y->w != q)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "y is %dx%dx%dx%d but x %dx%dx%dx%d, filter %dx%dx%dx%d, "
                "pad %dx%d, stride %dx%d give %dx%dx%dx%d", y->n, y->c, y->h, y->w, x->n, x->c, x->h, x->w,
                w->k, w->c, w->r, w->s, conv->padH, conv->padW, conv->strideH, conv->strideW, x->n, w->k, p, q);
  *d = ConvDims{x->n, x->c, x->h, x->w, w->k, w->r, w->s, p, q, conv->padH, conv->padW, conv->strideH,
                conv->strideW, conv->dilH, conv->dilW, conv->mode == CUDNN_CONVOLUTION};
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace fakecudnn

using namespace fakecudnn;

// ---- version, errors ----------------------------------------------------------------------------

FAKE_CUDNN_API size_t cudnnGetVersion(void) { return 90600; }   // 9.6.0: MAJOR*10000 + MINOR*100 + PATCH

FAKE_CUDNN_API const char* cudnnGetErrorString(cudnnStatus_t status) {
  switch (status) {
    case CUDNN_STATUS_SUCCESS: return "CUDNN_STATUS_SUCCESS";
    case CUDNN_STATUS_NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
    case CUDNN_STATUS_BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
    case CUDNN_STATUS_BAD_PARAM_NULL_POINTER: return "CUDNN_STATUS_BAD_PARAM_NULL_POINTER";
    case CUDNN_STATUS_NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
    case CUDNN_STATUS_INTERNAL_ERROR: return "CUDNN_STATUS_INTERNAL_ERROR";
    case CUDNN_STATUS_ALLOC_FAILED: return "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED";
    case CUDNN_STATUS_EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
    default: return "CUDNN_UNKNOWN_STATUS";
  }
}

FAKE_CUDNN_API void cudnnGetLastErrorString(char* message, size_t maxSize) {
  if (!message || maxSize == 0) return;
  snprintf(message, maxSize, "%s", lastError);
  lastError[0] = 0;
}

// ---- handle ------------------------------------------------------------------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
  if (!handle) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnCreate", "handle pointer is NULL");
  auto* h = new cudnnContext{nullptr};
  registerObject(Kind::Handle, h); *handle = h;
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) {
  if (cudnnStatus_t st = checkHandle("cudnnDestroy", handle)) return st;
  unregisterObject(handle); delete handle;
  return CUDNN_STATUS_SUCCESS;
}
// Work runs synchronously on the host, so the stream is only remembered.
FAKE_CUDNN_API cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, void* stream) {
  if (cudnnStatus_t st = checkHandle("cudnnSetStream", handle)) return st;
  handle->stream = stream;
  return CUDNN_STATUS_SUCCESS;
}

// ---- tensor descriptors ------------------------------------------------------------------------

static bool validDataType(int t) { return t >= CUDNN_DATA_FLOAT && t <= CUDNN_DATA_LAST_VALID; }

FAKE_CUDNN_API cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc) {
  if (!desc) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnCreateTensorDescriptor", "pointer is NULL");
  *desc = new cudnnTensorStruct{}; registerObject(Kind::Tensor, *desc);
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t desc, int format, int dataType,
                                                        int n, int c, int h, int w) {
  const char* call = "cudnnSetTensor4dDescriptor";
  if (!desc || !isLive(Kind::Tensor, desc)) return fail(CUDNN_STATUS_BAD_PARAM, call, "not a live tensor descriptor");
  if (format < CUDNN_TENSOR_NCHW || format > CUDNN_TENSOR_NCHW_VECT_C || !validDataType(dataType))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid format %d or data type %d", format, dataType);
  if (n <= 0 || c <= 0 || h <= 0 || w <= 0)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "dimensions %dx%dx%dx%d must be positive", n, c, h, w);
  if ((long long)n * c * h * w > 0x7fffffffLL)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "%dx%dx%dx%d exceeds 2^31-1 elements", n, c, h, w);
  if (format != CUDNN_TENSOR_NCHW)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "this stand-in implements only CUDNN_TENSOR_NCHW");
  *desc = cudnnTensorStruct{true, dataType, n, c, h, w};
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc) {
  if (!desc) return CUDNN_STATUS_SUCCESS;   // cuDNN accepts NULL here
  if (!isLive(Kind::Tensor, desc))
    return fail(CUDNN_STATUS_BAD_PARAM, "cudnnDestroyTensorDescriptor", "not a live tensor descriptor");
  unregisterObject(desc); delete desc;
  return CUDNN_STATUS_SUCCESS;
}

// ---- filter descriptors (note: dataType before format, the reverse of the tensor call) ----------

FAKE_CUDNN_API cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* desc) {
  if (!desc) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnCreateFilterDescriptor", "pointer is NULL");
  *desc = new cudnnFilterStruct{}; registerObject(Kind::Filter, *desc);
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t desc, int dataType, int format,
                                                        int k, int c, int h, int w) {
  const char* call = "cudnnSetFilter4dDescriptor";
  if (!desc || !isLive(Kind::Filter, desc)) return fail(CUDNN_STATUS_BAD_PARAM, call, "not a live filter descriptor");
  if (format < CUDNN_TENSOR_NCHW || format > CUDNN_TENSOR_NCHW_VECT_C || !validDataType(dataType))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid format %d or data type %d", format, dataType);
  if (k <= 0 || c <= 0 || h <= 0 || w <= 0)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "dimensions %dx%dx%dx%d must be positive", k, c, h, w);
  *desc = cudnnFilterStruct{true, dataType, format, k, c, h, w};
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t desc) {
  if (!desc) return CUDNN_STATUS_SUCCESS;
  if (!isLive(Kind::Filter, desc))
    return fail(CUDNN_STATUS_BAD_PARAM, "cudnnDestroyFilterDescriptor", "not a live filter descriptor");
  unregisterObject(desc); delete desc;
  return CUDNN_STATUS_SUCCESS;
}

// ---- convolution descriptors -------------------------------------------------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* desc) {
  if (!desc) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnCreateConvolutionDescriptor", "pointer is NULL");
  *desc = new cudnnConvolutionStruct{};
  (*desc)->mathType = CUDNN_DEFAULT_MATH;
  registerObject(Kind::Convolution, *desc);
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t desc, int padH, int padW,
                                                             int u, int v, int dilH, int dilW, int mode,
                                                             int computeType) {
  const char* call = "cudnnSetConvolution2dDescriptor";
  if (!desc || !isLive(Kind::Convolution, desc))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "not a live convolution descriptor");
  if (padH < 0 || padW < 0 || u <= 0 || v <= 0 || dilH <= 0 || dilW <= 0)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "pad %dx%d must be >= 0, stride %dx%d and dilation %dx%d > 0",
                padH, padW, u, v, dilH, dilW);
  if ((mode != CUDNN_CONVOLUTION && mode != CUDNN_CROSS_CORRELATION) || !validDataType(computeType))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid mode %d or compute type %d", mode, computeType);
  int math = desc->mathType;
  *desc = cudnnConvolutionStruct{true, padH, padW, u, v, dilH, dilW, mode, computeType, math};
  return CUDNN_STATUS_SUCCESS;
}
// Numerically every math type gives the same FP32 loops here; the type is stored and reported.
FAKE_CUDNN_API cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t desc, int mathType) {
  const char* call = "cudnnSetConvolutionMathType";
  if (!desc || !isLive(Kind::Convolution, desc))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "not a live convolution descriptor");
  if (mathType < CUDNN_DEFAULT_MATH || mathType > CUDNN_FMA_MATH)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid math type %d", mathType);
  desc->mathType = mathType;
  return CUDNN_STATUS_SUCCESS;
}
FAKE_CUDNN_API cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t desc) {
  if (!desc) return CUDNN_STATUS_SUCCESS;
  if (!isLive(Kind::Convolution, desc))
    return fail(CUDNN_STATUS_BAD_PARAM, "cudnnDestroyConvolutionDescriptor", "not a live convolution descriptor");
  unregisterObject(desc); delete desc;
  return CUDNN_STATUS_SUCCESS;
}

// ---- y[i] = value for every element (cudnn_ops.h; used to zero a tensor) -------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnSetTensor(cudnnHandle_t handle, cudnnTensorDescriptor_t yDesc, void* y,
                                            const void* valuePtr) {
  const char* call = "cudnnSetTensor";
  cudnnStatus_t st;
  if ((st = checkHandle(call, handle)) || (st = checkTensor(call, "yDesc", yDesc))) return st;
  if (!y || !valuePtr) return fail(CUDNN_STATUS_BAD_PARAM, call, "y or valuePtr is NULL");
  if (yDesc->dataType != CUDNN_DATA_FLOAT) return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "only FLOAT is implemented");
  float v = *(const float*)valuePtr;
  float* out = (float*)y;
  for (long long i = 0, n = (long long)yDesc->n * yDesc->c * yDesc->h * yDesc->w; i < n; ++i) out[i] = v;
  return CUDNN_STATUS_SUCCESS;
}
