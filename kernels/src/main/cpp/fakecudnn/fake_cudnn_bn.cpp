// Stand-in libcudnn.so.9, part 3: batch normalisation, spatial mode (statistics per channel c over
// the m = N·H·W values x[n,c,h,w]); a BatchNorm1d passes N×C×1×1.
//
//   μ_c = (1/m) Σ x,  σ²_c = (1/m) Σ (x − μ_c)²  (biased),  invStd_c = 1/sqrt(σ²_c + ε)
//   training forward: y = γ_c·(x − μ_c)·invStd_c + β_c, saved mean μ_c and saved invStd_c,
//     running mean ← f·μ_c + (1 − f)·running mean, running var ← f·σ²_c·m/(m − 1) + (1 − f)·running var
//   inference forward: y = γ_c·(x − mean_c)/sqrt(var_c + ε) + β_c with the given (running) statistics
//   backward, x̂ = (x − μ_c)·invStd_c: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ_c·invStd_c/m·(m·dy − dβ − x̂·dγ)
// Every output is blended as out = α·result + β·out (β = 0 never reads out). Sums are in float64.
#include "fake_cudnn.h"

#include <cmath>
#include <vector>

using namespace fakecudnn;

namespace {

typedef long long ll;

// Checks mode, the data descriptors (x and every other data tensor: same 4-d shape, FLOAT) and the
// 1×C×1×1 parameter descriptor shared by scale, bias, mean and variance.
cudnnStatus_t checkBn(const char* call, cudnnHandle_t handle, int mode, cudnnTensorDescriptor_t x,
                      cudnnTensorDescriptor_t other, const char* otherName, cudnnTensorDescriptor_t bn, double eps) {
  cudnnStatus_t st;
  if ((st = checkHandle(call, handle)) || (st = checkTensor(call, "xDesc", x)) || (st = checkTensor(call, otherName, other))
      || (st = checkTensor(call, "bnScaleBiasMeanVarDesc", bn))) return st;
  if (mode == CUDNN_BATCHNORM_PER_ACTIVATION)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "this stand-in implements only the SPATIAL modes");
  if (mode != CUDNN_BATCHNORM_SPATIAL && mode != CUDNN_BATCHNORM_SPATIAL_PERSISTENT)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid batchnorm mode %d", mode);
  if (x->dataType != CUDNN_DATA_FLOAT || other->dataType != CUDNN_DATA_FLOAT || bn->dataType != CUDNN_DATA_FLOAT)
    return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "only FLOAT tensors are implemented");
  if (other->n != x->n || other->c != x->c || other->h != x->h || other->w != x->w)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "%s is %dx%dx%dx%d but x is %dx%dx%dx%d", otherName, other->n, other->c,
                other->h, other->w, x->n, x->c, x->h, x->w);
  if (bn->n != 1 || bn->c != x->c || bn->h != 1 || bn->w != 1)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "bnScaleBiasMeanVarDesc is %dx%dx%dx%d, expected 1x%dx1x1 for x %dx%dx%dx%d",
                bn->n, bn->c, bn->h, bn->w, x->c, x->n, x->c, x->h, x->w);
  if (!(eps >= CUDNN_BN_MIN_EPSILON)) return fail(CUDNN_STATUS_BAD_PARAM, call, "epsilon %g < CUDNN_BN_MIN_EPSILON", eps);
  return CUDNN_STATUS_SUCCESS;
}

// Per channel: mean and biased variance over (n, h, w) of an NCHW tensor, two-pass in float64.
void channelStats(cudnnTensorDescriptor_t d, const float* x, std::vector<double>& mean, std::vector<double>& var) {
  ll hw = (ll)d->h * d->w, m = (ll)d->n * hw;
  mean.assign(d->c, 0.0); var.assign(d->c, 0.0);
  for (int c = 0; c < d->c; ++c) {
    double s = 0;
    for (int n = 0; n < d->n; ++n) for (ll i = 0; i < hw; ++i) s += x[((ll)n * d->c + c) * hw + i];
    double mu = s / m, v = 0;
    for (int n = 0; n < d->n; ++n) for (ll i = 0; i < hw; ++i) { double t = x[((ll)n * d->c + c) * hw + i] - mu; v += t * t; }
    mean[c] = mu; var[c] = v / m;
  }
}

}  // namespace

