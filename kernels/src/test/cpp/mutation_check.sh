#!/usr/bin/env bash
# mutation_check.sh -- proves the C++ tests can fail: each line plants a bug in a copy of the kernel sources
# (a dropped barrier, a wrong bound, a swapped stride...) and the named family, in the named variant, must
# fail ("killed"). Any "SURVIVED" is a hole in the tests. Takes ~6 minutes on 2 cores; not part of CI.
# Needs kernels/build.sh native first.
K=$(cd "$(dirname "$0")/../../.." && pwd)  # the kernels module
T=$K/target/native/tests/kernel_tests  # from kernels/build.sh native
W=$(mktemp -d)
ASAN=$(g++ -print-file-name=libasan.so); TSAN=$(g++ -print-file-name=libtsan.so)
mut() {  # name file sed-expr family variant(normal|asan|tsan|reverse)
  local name=$1 file=$2 expr=$3 fam=$4 var=${5:-normal}
  rm -rf $W/src && cp -r $K/src/main/cuda $W/src
  sed -i "$expr" $W/src/$file
  if cmp -s $W/src/$file $K/src/main/cuda/$file; then echo "MUTATION NOT APPLIED: $name"; return; fi
  $K/src/emu/gen_registry.sh $W/reg.cpp $W/names.txt $W/src >/dev/null
  local flags="-O1" envs=""
  case $var in
    asan) flags="-O1 -g -fsanitize=address -DEMU_SERIAL_BLOCKS -DDUEL_INDEX32_LIMIT=64"; envs="LD_PRELOAD=$ASAN DUEL_TEST_SMALL=1";;
    tsan) flags="-O1 -g -fsanitize=thread"; envs="LD_PRELOAD=$TSAN TSAN_OPTIONS=exitcode=66 EMU_MIN_BLOCKS_PER_THREAD=1";;
    reverse) envs="EMU_ORDER=reverse";;
  esac
  g++ -std=c++20 -fPIC -shared -ffp-contract=off -w $flags -I$W/src -I$K/src/emu $W/reg.cpp -o $W/lib.so -lpthread || { echo "BUILD FAILED: $name"; return; }
  if env $envs timeout 300 $T $W/lib.so $fam > $W/$name.log 2>&1; then echo "SURVIVED: $name ($fam, $var)"; else echo "killed: $name ($fam, $var)"; fi
}
mut relu_nan unary_ops.cuh 's/return (x > 0.0f || x != x) ? x : 0.0f;/return x > 0.0f ? x : 0.0f;/' elementwise
mut strided_b binary_ops.cuh 's/o1 += id \* s.stride1\[d\];/o1 += id * s.stride0[d];/' elementwise
mut reduce_barrier common.cuh '0,/  __syncthreads();$/{/  if (lane == 0) warp_total\[warp\] = v;/{n;d}}' reduce
mut reduce_barrier_tsan common.cuh '0,/  __syncthreads();$/{/  if (lane == 0) warp_total\[warp\] = v;/{n;d}}' race tsan
mut gemm_bounds_asan gemm.cu 's/if (gi < m \&\& gk < k) a =/if (gi < m) a =/' gemm asan
mut gemm_barrier gemm.cu 's|__syncthreads();  // the next slab overwrites As/Bs|// removed|' gemm
mut rng_sincos philox.cuh 's/__dmul_rn(rho, c)/__dmul_rn(rho, s_)/; s/__dmul_rn(rho, s)/__dmul_rn(rho, c)/; s/s_)/s)/' rng
mut philox_key philox.cuh 's/k0 += DUEL_PHILOX_W0; k1 += DUEL_PHILOX_W1;/k0 += DUEL_PHILOX_W1; k1 += DUEL_PHILOX_W0;/' rng
mut col2im_stride conv.cu 's/if (ph < 0 || ph % strideH != 0 || ph \/ strideH >= p) continue;/if (ph < 0 || ph \/ strideH >= p) continue;/' conv
mut bn_var batchnorm.cu 's|const float var = duel_block_reduce_all(DUEL_COMBINE_SUM, ss) / (float)m;|const float var = duel_block_reduce_all(DUEL_COMBINE_SUM, ss) / (float)(m + 1);|' batchnorm
mut adam_bc optim.cu 's/pow((double)beta1, (double)t)/pow((double)beta1, 1.0)/' optim
mut xent_label losses.cu 's/mu + logf(sum) - zr\[label\]/mu + logf(sum)/' losses
mut scatter_atomic_tsan embedding.cu 's/atomicAdd(&gWeight\[(long long)row \* dim + d\], gOut\[e\]);/gWeight[(long long)row * dim + d] += gOut[e];/' race tsan
mut upsample_bwd upsample.cu 's/for (int i = 0; i < f; ++i)/for (int i = 0; i < f - 1; ++i)/' upsample
mut fill_bound elementwise.cu 's/for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) y\[i\] = value;/for (long long i = duel_thread_index(); i <= n; i += duel_thread_count()) y[i] = value;/' elementwise
mut dropout_mask dropout.cu 's/const float mi = duel_uniform01(w\[lane\]) < q ? scale : 0.0f;/const float mi = scale;/' dropout
mut cols_reduce reduce.cu 's/acc = duel_combine(kind, acc, duel_reduce_map(op, xo\[(long long)l \* inner\]));/acc = duel_combine(kind, acc, duel_reduce_map(op, xo[(long long)l]));/' reduce
mut sgd_nesterov optim.cu 's/nesterov ? gi + momentum \* vi : vi/vi/' optim
mut bn_bwd batchnorm.cu 's/gx\[e\] = k \* (mf \* gy\[e\] - gb - xh \* gg);/gx[e] = k * (mf * gy[e] - gb);/' batchnorm
mut im2col_pad conv.cu 's/const int hi = pi \* strideH + ri - padH, wi = qi \* strideW + si - padW;/const int hi = pi * strideH + ri - padH, wi = qi * strideW + si;/' conv
mut copy_dst elementwise.cu 's/dst\[od\] = src\[os\];/dst[os] = src[os];/' elementwise
mut unary_bwd_sigmoid unary_ops.cuh 's/case DUEL_UNARY_SIGMOID: return y \* (1.0f - y);/case DUEL_UNARY_SIGMOID: return y;/' activations
mut hinge_grad losses.cu 's/return m < 1.0f ? -t : (m == m ? 0.0f : m);/return m <= 0.0f ? -t : 0.0f;/' losses
mut gather_oob embedding.cu 's/(row >= 0 \&\& row < rows) ? weight\[(long long)row \* dim + d\] : duel_nan()/weight[(long long)row * dim + d]/' embedding asan
