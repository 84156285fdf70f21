"""The reasoning method's stages (Yang et al. 2024), one module per notebook, in the order
the notebooks run them; `reasoning.pipeline` runs them all.

common    what every stage does the same way: sampling settings, generation and training, cached
weak      10: the weak model, SFT'd on train_1's gold solutions
generate  11: the weak model's zero-shot answers on train_2; demonstrations; the strong model's
          in-context answers
stage1    12: the consistent subset and its training sets; SFT of the strong model (iterations)
stage2    13: k samples, majority vote, contrastive pairs; DPO or ORPO
evaluate  14: a method's test accuracy (pass@k, maj@k); the strong ceiling

Artefacts (adapters, generation sets, pair sets) live in `<root>/artifacts/<kind>/`, keyed by
exactly what produced them and reused when complete; each experiment (one config) keeps its
records in `<root>/experiments/<slug>-<hash>/`.
"""
