"""The EleutherAI w2s peer's extra hub tasks and its spurious-cue variants, as registry specs.

Names are the peer's. Hub ids are the current homes of its legacy names (`super_glue` is
`aps/super_glue`, ...); piqa and social_i_qa use the script-free parquet mirrors that
lm-evaluation-harness uses, since their original repos need a loading script. Where the
hub's test split has no labels, "test" is the validation split, as in the peer; mc_taco has
no train split, so its (larger) test split is the training pool. sciq variants use the
hub's own train/test split like `sciq` here (the peer re-splits all of sciq with a 3000-row
test set).
"""

from __future__ import annotations

from .hub_eleuther import (
    anli_example,
    cola_example,
    dream_example,
    ethics_deontology_example,
    ethics_justice_example,
    ethics_utilitarianism_example,
    ethics_virtue_example,
    hellaswag_example,
    mc_taco_example,
    multirc_example,
    openbookqa_example,
    paws_example,
    piqa_example,
    quail_example,
    quartz_example,
    sciq_with_support_example,
    social_i_qa_example,
    twitter_sentiment_example,
    wic_example,
)
from .hub_spurious import (
    amazon_polarity_look_at_title_example,
    amazon_polarity_misleading_example,
    amazon_polarity_misleading_weak_example,
    amazon_polarity_title_only_example,
    ethics_deontology_excuse_only_example,
    has_support,
    sciq_support_contains_example,
)
from .spec import TaskSpec

_ETHICS = "hendrycks/ethics"
_SUPER_GLUE = "aps/super_glue"
_AMAZON = "fancyzhx/amazon_polarity"

PEER_TASKS = [
    TaskSpec(
        "anli-r2",
        "ANLI round 2, entailment vs neutral/contradiction",
        hub_id="facebook/anli",
        hub_splits=("train_r2", "test_r2"),
        hub_row=anli_example,
    ),
    TaskSpec(
        "cola",
        "CoLA grammatical acceptability",
        hub_id="nyu-mll/glue",
        hub_config="cola",
        hub_splits=("train", "validation"),
        hub_row=cola_example,
    ),
    TaskSpec(
        "dream",
        "DREAM dialogue QA, answer vs distractor",
        hub_id="dataset-org/dream",
        hub_row=dream_example,
    ),
    TaskSpec(
        "ethics-deontology",
        "ETHICS deontology, is the excuse valid",
        hub_id=_ETHICS,
        hub_config="deontology",
        hub_row=ethics_deontology_example,
    ),
    TaskSpec(
        "ethics-justice",
        "ETHICS justice, is the statement just",
        hub_id=_ETHICS,
        hub_config="justice",
        hub_row=ethics_justice_example,
    ),
    TaskSpec(
        "ethics-virtue",
        "ETHICS virtue, does the behaviour match the trait",
        hub_id=_ETHICS,
        hub_config="virtue",
        hub_row=ethics_virtue_example,
    ),
    TaskSpec(
        "ethics-utilitarianism",
        "ETHICS utilitarianism, is the claimed more pleasant scenario right",
        hub_id=_ETHICS,
        hub_config="utilitarianism",
        hub_row=ethics_utilitarianism_example,
    ),
    TaskSpec(
        "mc_taco",
        "MC-TACO temporal commonsense, is the answer plausible",
        hub_id="CogComp/mc_taco",
        hub_splits=("test", "validation"),
        hub_row=mc_taco_example,
    ),
    TaskSpec(
        "hellaswag",
        "HellaSwag, is this the best continuation",
        hub_id="Rowan/hellaswag",
        hub_splits=("train", "validation"),
        hub_row=hellaswag_example,
    ),
    TaskSpec(
        "multirc",
        "MultiRC, is the answer correct",
        hub_id=_SUPER_GLUE,
        hub_config="multirc",
        hub_splits=("train", "validation"),
        hub_row=multirc_example,
    ),
    TaskSpec(
        "openbookqa",
        "OpenBookQA, correct choice vs another",
        hub_id="allenai/openbookqa",
        hub_config="main",
        hub_row=openbookqa_example,
    ),
    TaskSpec(
        "paws",
        "PAWS, are the sentences paraphrases",
        hub_id="google-research-datasets/paws",
        hub_config="labeled_final",
        hub_row=paws_example,
    ),
    TaskSpec(
        "piqa",
        "PIQA physical commonsense, right solution vs the other",
        hub_id="baber/piqa",
        hub_splits=("train", "validation"),
        hub_row=piqa_example,
    ),
    TaskSpec(
        "quail",
        "QuAIL reading comprehension, correct answer vs another",
        hub_id="textmachinelab/quail",
        hub_splits=("train", "validation"),
        hub_row=quail_example,
    ),
    TaskSpec(
        "quartz",
        "QuaRTz qualitative relations, right choice vs the other",
        hub_id="allenai/quartz",
        hub_row=quartz_example,
    ),
    TaskSpec(
        "social_i_qa",
        "Social IQa, right answer vs another",
        hub_id="lighteval/siqa",
        hub_splits=("train", "validation"),
        hub_row=social_i_qa_example,
    ),
    TaskSpec(
        "wic",
        "WiC, same word sense in both sentences",
        hub_id=_SUPER_GLUE,
        hub_config="wic",
        hub_splits=("train", "validation"),
        hub_row=wic_example,
    ),
    TaskSpec(
        "twitter-sentiment",
        "tweet sentiment",
        hub_id="EleutherAI/twitter-sentiment",
        hub_row=twitter_sentiment_example,
    ),
    TaskSpec(
        "sciq_with_support",
        "science QA with its supporting passage, correct answer vs distractor",
        hub_id="allenai/sciq",
        hub_row=sciq_with_support_example,
    ),
]

SPURIOUS_TASKS = [
    TaskSpec(
        "ethics_deontology_excuse_only",
        "ETHICS deontology with the scenario hidden (cue: the excuse alone)",
        hub_id=_ETHICS,
        hub_config="deontology",
        hub_row=ethics_deontology_excuse_only_example,
    ),
    TaskSpec(
        "sciq_support_contains",
        "sciq answer correctness asked as 'does the passage contain it' (cue: containment)",
        hub_id="allenai/sciq",
        hub_row=sciq_support_contains_example,
        hub_keep=has_support,
    ),
    TaskSpec(
        "amazon_polarity_misleading",
        "Amazon polarity asked as 'does it say good or great' (cue: the words)",
        hub_id=_AMAZON,
        hub_row=amazon_polarity_misleading_example,
    ),
    TaskSpec(
        "amazon_polarity_misleading_weak",
        "the misleading Amazon prompt labelled by the cue (good/great present)",
        hub_id=_AMAZON,
        hub_row=amazon_polarity_misleading_weak_example,
    ),
    TaskSpec(
        "amazon_polarity_title_only",
        "Amazon polarity from the title alone",
        hub_id=_AMAZON,
        hub_row=amazon_polarity_title_only_example,
    ),
    TaskSpec(
        "amazon_polarity_look_at_title",
        "Amazon polarity, whole review asked about its title (cue: the title)",
        hub_id=_AMAZON,
        hub_row=amazon_polarity_look_at_title_example,
    ),
]
