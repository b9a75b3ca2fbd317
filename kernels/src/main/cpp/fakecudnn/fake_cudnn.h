// Stand-in for cuDNN 9's legacy API (libcudnn.so.9): the subset Duel calls, computed on the host.
//
// In emulation the "device pointers" handed to cuDNN are host pointers (the fake libcuda's cuMemAlloc
// returns malloc'ed memory), so every function here just dereferences them. The enum values and the
// C signatures are cuDNN 9.x's (cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h); the arguments are validated
// the way cuDNN documents (BAD_PARAM for shapes that do not fit, NOT_SUPPORTED for modes this
// stand-in does not implement) and every failure leaves a message for cudnnGetLastErrorString.
//
// Shape legend: input x is N×C×H×W, filter w is K×C×R×S, output y is N×K×P×Q.
#pragma once

#include <cstddef>
#include <cstdint>

typedef int cudnnStatus_t;

// ---- cudnnStatus_t (cudnn_graph.h) ------------------------------------------------------------
enum {
  CUDNN_STATUS_SUCCESS = 0,
  CUDNN_STATUS_NOT_INITIALIZED = 1001,
  CUDNN_STATUS_BAD_PARAM = 2000,
  CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002,
  CUDNN_STATUS_NOT_SUPPORTED = 3000,
  CUDNN_STATUS_INTERNAL_ERROR = 4000,
  CUDNN_STATUS_ALLOC_FAILED = 4003,  // = CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED
  CUDNN_STATUS_EXECUTION_FAILED = 5000,
};

// ---- enums (cudnn_graph.h, cudnn_ops.h) -------------------------------------------------------
enum { CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1, CUDNN_DATA_LAST_VALID = 14 };
enum { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1, CUDNN_TENSOR_NCHW_VECT_C = 2 };
enum { CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
       CUDNN_FMA_MATH = 3 };
enum { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 };
enum { CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1 };
enum { CUDNN_BATCHNORM_PER_ACTIVATION = 0, CUDNN_BATCHNORM_SPATIAL = 1,
       CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2 };
enum {
  CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
  CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2, CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3,
  CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4, CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8,
};
enum {
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6,
};
enum {
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7,
};
#define CUDNN_BN_MIN_EPSILON 0.0

// ---- the perf struct shared by the three Find/Get calls (same layout for all three) -----------
struct AlgoPerf {   // cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: 48 bytes on LP64
  int algo;
  cudnnStatus_t status;
  float time;       // milliseconds; -1 when not measured
  size_t memory;    // workspace bytes
  int determinism;
  int mathType;
  int reserved[3];
};
static_assert(sizeof(AlgoPerf) == 48, "cudnn*AlgoPerf_t is 48 bytes on LP64");

// ---- the opaque objects behind cuDNN's handles ------------------------------------------------
struct cudnnContext { void* stream; };
struct cudnnTensorStruct { bool set; int dataType, n, c, h, w; };
struct cudnnFilterStruct { bool set; int dataType, format, k, c, r, s; };
struct cudnnConvolutionStruct {
  bool set; int padH, padW, strideH, strideW, dilH, dilW, mode, computeType, mathType;
};
typedef cudnnContext* cudnnHandle_t;
typedef cudnnTensorStruct* cudnnTensorDescriptor_t;
typedef cudnnFilterStruct* cudnnFilterDescriptor_t;
typedef cudnnConvolutionStruct* cudnnConvolutionDescriptor_t;

// ---- shared helpers (fake_cudnn_core.cpp) -----------------------------------------------------
namespace fakecudnn {

enum class Kind { Handle, Tensor, Filter, Convolution };

void registerObject(Kind kind, const void* p);
void unregisterObject(const void* p);
bool isLive(Kind kind, const void* p);

// Records "call: message" for cudnnGetLastErrorString and returns status.
cudnnStatus_t fail(cudnnStatus_t status, const char* call, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Checks that a handle / descriptor is live and set (valid for `call`); SUCCESS or the failure.
cudnnStatus_t checkHandle(const char* call, cudnnHandle_t h);
cudnnStatus_t checkTensor(const char* call, const char* what, cudnnTensorDescriptor_t t);
cudnnStatus_t checkFilter(const char* call, const char* what, cudnnFilterDescriptor_t f);
cudnnStatus_t checkConv(const char* call, cudnnConvolutionDescriptor_t c);

// The 4-d sizes of a convolution, validated against each other (x, w, conv, y all checked).
struct ConvDims {
  int n, c, h, w, k, r, s, p, q, padH, padW, strideH, strideW, dilH, dilW;
  bool flip;   // CUDNN_CONVOLUTION: the filter is used rotated by 180°
  long long colElems() const { return (long long)c * r * s * p * q; }   // one image's im2col matrix
};
cudnnStatus_t convDims(const char* call, cudnnTensorDescriptor_t x, cudnnFilterDescriptor_t w,
                       cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t y, ConvDims* out);

// alpha/beta are host pointers to float (FLOAT data): read them, reject NULL.
cudnnStatus_t scalars(const char* call, const void* alpha, const void* beta, float* a, float* b);

// out = alpha·value + beta·out, where beta == 0 never reads out (so NaN there does not propagate).
inline void blend(float* out, double value, float alpha, float beta) {
  *out = beta == 0.0f ? (float)(alpha * value) : (float)(alpha * value + (double)beta * *out);
}

}  // namespace fakecudnn

#define FAKE_CUDNN_API extern "C" __attribute__((visibility("default")))