FAKE_CUDNN_API cudnnStatus_t cudnnDeriveBNTensorDescriptor(cudnnTensorDescriptor_t derived,
                                                           cudnnTensorDescriptor_t xDesc, int mode) {
  const char* call = "cudnnDeriveBNTensorDescriptor";
  if (!derived || !isLive(Kind::Tensor, derived))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "derivedBnDesc is not a live tensor descriptor");
  if (cudnnStatus_t st = checkTensor(call, "xDesc", xDesc)) return st;
  int type = xDesc->dataType == CUDNN_DATA_DOUBLE ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  if (mode == CUDNN_BATCHNORM_SPATIAL || mode == CUDNN_BATCHNORM_SPATIAL_PERSISTENT)
    *derived = cudnnTensorStruct{true, type, 1, xDesc->c, 1, 1};
  else if (mode == CUDNN_BATCHNORM_PER_ACTIVATION)
    *derived = cudnnTensorStruct{true, type, 1, xDesc->c, xDesc->h, xDesc->w};
  else
    return fail(CUDNN_STATUS_BAD_PARAM, call, "invalid batchnorm mode %d", mode);
  return CUDNN_STATUS_SUCCESS;
}

FAKE_CUDNN_API cudnnStatus_t cudnnBatchNormalizationForwardTraining(
    cudnnHandle_t handle, int mode, const void* alpha, const void* beta, cudnnTensorDescriptor_t xDesc, const void* x,
    cudnnTensorDescriptor_t yDesc, void* y, cudnnTensorDescriptor_t bnDesc, const void* bnScale, const void* bnBias,
    double exponentialAverageFactor, void* resultRunningMean, void* resultRunningVariance, double epsilon,
    void* resultSaveMean, void* resultSaveInvVariance) {
  const char* call = "cudnnBatchNormalizationForwardTraining";
  if (cudnnStatus_t st = checkBn(call, handle, mode, xDesc, yDesc, "yDesc", bnDesc, epsilon)) return st;
  float al, be;
  if (cudnnStatus_t st = scalars(call, alpha, beta, &al, &be)) return st;
  if (!x || !y || !bnScale || !bnBias) return fail(CUDNN_STATUS_BAD_PARAM, call, "x, y, bnScale or bnBias is NULL");
  if (!resultRunningMean != !resultRunningVariance)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "resultRunningMean and resultRunningVariance must both be NULL or both set");
  if (!resultSaveMean != !resultSaveInvVariance)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "resultSaveMean and resultSaveInvVariance must both be NULL or both set");
  ll hw = (ll)xDesc->h * xDesc->w, m = (ll)xDesc->n * hw;
  if (m < 2) return fail(CUDNN_STATUS_BAD_PARAM, call, "N*H*W = %lld: training needs more than one value per channel", m);
  std::vector<double> mean, var;
  channelStats(xDesc, (const float*)x, mean, var);
  const float *in = (const float*)x, *gamma = (const float*)bnScale, *shift = (const float*)bnBias;
  float* out = (float*)y;
  for (int c = 0; c < xDesc->c; ++c) {
    double invStd = 1.0 / std::sqrt(var[c] + epsilon);
    for (int n = 0; n < xDesc->n; ++n)
      for (ll i = 0; i < hw; ++i) {
        ll j = ((ll)n * xDesc->c + c) * hw + i;
        blend(&out[j], gamma[c] * (in[j] - mean[c]) * invStd + shift[c], al, be);
      }
    if (resultRunningMean) {
      float *rm = (float*)resultRunningMean, *rv = (float*)resultRunningVariance;
      double f = exponentialAverageFactor;
      rm[c] = (float)(f * mean[c] + (1 - f) * rm[c]);
      rv[c] = (float)(f * var[c] * m / (m - 1) + (1 - f) * rv[c]);
    }
    if (resultSaveMean) {
      ((float*)resultSaveMean)[c] = (float)mean[c];
      ((float*)resultSaveInvVariance)[c] = (float)invStd;
    }
  }
  return CUDNN_STATUS_SUCCESS;
}

