"""Text generation behind one interface: transformers (always) or vLLM.

base      SamplingParams in; completions cut at the first stop string
sampling  per-row seeds and the Gumbel-max sampler: samples never depend on the batch
hf        the transformers engine: shared-prefix KV cache, one prefill for k samples, the LM head
          only on generated positions; the config's dtype (auto: fp32 on every CPU)
vllm      the vLLM engine: the same output, a seed per request
backends  make_generator: a backend by name
"""
