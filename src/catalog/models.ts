import type { ModelConfig } from '../spec/types.js';

/** Models by id, from their own published configs (source on each entry). */
export const MODELS: Readonly<Record<string, ModelConfig>> = {
  'gpt3-175b': {
    name: 'GPT-3 175B',
    layers: 96, hidden: 12288, heads: 96, kvHeads: 96, headDim: 128, ffnHidden: 49152, gatedMlp: false, vocab: 51200,
    source: 'Brown et al. 2020, Table 2.1 (96 layers, d_model 12288, 96 heads); vocab 50257 padded to 51200 as in Megatron-LM',
  },
  'llama2-7b': {
    name: 'Llama 2 7B',
    layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, ffnHidden: 11008, gatedMlp: true, vocab: 32000,
    source: 'meta-llama/Llama-2-7b-hf config.json; Touvron et al. 2023',
  },
  'llama2-13b': {
    name: 'Llama 2 13B',
    layers: 40, hidden: 5120, heads: 40, kvHeads: 40, headDim: 128, ffnHidden: 13824, gatedMlp: true, vocab: 32000,
    source: 'meta-llama/Llama-2-13b-hf config.json',
  },
  'llama2-70b': {
    name: 'Llama 2 70B',
    layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128, ffnHidden: 28672, gatedMlp: true, vocab: 32000,
    source: 'meta-llama/Llama-2-70b-hf config.json (GQA, 8 KV heads)',
  },
  'llama3-8b': {
    name: 'Llama 3 8B',
    layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffnHidden: 14336, gatedMlp: true, vocab: 128256,
    source: 'Llama 3 paper (arXiv 2407.21783) Table 3; meta-llama/Meta-Llama-3-8B config.json',
  },
  'llama3-70b': {
    name: 'Llama 3 70B',
    layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128, ffnHidden: 28672, gatedMlp: true, vocab: 128256,
    source: 'Llama 3 paper (arXiv 2407.21783) Table 3',
  },
  'llama3-405b': {
    name: 'Llama 3.1 405B',
    layers: 126, hidden: 16384, heads: 128, kvHeads: 8, headDim: 128, ffnHidden: 53248, gatedMlp: true, vocab: 128256,
    source: 'Llama 3 paper (arXiv 2407.21783) Table 3',
  },
  'mixtral-8x7b': {
    name: 'Mixtral 8x7B',
    layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffnHidden: 14336, gatedMlp: true, vocab: 32000,
    moe: { experts: 8, topK: 2, ffnHidden: 14336, sharedExperts: 0, denseLayers: 0 },
    source: 'mistralai/Mixtral-8x7B-v0.1 config.json; Jiang et al. 2024',
  },
  'mixtral-8x22b': {
    name: 'Mixtral 8x22B',
    layers: 56, hidden: 6144, heads: 48, kvHeads: 8, headDim: 128, ffnHidden: 16384, gatedMlp: true, vocab: 32768,
    moe: { experts: 8, topK: 2, ffnHidden: 16384, sharedExperts: 0, denseLayers: 0 },
    source: 'mistralai/Mixtral-8x22B-v0.1 config.json',
  },
  'grok-1': {
    name: 'Grok-1',
    layers: 64, hidden: 6144, heads: 48, kvHeads: 8, headDim: 128, ffnHidden: 32768, gatedMlp: true, vocab: 131072,
    moe: { experts: 8, topK: 2, ffnHidden: 32768, sharedExperts: 0, denseLayers: 0 },
    source: 'github.com/xai-org/grok-1 run.py and model.py (64 layers, 6144 hidden, 48 Q / 8 KV heads, 8 experts top-2, gated GELU, vocab 131072)',
  },
  'grok-class-2.8t': {
    name: 'grok-class-2.8t',
    layers: 128, hidden: 16384, heads: 128, kvHeads: 8, headDim: 128, ffnHidden: 53248, gatedMlp: true, vocab: 131072,
    moe: { experts: 8, topK: 2, ffnHidden: 53248, sharedExperts: 0, denseLayers: 0, balancer: 'loss-free' },
    source: 'hypothetical 2.8T-parameter Grok-1-style MoE (8 experts top-2, scaled up) used by scenarios/colossus.yaml; not a published model [A]; balancer: assumed to train with an auxiliary-loss-free balancer (DeepSeek-V3 style, arXiv 2408.15664) [A] — the aux-loss spread measured on 64 fine-grained experts would give its 8 ranks a 1.38x busiest-rank load',
  },
  'deepseek-v3': {
    name: 'DeepSeek-V3',
    layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 192, ffnHidden: 18432, gatedMlp: true, vocab: 129280,
    mla: { qLoraRank: 1536, kvLoraRank: 512, qkRopeDim: 64, vHeadDim: 128 },
    moe: { experts: 256, topK: 8, ffnHidden: 2048, sharedExperts: 1, denseLayers: 3, routingGroups: 8, groupTopK: 4, balancer: 'loss-free' },
    source: 'DeepSeek-V3 report (arXiv 2412.19437) / config_671B.json: MLA q_lora_rank 1536, kv_lora_rank 512, qk_nope_head_dim 128 + qk_rope_head_dim 64, v_head_dim 128 (MTP module not represented); group-limited routing: n_group 8, topk_group 4 (at most 4 nodes per token on 8 nodes, report §2.1.2); auxiliary-loss-free load balancing (report §2.1.2)',
  },
  'nemotron-4-340b': {
    name: 'Nemotron-4 340B',
    layers: 96, hidden: 18432, heads: 96, kvHeads: 8, headDim: 192, ffnHidden: 73728, gatedMlp: false, vocab: 256000,
    source: 'Nemotron-4-340B-Base config (96 layers, hidden 18432, 96 heads / 8 KV, ffn 73728 squared-ReLU)',
  },
  'qwen3-235b-a22b': {
    name: 'Qwen3-235B-A22B',
    layers: 94, hidden: 4096, heads: 64, kvHeads: 4, headDim: 128, ffnHidden: 12288, gatedMlp: true, vocab: 151936,
    moe: { experts: 128, topK: 8, ffnHidden: 1536, sharedExperts: 0, denseLayers: 0 },
    source: 'Qwen/Qwen3-235B-A22B config.json (head_dim 128, 128 experts top-8, moe_intermediate_size 1536)',
  },
  'qwen3-30b-a3b': {
    name: 'Qwen3-30B-A3B',
    layers: 48, hidden: 2048, heads: 32, kvHeads: 4, headDim: 128, ffnHidden: 6144, gatedMlp: true, vocab: 151936,
    moe: { experts: 128, topK: 8, ffnHidden: 768, sharedExperts: 0, denseLayers: 0 },
    source: 'Qwen/Qwen3-30B-A3B config.json',
  },
  'gpt-oss-120b': {
    name: 'GPT-OSS-120B',
    layers: 36, hidden: 2880, heads: 64, kvHeads: 8, headDim: 64, ffnHidden: 2880, gatedMlp: true, vocab: 201088,
    moe: { experts: 128, topK: 4, ffnHidden: 2880, sharedExperts: 0, denseLayers: 0 },
    source: 'openai/gpt-oss-120b config.json (sliding-window attention and sinks not represented)',
  },
  'bloom-176b': {
    name: 'BLOOM-176B',
    layers: 70, hidden: 14336, heads: 112, kvHeads: 112, headDim: 128, ffnHidden: 57344, gatedMlp: false, vocab: 250880,
    source: 'bigscience/bloom config.json (70 layers, hidden 14336, 112 heads, vocab 250880)',
  },
};

export const MODEL_IDS: readonly string[] = Object.keys(MODELS);

export function findModel(id: string): ModelConfig | undefined {
  return Object.hasOwn(MODELS, id) ? MODELS[id] : undefined;
}
