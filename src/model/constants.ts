/** Constants of the performance model shared by its phases (each with its source or status). */

export const GIB = 2 ** 30;
/** HBM capacities are sold in binary units: an "80 GB" H100 shows 81,559 MiB (0.9956 of 80 GiB). */
export const USABLE_HBM_FRACTION = 0.9956;
/** CUDA context, cuBLAS/NCCL workspaces and communication buffers, GiB (general measurement). */
export const WORKSPACE_GIB = 2.5;
/** Caching-allocator fragmentation, as a fraction of activation memory (assumption). */
export const FRAGMENTATION = 0.08;
/** Element-wise kernels per layer forward (norms, residual adds, activation, RoPE, casts). */
export const ELEMENTWISE_KERNELS = 12;
/** Adam step and gradient-norm pass: bytes read and written per local parameter (FP32 state). */
export const OPTIMIZER_BYTES_PER_PARAM = 36;
/** SMs a dispatch/combine kernel occupies while overlapped (Megatron-Core's DeepEP default: 20). */
export const COMM_SMS = 20;
/** SMs assumed when the catalog does not give a GPU's count (H100 SXM5). */
export const DEFAULT_SM_COUNT = 132;
