package dev.duel.engine.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.NoSuchElementException;

/**
 * Downcall handles for the cuDNN 9 functions Duel calls, with their C signatures (x86-64/aarch64 LP64:
 * cudnnStatus_t and the enums are int, size_t is long, every handle, descriptor and data pointer is
 * an address). Binding fails with the name of the first missing symbol.
 */
final class CudnnFunctions {

  private static final MemoryLayout P = ADDRESS;
  private static final MemoryLayout I = JAVA_INT;
  private static final MemoryLayout L = JAVA_LONG;
  private static final MemoryLayout D = JAVA_DOUBLE;

  // cudnn_graph.h
  final MethodHandle getVersion;          // size_t cudnnGetVersion(void)
  final MethodHandle getErrorString;      // const char* cudnnGetErrorString(cudnnStatus_t)
  final MethodHandle getLastErrorString;  // void cudnnGetLastErrorString(char*, size_t); null if absent
  final MethodHandle create;              // (cudnnHandle_t*)
  final MethodHandle destroy;             // (cudnnHandle_t)
  final MethodHandle setStream;           // (cudnnHandle_t, cudaStream_t)
  // cudnn_ops.h
  final MethodHandle createTensorDescriptor;
  final MethodHandle setTensor4dDescriptor;   // (desc, format, dataType, n, c, h, w)
  final MethodHandle destroyTensorDescriptor;
  final MethodHandle setTensor;               // (handle, yDesc, y, const void* value)
  final MethodHandle createFilterDescriptor;
  final MethodHandle setFilter4dDescriptor;   // (desc, dataType, format, k, c, h, w): type before format!
  final MethodHandle destroyFilterDescriptor;
  final MethodHandle deriveBNTensorDescriptor;                // (derived, xDesc, mode)
  final MethodHandle batchNormalizationForwardTraining;
  final MethodHandle batchNormalizationForwardInference;
  final MethodHandle batchNormalizationBackward;
  // cudnn_cnn.h
  final MethodHandle createConvolutionDescriptor;
  final MethodHandle setConvolution2dDescriptor;  // (desc, padH, padW, u, v, dilH, dilW, mode, computeType)
  final MethodHandle setConvolutionMathType;
  final MethodHandle destroyConvolutionDescriptor;
  final MethodHandle getForwardAlgorithmV7;
  final MethodHandle getBackwardDataAlgorithmV7;
  final MethodHandle getBackwardFilterAlgorithmV7;
  final MethodHandle findForwardAlgorithm;
  final MethodHandle findBackwardDataAlgorithm;
  final MethodHandle findBackwardFilterAlgorithm;
  final MethodHandle findForwardAlgorithmEx;
  final MethodHandle findBackwardDataAlgorithmEx;
  final MethodHandle findBackwardFilterAlgorithmEx;
  final MethodHandle getForwardWorkspaceSize;
  final MethodHandle getBackwardDataWorkspaceSize;
  final MethodHandle getBackwardFilterWorkspaceSize;
  final MethodHandle convolutionForward;
  final MethodHandle convolutionBackwardData;
  final MethodHandle convolutionBackwardFilter;

  private final SymbolLookup lookup;
  private final Linker linker = Linker.nativeLinker();

