"""Corpus BLEU and chrF with sacrebleu (its default 13a tokenisation, one reference per segment).

Also the similarity measure of the robustness test: chrF of outputs on noisy input against the
outputs on clean input.
"""

import datasets
import evaluate
import sacrebleu


class Translation(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Post 2018, A Call for Clarity in Reporting BLEU Scores; Popovic 2015, chrF",
            inputs_description="predictions: list of hypotheses; references: list of reference strings",
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        if not predictions:
            return {"bleu": None, "chrf": None, "n": 0}
        bleu = sacrebleu.corpus_bleu(predictions, [references])
        chrf = sacrebleu.corpus_chrf(predictions, [references])
        return {"bleu": bleu.score, "chrf": chrf.score, "n": len(predictions)}
