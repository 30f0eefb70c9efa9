"""Confusion matrices from Rasa's per-message results, and their images."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any


def confusion_matrix(
    records: Iterable[Mapping[str, Any]],
) -> tuple[list[str], list[list[int]]]:
    """Labels and counts [true][predicted] from Rasa's intent_successes/intent_errors rows."""
    pairs = []
    for record in records:
        true = str(record.get("intent") or "")
        predicted = str((record.get("intent_prediction") or {}).get("name") or "")
        pairs.append((true, predicted))
    labels = sorted({label for pair in pairs for label in pair if label})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for true, predicted in pairs:
        if true in index and predicted in index:
            matrix[index[true]][index[predicted]] += 1
    return labels, matrix


def write_confusion_png(
    labels: Sequence[str], matrix: Sequence[Sequence[int]], path: Path, title: str
) -> Path:
    """A row-normalised confusion matrix image (matplotlib comes with Rasa)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(6.0, 0.3 * len(labels) + 3)
    figure, axes = plt.subplots(figsize=(size, size))
    totals = [sum(row) or 1 for row in matrix]
    normalised = [[count / totals[i] for count in row] for i, row in enumerate(matrix)]
    image = axes.imshow(normalised, cmap="Blues", vmin=0.0, vmax=1.0)
    axes.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title(title)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axes.text(j, i, str(count), ha="center", va="center", fontsize=6,
                          color="white" if normalised[i][j] > 0.5 else "black")
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
