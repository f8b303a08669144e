"""Accuracy and macro-F1 of predicted class labels (strings).

Macro-F1 averages the per-class F1 over every label seen in the references or the predictions,
F1 of a class with no true and no predicted member counted as 0 (scikit-learn's
``f1_score(average="macro", zero_division=0)`` over the same labels).
"""

import datasets
import evaluate


def macro_f1(predictions: list[str], references: list[str]) -> float:
    labels = sorted(set(references) | set(predictions))
    scores = []
    for label in labels:
        tp = sum(p == label and r == label for p, r in zip(predictions, references))
        fp = sum(p == label and r != label for p, r in zip(predictions, references))
        fn = sum(p != label and r == label for p, r in zip(predictions, references))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


class Classification(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="",
            inputs_description="predictions, references: lists of label strings",
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        n = len(predictions)
        if n == 0:
            return {"accuracy": None, "macro_f1": None, "n": 0}
        accuracy = sum(p == r for p, r in zip(predictions, references)) / n
        return {"accuracy": accuracy, "macro_f1": macro_f1(predictions, references), "n": n}