FAKE_CUDNN_API cudnnStatus_t cudnnBatchNormalizationForwardInference(
    cudnnHandle_t handle, int mode, const void* alpha, const void* beta, cudnnTensorDescriptor_t xDesc, const void* x,
    cudnnTensorDescriptor_t yDesc, void* y, cudnnTensorDescriptor_t bnDesc, const void* bnScale, const void* bnBias,
    const void* estimatedMean, const void* estimatedVariance, double epsilon) {
  const char* call = "cudnnBatchNormalizationForwardInference";
  if (cudnnStatus_t st = checkBn(call, handle, mode, xDesc, yDesc, "yDesc", bnDesc, epsilon)) return st;
  float al, be;
  if (cudnnStatus_t st = scalars(call, alpha, beta, &al, &be)) return st;
  if (!x || !y || !bnScale || !bnBias || !estimatedMean || !estimatedVariance)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "a data pointer is NULL");
  ll hw = (ll)xDesc->h * xDesc->w;
  const float *in = (const float*)x, *gamma = (const float*)bnScale, *shift = (const float*)bnBias;
  const float *mean = (const float*)estimatedMean, *var = (const float*)estimatedVariance;
  float* out = (float*)y;
  for (int c = 0; c < xDesc->c; ++c) {
    double invStd = 1.0 / std::sqrt((double)var[c] + epsilon);
    for (int n = 0; n < xDesc->n; ++n)
      for (ll i = 0; i < hw; ++i) {
        ll j = ((ll)n * xDesc->c + c) * hw + i;
        blend(&out[j], gamma[c] * ((double)in[j] - mean[c]) * invStd + shift[c], al, be);
      }
  }
  return CUDNN_STATUS_SUCCESS;
}

FAKE_CUDNN_API cudnnStatus_t cudnnBatchNormalizationBackward(
    cudnnHandle_t handle, int mode, const void* alphaDataDiff, const void* betaDataDiff, const void* alphaParamDiff,
    const void* betaParamDiff, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t dyDesc,
    const void* dy, cudnnTensorDescriptor_t dxDesc, void* dx, cudnnTensorDescriptor_t bnDesc, const void* bnScale,
    void* dBnScaleResult, void* dBnBiasResult, double epsilon, const void* savedMean, const void* savedInvVariance) {
  const char* call = "cudnnBatchNormalizationBackward";
  cudnnStatus_t st;
  if ((st = checkBn(call, handle, mode, xDesc, dyDesc, "dyDesc", bnDesc, epsilon))
      || (st = checkBn(call, handle, mode, xDesc, dxDesc, "dxDesc", bnDesc, epsilon))) return st;
  float aData, bData, aParam, bParam;
  if ((st = scalars(call, alphaDataDiff, betaDataDiff, &aData, &bData))
      || (st = scalars(call, alphaParamDiff, betaParamDiff, &aParam, &bParam))) return st;
  if (!x || !dy || !dx || !bnScale || !dBnScaleResult || !dBnBiasResult)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "a data pointer is NULL");
  if (!savedMean != !savedInvVariance)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "savedMean and savedInvVariance must both be NULL or both set");
  ll hw = (ll)xDesc->h * xDesc->w, m = (ll)xDesc->n * hw;
  std::vector<double> mean(xDesc->c), invStd(xDesc->c);
  if (savedMean) {
    for (int c = 0; c < xDesc->c; ++c) {
      mean[c] = ((const float*)savedMean)[c]; invStd[c] = ((const float*)savedInvVariance)[c];
    }
  } else {   // recompute the batch statistics from x, as cuDNN does without the saved ones
    std::vector<double> var;
    channelStats(xDesc, (const float*)x, mean, var);
    for (int c = 0; c < xDesc->c; ++c) invStd[c] = 1.0 / std::sqrt(var[c] + epsilon);
  }
  const float *in = (const float*)x, *g = (const float*)dy, *gamma = (const float*)bnScale;
  float* gx = (float*)dx;
  for (int c = 0; c < xDesc->c; ++c) {
    double dBeta = 0, dGamma = 0;
    for (int n = 0; n < xDesc->n; ++n)
      for (ll i = 0; i < hw; ++i) {
        ll j = ((ll)n * xDesc->c + c) * hw + i;
        dBeta += g[j];
        dGamma += g[j] * (in[j] - mean[c]) * invStd[c];
      }
    double scale = gamma[c] * invStd[c] / m;
    for (int n = 0; n < xDesc->n; ++n)
      for (ll i = 0; i < hw; ++i) {
        ll j = ((ll)n * xDesc->c + c) * hw + i;
        double xhat = (in[j] - mean[c]) * invStd[c];
        blend(&gx[j], scale * ((double)m * g[j] - dBeta - xhat * dGamma), aData, bData);
      }
    blend(&((float*)dBnScaleResult)[c], dGamma, aParam, bParam);
    blend(&((float*)dBnBiasResult)[c], dBeta, aParam, bParam);
  }
  return CUDNN_STATUS_SUCCESS;
}
