"""dpa evaluate: comparing Rasa's reports, flagging regressions, the confusion matrix image,
progress of long steps. Rasa is faked except in the e2e test, which scores the real model."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.trainers.crossval import metrics
from bot.trainers.evaluation import comparison as ev_cmp
from bot.trainers.evaluation import confusion as ev_cm
from bot.trainers.evaluation import job as ev_job
from bot.trainers.evaluation import labelled as ev_lab
from bot.trainers.evaluation import steps as ev_steps
from bot.trainers.labelling import label_example


def row(f1: float, support: int = 10, confused=None) -> dict:
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support,
            "confused_with": confused or {}}


BEFORE = {"greet": row(0.9), "ask_cost": row(0.8), "request_access": row(0.95),
          "macro avg": row(0.883, 30), "weighted avg": row(0.883, 30), "accuracy": 0.88}
BETTER = {"greet": row(0.92), "ask_cost": row(0.9), "request_access": row(0.96),
          "macro avg": row(0.927, 30), "weighted avg": row(0.927, 30), "accuracy": 0.92}
AFTER = {"greet": row(0.95), "ask_cost": row(0.7), "request_access": row(0.94),
         "macro avg": row(0.863, 30), "weighted avg": row(0.863, 30), "accuracy": 0.86}


def error(true: str, predicted: str, text: str = "x") -> dict:
    return {"text": text, "intent": true,
            "intent_prediction": {"name": predicted, "confidence": 0.5}}


def success(intent: str) -> dict:
    return {"text": "y", "intent": intent, "intent_prediction": {"name": intent, "confidence": 0.9}}


def test_compare_flags_intents_whose_f1_dropped() -> None:
    comparison = ev_cmp.compare(
        metrics.parse_intent_report(BEFORE), metrics.parse_intent_report(AFTER),
        [error("greet", "thank"), error("ask_cost", "ask_deadline")],
        [error("ask_cost", "ask_deadline"), error("ask_cost", "ask_deadline"),
         error("ask_cost", "greet")],
    )
    assert [c.intent for c in comparison.regressions] == ["ask_cost"]  # -0.10; -0.01 is noise
    assert comparison.intents[0].intent == "ask_cost"  # worst first
    assert comparison.worse
    changes = {
        (c.intent, c.predicted): (c.before, c.after, c.status) for c in comparison.confusions
    }
    assert changes == {
        ("greet", "thank"): (1, 0, "fixed"),
        ("ask_cost", "ask_deadline"): (1, 2, "worse"),
        ("ask_cost", "greet"): (0, 1, "new"),
    }
    text = ev_cmp.format_comparison(comparison)
    assert "ask_cost" in text and "<< REGRESSION" in text and "WORSE: ask_cost" in text
    assert "greet -> thank: 1 -> 0 (fixed)" in text


def test_an_improvement_is_not_flagged() -> None:
    comparison = ev_cmp.compare(
        metrics.parse_intent_report(BEFORE), metrics.parse_intent_report(BETTER)
    )
    assert not comparison.worse and comparison.macro_delta > 0
    assert "No regression" in ev_cmp.format_comparison(comparison)


def test_new_intents_are_shown_but_not_regressions() -> None:
    after = {**BEFORE, "ask_council_tax": row(0.5, 3)}
    comparison = ev_cmp.compare(metrics.parse_intent_report(BEFORE),
                                metrics.parse_intent_report(after))
    new = next(c for c in comparison.intents if c.intent == "ask_council_tax")
    assert new.before is None and not new.regressed()


def test_confusion_matrix_and_image(tmp_path: Path) -> None:
    records = [success("greet"), success("greet"), error("greet", "thank"), success("thank")]
    labels, matrix = ev_cm.confusion_matrix(records)
    assert labels == ["greet", "thank"] and matrix == [[2, 1], [0, 1]]
    path = ev_cm.write_confusion_png(labels, matrix, tmp_path / "cm.png", "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_long_steps_report_progress_and_failures(tmp_path: Path) -> None:
    said: list[str] = []
    ev_steps.run_step("sleeping", [sys.executable, "-c", "import time; time.sleep(0.5)"],
                tmp_path / "s.log", say=said.append, heartbeat=0.1)
    assert said[0].startswith("sleeping ...") and "elapsed" in " ".join(said)
    assert said[-1].startswith("  sleeping: done in")
    with pytest.raises(RuntimeError, match="failed"):
        ev_steps.run_step("failing", [sys.executable, "-c", "raise SystemExit(2)"],
                    tmp_path / "f.log", say=said.append)


def _fake_rasa(monkeypatch: pytest.MonkeyPatch, reports: dict[str, dict]) -> None:
    def score_model(model, test_data, out_dir, label, *, say=print):
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "intent_report.json").write_text(json.dumps(reports[label]))
        (out_dir / "intent_errors.json").write_text(json.dumps([error("ask_cost", "greet")]))
        (out_dir / "intent_successes.json").write_text(json.dumps([success("greet")]))
        return out_dir

    def train_candidate(out_dir, *, say=print):
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "candidate.tar.gz").write_bytes(b"model")
        return out_dir / "candidate.tar.gz"

    monkeypatch.setattr(ev_steps, "score_model", score_model)
    monkeypatch.setattr(ev_steps, "train_candidate", train_candidate)
    monkeypatch.setattr(ev_steps, "train_full_candidate", train_candidate)


@pytest.fixture
def holdout(tmp_path: Path) -> Path:
    path = tmp_path / "holdout.yml"
    for text, intent in (("gimme all u got on me pls", "request_access"),
                         ("how much dis gonna cost me", "ask_cost")):
        label_example(text, intent, nlu_dir=PROJECT_ROOT / "data" / "nlu",
                      domain_path=PROJECT_ROOT / "domain.yml", holdout=path)
    return path


def test_evaluate_end_to_end_with_rasa_faked(monkeypatch, tmp_path, holdout) -> None:
    model = tmp_path / "dpa.tar.gz"
    model.write_bytes(b"model")
    _fake_rasa(monkeypatch, {"current": BEFORE, "new": AFTER})
    said: list[str] = []
    code = ev_job.evaluate(current_model=model, test_data=holdout, out_dir=tmp_path / "out",
                       say=said.append)
    assert code == ev_job.REGRESSION_EXIT
    assert (tmp_path / "out" / "confusion_matrix.png").exists()
    assert (tmp_path / "out" / "confusion_matrix_before.png").exists()
    assert any("WORSE" in line for line in said)
    report = json.loads((tmp_path / "out" / ev_job.REPORT_FILE).read_text())
    assert report["worse"] is True and report["labelled"] is None
    assert report["held_out"]["per_intent"] == {"request_access": 1, "ask_cost": 1}
    assert report["held_out"]["warnings"]  # two examples: too small to judge
    assert {row["intent"] for row in report["intents"] if row["regressed"]}
    _fake_rasa(monkeypatch, {"current": BEFORE, "new": BETTER})
    assert ev_job.evaluate(current_model=model, test_data=holdout, out_dir=tmp_path / "out",
                       say=said.append) == 0


def test_evaluate_needs_a_model_and_held_out_data(tmp_path, holdout) -> None:
    with pytest.raises(RuntimeError, match="dpa train"):
        ev_job.evaluate(current_model=tmp_path / "none.tar.gz", test_data=holdout)
    model = tmp_path / "dpa.tar.gz"
    model.write_bytes(b"m")
    with pytest.raises(RuntimeError, match="--holdout"):
        ev_job.evaluate(current_model=model, test_data=tmp_path / "missing.yml")


def test_holding_out_refuses_training_examples(tmp_path: Path) -> None:
    from bot.trainers.labelling import LabellingError

    with pytest.raises(LabellingError, match="already training data"):
        label_example("can I have a copy of my records", "request_access",
                      nlu_dir=PROJECT_ROOT / "data" / "nlu",
                      domain_path=PROJECT_ROOT / "domain.yml", holdout=tmp_path / "h.yml")


@pytest.mark.e2e
def test_scoring_the_real_model_on_held_out_data(tmp_path: Path, holdout: Path) -> None:
    """The real `rasa test nlu` path: the trained model against itself (no training)."""
    from bot.config import load_settings
    from bot.rasa.training import ensure_trained, model_path

    model_dir = load_settings().model_dir
    ensure_trained(model_dir)
    said: list[str] = []
    code = ev_job.evaluate(current_model=model_path(model_dir), test_data=holdout,
                       candidate=model_path(model_dir), out_dir=tmp_path / "out",
                       say=said.append)
    assert code == 0, "\n".join(said)
    report = ev_steps.read_scores(tmp_path / "out" / "after").report
    assert set(report.intents) >= {"request_access", "ask_cost"}
    assert (tmp_path / "out" / "confusion_matrix.png").exists()


# -- --split: the data at a git revision against the data now --------------------------------


def test_held_out_examples_are_chosen_by_their_text() -> None:
    from bot.trainers.data_split import is_held_out

    examples = [f"example number {i}" for i in range(1000)]
    held = [e for e in examples if is_held_out(e)]
    assert 150 < len(held) < 250  # about one in five
    assert is_held_out("Example Number 7?") == is_held_out("example number 7")


def test_split_files_keep_both_versions_apart_from_the_same_held_out_examples(tmp_path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.trainers.data_split import NluData, is_held_out, write_split

    before = NluData.from_git(PROJECT_ROOT, "HEAD")
    after = NluData.from_directory(PROJECT_ROOT / "data" / "nlu")
    after.examples.setdefault("request_access", []).append("gimme all my stuff now please")
    split = write_split(before, after, tmp_path)
    held = load_data(str(split.held_out))
    held_texts = {m.get("text") for m in held.intent_examples}
    assert len(held_texts) == split.n_held_out > 100
    assert all(is_held_out(text) for text in held_texts)
    for train in (split.before_train, split.after_train):
        data = load_data(str(train))
        assert not held_texts & {m.get("text") for m in data.intent_examples}
        assert data.regex_features and data.lookup_tables  # lookups.yml came along
    after_texts = {m.get("text") for m in load_data(str(split.after_train)).intent_examples}
    assert ("gimme all my stuff now please" in after_texts) != is_held_out(
        "gimme all my stuff now please")


def test_evaluate_split_with_rasa_faked(monkeypatch, tmp_path) -> None:
    trained: list[str] = []

    def train_candidate(out_dir, *, nlu=None, name="candidate", say=print):
        trained.append(name)
        out_dir.mkdir(parents=True, exist_ok=True)
        return out_dir / f"{name}.tar.gz"

    _fake_rasa(monkeypatch, {"HEAD": BEFORE, "now": BETTER})
    monkeypatch.setattr(ev_steps, "train_candidate", train_candidate)
    from bot.trainers import data_split

    real = data_split.NluData.from_directory

    def changed(directory):
        data = real(directory)
        data.examples["greet"].append("hiya pal, you alright")
        return data

    monkeypatch.setattr(data_split.NluData, "from_directory", staticmethod(changed))
    said: list[str] = []
    assert ev_job.evaluate_split(out_dir=tmp_path, say=said.append) == 0
    assert trained == ["before", "after"]
    assert (tmp_path / "held_out.yml").exists() and (tmp_path / "confusion_matrix.png").exists()


def test_the_messages_just_labelled_are_scored_with_both_models(
    monkeypatch, tmp_path, holdout
) -> None:
    from bot.trainers.label_journal import DISMISS, LABEL, JournalEntry, LabelJournal
    from bot.trainers.nlu_files import NluIndex

    journal = LabelJournal(tmp_path / "labelled.json")
    journal.add([
        JournalEntry("b1", LABEL, "aaaa", "ask_cost", "is it free", "/x/costs.yml"),
        JournalEntry("b1", LABEL, "bbbb", "ask_cost", "how much for [NAME]", "/x/costs.yml"),
        JournalEntry("b2", DISMISS, "cccc"),
    ])
    model = tmp_path / "dpa.tar.gz"
    model.write_bytes(b"model")
    _fake_rasa(monkeypatch, {"current": BEFORE, "new": BETTER})
    held_out_score = ev_steps.score_model
    seen: dict[str, dict[str, str]] = {}

    def score_model(model, test_data, out_dir, label, *, say=print):
        if "labelled" not in label:
            return held_out_score(model, test_data, out_dir, label, say=say)
        examples = NluIndex.load(test_data).intent_by_example  # as Rasa would read them
        seen[label] = examples
        # Rasa's rows: the new model understands all but "is it free"; the current none;
        # the companion example (another intent, so Rasa scores at all) always right.
        rows = [{"text": text, "intent": intent, "intent_prediction": {
            "name": intent if ("new" in label and text != "is it free") or intent != "ask_cost"
            else "nlu_fallback", "confidence": 0.9}} for text, intent in examples.items()]
        out_dir.mkdir(parents=True, exist_ok=True)
        right = [r for r in rows if r["intent"] == r["intent_prediction"]["name"]]
        wrong = [r for r in rows if r not in right]
        (out_dir / "intent_successes.json").write_text(json.dumps(right))
        (out_dir / "intent_errors.json").write_text(json.dumps(wrong))
        return out_dir

    monkeypatch.setattr(ev_steps, "score_model", score_model)
    said: list[str] = []
    ev_job.evaluate(current_model=model, test_data=holdout, out_dir=tmp_path / "out",
                labelled=journal.path, say=said.append)
    # one intent labelled: a companion of another intent makes Rasa score them at all
    assert set(seen["new (labelled)"].values()) == {"ask_cost", "greet"}
    assert "cccc" not in (tmp_path / "out" / ev_lab.LABELLED_FILE).read_text()
    report = json.loads((tmp_path / "out" / ev_job.REPORT_FILE).read_text())
    assert report["labelled"] == {"total": 2, "before": 0, "after": 1, "missed": [
        {"text": "is it free", "intent": "ask_cost", "predicted": "nlu_fallback"}]}
    assert any("the new one 1 of 2" in line for line in said)