  /** @throws NoSuchElementException naming the first required symbol the library lacks */
  CudnnFunctions(SymbolLookup lookup) {
    this.lookup = lookup;
    getVersion = fn("cudnnGetVersion", FunctionDescriptor.of(L));
    getErrorString = fn("cudnnGetErrorString", FunctionDescriptor.of(P, I));
    getLastErrorString = lookup.find("cudnnGetLastErrorString")
        .map(a -> linker.downcallHandle(a, FunctionDescriptor.ofVoid(P, L))).orElse(null);
    create = status("cudnnCreate", P);
    destroy = status("cudnnDestroy", P);
    setStream = status("cudnnSetStream", P, P);

    createTensorDescriptor = status("cudnnCreateTensorDescriptor", P);
    setTensor4dDescriptor = status("cudnnSetTensor4dDescriptor", P, I, I, I, I, I, I);
    destroyTensorDescriptor = status("cudnnDestroyTensorDescriptor", P);
    setTensor = status("cudnnSetTensor", P, P, P, P);
    createFilterDescriptor = status("cudnnCreateFilterDescriptor", P);
    setFilter4dDescriptor = status("cudnnSetFilter4dDescriptor", P, I, I, I, I, I, I);
    destroyFilterDescriptor = status("cudnnDestroyFilterDescriptor", P);
    deriveBNTensorDescriptor = status("cudnnDeriveBNTensorDescriptor", P, P, I);
    // (handle, mode, alpha, beta, xDesc, x, yDesc, y, bnDesc, scale, bias, expAvgFactor,
    //  runningMean, runningVar, epsilon, saveMean, saveInvVariance)
    batchNormalizationForwardTraining = status("cudnnBatchNormalizationForwardTraining",
        P, I, P, P, P, P, P, P, P, P, P, D, P, P, D, P, P);
    // (handle, mode, alpha, beta, xDesc, x, yDesc, y, bnDesc, scale, bias, estMean, estVar, epsilon)
    batchNormalizationForwardInference = status("cudnnBatchNormalizationForwardInference",
        P, I, P, P, P, P, P, P, P, P, P, P, P, D);
    // (handle, mode, alphaData, betaData, alphaParam, betaParam, xDesc, x, dyDesc, dy, dxDesc, dx,
    //  bnDesc, scale, dScale, dBias, epsilon, savedMean, savedInvVariance)
    batchNormalizationBackward = status("cudnnBatchNormalizationBackward",
        P, I, P, P, P, P, P, P, P, P, P, P, P, P, P, P, D, P, P);

    createConvolutionDescriptor = status("cudnnCreateConvolutionDescriptor", P);
    setConvolution2dDescriptor = status("cudnnSetConvolution2dDescriptor", P, I, I, I, I, I, I, I, I);
    setConvolutionMathType = status("cudnnSetConvolutionMathType", P, I);
    destroyConvolutionDescriptor = status("cudnnDestroyConvolutionDescriptor", P);
    // (handle, 4 descriptors, requestedAlgoCount, int* returnedAlgoCount, perf*)
    getForwardAlgorithmV7 = status("cudnnGetConvolutionForwardAlgorithm_v7", P, P, P, P, P, I, P, P);
    getBackwardDataAlgorithmV7 = status("cudnnGetConvolutionBackwardDataAlgorithm_v7", P, P, P, P, P, I, P, P);
    getBackwardFilterAlgorithmV7 = status("cudnnGetConvolutionBackwardFilterAlgorithm_v7", P, P, P, P, P, I, P, P);
    findForwardAlgorithm = status("cudnnFindConvolutionForwardAlgorithm", P, P, P, P, P, I, P, P);
    findBackwardDataAlgorithm = status("cudnnFindConvolutionBackwardDataAlgorithm", P, P, P, P, P, I, P, P);
    findBackwardFilterAlgorithm = status("cudnnFindConvolutionBackwardFilterAlgorithm", P, P, P, P, P, I, P, P);
    // (handle, desc, ptr, desc, ptr, convDesc, desc, ptr, requested, int* returned, perf*, ws, wsBytes)
    findForwardAlgorithmEx = status("cudnnFindConvolutionForwardAlgorithmEx", P, P, P, P, P, P, P, P, I, P, P, P, L);
    findBackwardDataAlgorithmEx = status("cudnnFindConvolutionBackwardDataAlgorithmEx",
        P, P, P, P, P, P, P, P, I, P, P, P, L);
    findBackwardFilterAlgorithmEx = status("cudnnFindConvolutionBackwardFilterAlgorithmEx",
        P, P, P, P, P, P, P, P, I, P, P, P, L);
    // (handle, 4 descriptors, algo, size_t*)
    getForwardWorkspaceSize = status("cudnnGetConvolutionForwardWorkspaceSize", P, P, P, P, P, I, P);
    getBackwardDataWorkspaceSize = status("cudnnGetConvolutionBackwardDataWorkspaceSize", P, P, P, P, P, I, P);
    getBackwardFilterWorkspaceSize = status("cudnnGetConvolutionBackwardFilterWorkspaceSize", P, P, P, P, P, I, P);
    // (handle, alpha, desc, ptr, desc, ptr, convDesc, algo, ws, wsBytes, beta, desc, ptr)
    convolutionForward = status("cudnnConvolutionForward", P, P, P, P, P, P, P, I, P, L, P, P, P);
    convolutionBackwardData = status("cudnnConvolutionBackwardData", P, P, P, P, P, P, P, I, P, L, P, P, P);
    convolutionBackwardFilter = status("cudnnConvolutionBackwardFilter", P, P, P, P, P, P, P, I, P, L, P, P, P);
  }

  private MethodHandle status(String name, MemoryLayout... args) {
    return fn(name, FunctionDescriptor.of(JAVA_INT, args));
  }

  private MethodHandle fn(String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(lookup.find(name).orElseThrow(() -> new NoSuchElementException(name)), descriptor);
  }
}
