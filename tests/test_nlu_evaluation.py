"""bot.trainers.crossval: parsing Rasa's reports, the fallback replay, the choice and the
markdown, on small fixtures. Nothing here trains a model or imports Rasa."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.trainers.crossval import cache, candidates, choice, measure, metrics, report

CANDIDATES_DIR = Path(__file__).resolve().parent.parent / "docs" / "nlu-candidates"


def _row(p, r, f1, support, confused=None):
    row = {"precision": p, "recall": r, "f1-score": f1, "support": support}
    if confused is not None:
        row["confused_with"] = confused
    return row


# Shaped like Rasa 3.6's intent_report.json (sklearn classification_report + confused_with).
REPORT = {
    "greet": _row(1.0, 0.9, 0.947, 10, {"out_of_scope": 1}),
    "out_of_scope": _row(0.8, 1.0, 0.889, 8, {}),
    "request_access": _row(1.0, 1.0, 1.0, 2),
    "accuracy": 0.95,
    "macro avg": _row(0.933, 0.967, 0.945, 20),
    "weighted avg": _row(0.92, 0.95, 0.93, 20),
}

ERRORS = [  # Rasa's intent_errors.json
    {"text": "hiya mate", "intent": "greet",
     "intent_prediction": {"name": "out_of_scope", "confidence": 0.61}},
    {"text": "weather?", "intent": "ask_cost",
     "intent_prediction": {"name": "out_of_scope", "confidence": 0.4}},
    {"text": "yo", "intent": "greet",
     "intent_prediction": {"name": "out_of_scope", "confidence": 0.9}},
]


def _pred(intent, *ranking, text="x"):
    return metrics.Prediction(text=text, intent=intent, ranking=tuple(ranking))


# --------------------------------------------------------------------------- parsing


def test_parse_intent_report_reads_rows_and_averages():
    report = metrics.parse_intent_report(REPORT)
    assert set(report.intents) == {"greet", "out_of_scope", "request_access"}
    greet = report.intents["greet"]
    assert (greet.precision, greet.recall, greet.f1, greet.support) == (1.0, 0.9, 0.947, 10)
    assert greet.confused_with == {"out_of_scope": 1}
    assert report.intents["request_access"].confused_with == {}
    assert report.macro_f1 == 0.945 and report.weighted_f1 == 0.93 and report.accuracy == 0.95
    assert report.recall_of("out_of_scope") == 1.0
    assert report.recall_of("nope") is None and report.f1_of("nope") is None


def test_parse_intent_report_computes_missing_averages():
    rows = {k: v for k, v in REPORT.items() if k in ("greet", "out_of_scope")}
    report = metrics.parse_intent_report(rows)
    assert report.macro_f1 == pytest.approx((0.947 + 0.889) / 2)
    assert report.weighted_f1 == pytest.approx((0.947 * 10 + 0.889 * 8) / 18)
    assert report.accuracy == pytest.approx((0.9 * 10 + 1.0 * 8) / 18)


def test_parse_intent_report_rejects_an_empty_report():
    with pytest.raises(ValueError):
        metrics.parse_intent_report({"accuracy": 1.0})


def test_parse_predictions_drops_nlu_fallback_from_the_ranking():
    [p] = metrics.parse_predictions(
        [{"fold": 2, "text": "hm", "intent": "greet",
          "ranking": [["nlu_fallback", 0.55], ["greet", 0.5], ["thank", 0.3]]}]
    )
    assert p.fold == 2 and p.predicted == "greet" and p.confidence == 0.5
    assert p.margin == pytest.approx(0.2) and p.correct


def test_prediction_with_a_single_intent_has_full_margin():
    assert _pred("greet", ("greet", 0.4)).margin == 1.0
    assert _pred("greet").predicted == "" and _pred("greet").confidence == 0.0


def test_confusion_pairs_groups_and_sorts_by_count():
    pairs = metrics.confusion_pairs(ERRORS)
    assert [(p.intent, p.predicted, p.count) for p in pairs] == [
        ("greet", "out_of_scope", 2),
        ("ask_cost", "out_of_scope", 1),
    ]
    assert pairs[0].examples[0] == ("yo", 0.9)  # most confident first


def test_entity_summary():
    report = {"macro avg": {"f1-score": 0.5}, "weighted avg": {"f1-score": 0.7}}
    assert metrics.entity_summary(report) == (0.5, 0.7)
    assert metrics.entity_summary({}) == (0.0, 0.0)


# --------------------------------------------------------------------------- fallback


def test_would_fall_back_follows_the_fallback_classifier_rule():
    sure = _pred("greet", ("greet", 0.9), ("thank", 0.05))
    low = _pred("greet", ("greet", 0.25), ("thank", 0.05))
    close = _pred("greet", ("greet", 0.5), ("thank", 0.45))
    assert not metrics.would_fall_back(sure, 0.3, 0.1)
    assert metrics.would_fall_back(low, 0.3, 0.1)
    assert metrics.would_fall_back(close, 0.3, 0.1)
    assert not metrics.would_fall_back(close, 0.3, 0.01)


def test_fallback_outcome_counts_the_four_cases():
    preds = [
        _pred("greet", ("greet", 0.9), ("thank", 0.1)),  # right, kept
        _pred("greet", ("greet", 0.2), ("thank", 0.1)),  # right, lost
        _pred("greet", ("thank", 0.8), ("greet", 0.1)),  # wrong, answered
        _pred("greet", ("thank", 0.25), ("greet", 0.2)),  # wrong, caught
    ]
    o = metrics.fallback_outcome(preds, 0.3, 0.1)
    counts = (o.correct_accepted, o.correct_fallback, o.wrong_accepted, o.wrong_fallback)
    assert counts == (1, 1, 1, 1)
    assert o.correct_fallback_rate == 0.5 and o.wrong_caught_rate == 0.5
    assert o.wrong_accepted_rate == 0.25 and o.cost == 1 + 2 * 1


def test_recommend_threshold_balances_lost_answers_and_wrong_ones():
    right = [_pred("a", ("a", c / 100), ("b", 0.0)) for c in range(50, 100)]  # 50 right, 0.50-0.99
    wrong = [_pred("a", ("b", c), ("a", 0.0)) for c in (0.32, 0.34, 0.36, 0.9)]
    sweep = metrics.threshold_sweep(right + wrong, ambiguity=0.0, grid=(0.3, 0.4, 0.5, 0.6, 0.9))
    best = metrics.recommend_threshold(sweep)
    # 0.4 and 0.5 both catch the three low wrong answers and lose nothing: the higher wins.
    assert best.threshold == 0.5 and best.wrong_accepted == 1 and best.correct_fallback == 0
    # 0.9 would lose 80 % of right answers: never recommended.
    assert all(
        o.threshold != 0.9 or o.correct_fallback_rate > metrics.MAX_CORRECT_FALLBACK for o in sweep
    )


def test_quantiles_nearest_rank():
    assert metrics.quantiles([3, 1, 2, 5, 4], [0.0, 0.5, 1.0]) == [1, 3, 5]
    assert all(v != v for v in metrics.quantiles([], [0.5]))  # NaN


# --------------------------------------------------------------------------- candidates


def test_nlu_config_from_drops_policies_and_keeps_the_pipeline():
    config = {
        "recipe": "default.v1", "language": "en", "assistant_id": "x",
        "pipeline": [{"name": "WhitespaceTokenizer"}], "policies": [{"name": "RulePolicy"}],
    }
    assert candidates.nlu_config_from(config) == {
        "recipe": "default.v1", "language": "en", "assistant_id": "x",
        "pipeline": [{"name": "WhitespaceTokenizer"}],
    }
    with pytest.raises(ValueError):
        candidates.nlu_config_from({"policies": []})


def test_write_current_candidate_generates_from_config_yml(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(
        "recipe: default.v1\nlanguage: en\npipeline:\n  - name: WhitespaceTokenizer\n"
        "  - name: FallbackClassifier\n    threshold: 0.6\npolicies:\n  - name: RulePolicy\n"
    )
    out = candidates.write_current_candidate(config, tmp_path / "candidates")
    text = out.read_text()
    assert out.name == "current.yml" and text.startswith("# GENERATED from config.yml")
    data = yaml.safe_load(text)
    assert "policies" not in data and data["pipeline"][1]["threshold"] == 0.6
    mtime = out.stat().st_mtime_ns
    candidates.write_current_candidate(config, tmp_path / "candidates")
    assert out.stat().st_mtime_ns == mtime  # unchanged content is not rewritten


def test_candidate_description_and_order(tmp_path):
    (tmp_path / "zeta.yml").write_text("# A cheap idea,\n# in two lines.\npipeline: []\n")
    (tmp_path / "current.yml").write_text("# GENERATED from config.yml\n# The one in use.\n")
    (tmp_path / "default.yml").write_text("pipeline: []\n")
    found = [p.stem for p in candidates.discover_candidates(tmp_path)]
    assert found == ["default", "current", "zeta"]
    assert candidates.candidate_description(tmp_path / "zeta.yml") == "A cheap idea, in two lines."
    assert candidates.candidate_description(tmp_path / "current.yml") == "The one in use."


def test_config_key_ignores_fallback_thresholds_and_assistant_id_only():
    base = {"pipeline": [{"name": "DIETClassifier", "epochs": 40},
                         {"name": "FallbackClassifier", "threshold": 0.3}]}
    other_threshold = {"assistant_id": "y",
                       "pipeline": [{"name": "DIETClassifier", "epochs": 40},
                                    {"name": "FallbackClassifier", "threshold": 0.7}]}
    more_epochs = {"pipeline": [{"name": "DIETClassifier", "epochs": 41},
                                {"name": "FallbackClassifier", "threshold": 0.3}]}
    assert candidates.config_key(base) == candidates.config_key(other_threshold)
    assert candidates.config_key(base) != candidates.config_key(more_epochs)


def test_fallback_settings_and_classifier_name():
    config = {"pipeline": [{"name": "LogisticRegressionClassifier"},
                           {"name": "FallbackClassifier"}]}
    assert candidates.fallback_settings(config) == (0.3, 0.1)  # Rasa's defaults
    assert candidates.fallback_settings({"pipeline": []}) is None
    assert candidates.intent_classifier(config) == "LogisticRegressionClassifier"


def test_data_digest_and_run_key_change_with_the_data(tmp_path):
    (tmp_path / "a.yml").write_text("nlu: []\n")
    first = cache.data_digest(tmp_path)
    (tmp_path / "a.yml").write_text("nlu: [x]\n")
    second = cache.data_digest(tmp_path)
    assert first != second
    key = cache.run_key("c", first, folds=5, seed=42, rasa_version="3.6.21")
    assert key != cache.run_key("c", second, folds=5, seed=42, rasa_version="3.6.21")
    assert key != cache.run_key("c", first, folds=5, seed=43, rasa_version="3.6.21")


def test_snapshot_data_copies_once_per_content(tmp_path):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "a.yml").write_text("nlu: []\n")
    snap, digest = cache.snapshot_data(nlu, tmp_path / "results")
    assert (snap / "a.yml").read_text() == "nlu: []\n" and cache.data_digest(snap) == digest
    assert cache.snapshot_data(nlu, tmp_path / "results") == (snap, digest)


def test_default_candidate_is_rasas_shipped_default_pipeline():
    spec = importlib.util.find_spec("rasa")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("rasa is not installed")
    rasa_dir = Path(list(spec.submodule_search_locations)[0])
    shipped = rasa_dir / "engine/recipes/config_files/default_config.yml"
    default = yaml.safe_load(shipped.read_text())
    ours = yaml.safe_load((CANDIDATES_DIR / "default.yml").read_text())
    assert ours["pipeline"] == default["pipeline"]
    assert ours["language"] == default["language"] and ours["recipe"] == default["recipe"]


def test_every_candidate_is_an_nlu_only_config_with_a_fallback():
    for path in candidates.discover_candidates(CANDIDATES_DIR):
        config = candidates.load_yaml(path)
        assert "policies" not in config, path.name
        assert candidates.fallback_settings(config) is not None, path.name


def test_importing_the_module_loads_neither_rasa_nor_tensorflow():
    code = (
        "import sys, bot.trainers.crossval.cli; "
        "bad = [m for m in ('rasa', 'tensorflow', 'sklearn') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --------------------------------------------------------------------------- results


def _result(name, macro, oos, train, *, stale=False, config=None, predictions=(), errors=()):
    report = metrics.parse_intent_report({
        "greet": _row(1.0, 1.0, macro, 10),
        "out_of_scope": _row(1.0, oos, macro, 10, {"greet": 1}),
        "macro avg": _row(1.0, 1.0, macro, 20),
        "weighted avg": _row(1.0, 1.0, macro, 20),
        "accuracy": macro,
    })
    return choice.CandidateResult(
        name=name,
        description=f"{name} idea",
        config=config or {"pipeline": [{"name": "DIETClassifier", "epochs": len(name)},
                                       {"name": "FallbackClassifier", "threshold": 0.5,
                                        "ambiguity_threshold": 0.1}]},
        report=report,
        predictions=list(predictions),
        errors=list(errors),
        timing=choice.Timing(cv_wall=600, cv_cpu=900, train_wall=train, train_cpu=train * 1.5,
                         load_mean=2.5, load_max=4.0),
        data_hash="d" * 64,
        stale=stale,
        measured_at="2026-01-01 10:00 UTC",
        fold_digest="f" * 64,
    )


def test_choose_prefers_candidates_meeting_the_targets():
    slow = _result("default", 0.99, 0.95, 900)  # too slow to train
    weak_oos = _result("current", 0.97, 0.85, 100)
    ok = _result("lean", 0.96, 0.92, 120)
    chosen, why = choice.choose([slow, weak_oos, ok])
    assert chosen is ok and "meets every target" in why


def test_choose_breaks_near_ties_by_training_time():
    a = _result("a", 0.970, 0.95, 200)
    b = _result("b", 0.968, 0.95, 60)
    chosen, why = choice.choose([a, b])
    assert chosen is b and "fastest" in why
    c = _result("c", 0.950, 0.95, 10)  # cheaper but clearly worse
    assert choice.choose([a, c])[0] is a


def test_choose_without_any_candidate_meeting_targets_and_ignores_stale():
    stale = _result("default", 0.99, 0.99, 100, stale=True)
    weak = _result("current", 0.90, 0.80, 100)
    chosen, why = choice.choose([stale, weak])
    assert chosen is weak and "no candidate meets every target" in why
    assert weak.misses() == ["macro F1 0.900 < 0.95", "out_of_scope recall 0.800 < 0.9"]


def test_load_result_reads_a_cached_run(tmp_path):
    run = tmp_path / "run"
    (run / "cv").mkdir(parents=True)
    (run / "cv" / "intent_report.json").write_text(json.dumps(REPORT))
    (run / "cv" / "intent_errors.json").write_text(json.dumps(ERRORS))
    (run / "cv" / "DIETClassifier_report.json").write_text(
        json.dumps({"macro avg": {"f1-score": 0.8}, "weighted avg": {"f1-score": 0.9}})
    )
    (run / "predictions.json").write_text(json.dumps(
        [{"fold": 0, "text": "hi", "intent": "greet", "ranking": [["greet", 0.9], ["thank", 0.1]]}]
    ))
    (run / "meta.json").write_text(json.dumps({
        "data_hash": "abc", "finished_at": "now", "fold_digest": "f0",
        "timing": {"cv_wall": 1, "cv_cpu": 2, "train_wall": 3, "train_cpu": 4,
                   "load_mean": 1.0, "load_max": 2.0},
    }))
    result = cache.load_result(run, "x", "idea", {"pipeline": []})
    assert result.report.macro_f1 == 0.945 and result.oos_recall == 1.0
    assert result.entities == {"DIETClassifier": (0.8, 0.9)}
    assert result.predictions[0].correct and len(result.errors) == 3
    assert result.timing.train_wall == 3 and result.data_hash == "abc"


# --------------------------------------------------------------------------- markdown


def test_render_markdown_has_every_section():
    preds = [
        _pred("greet", ("greet", 0.95), ("out_of_scope", 0.02), text="hello"),
        _pred("out_of_scope", ("greet", 0.45), ("out_of_scope", 0.4), text="hiya"),
    ]
    results = [
        _result("default", 0.96, 0.95, 900, stale=True),
        _result("current", 0.97, 0.95, 100),
        _result("lean", 0.99, 0.96, 60, predictions=preds, errors=ERRORS),
    ]
    meta = {"folds": 5, "seed": 42, "data_hash": "d" * 64, "rasa_version": "3.6.21",
            "generated_at": "today", "cpus": 2, "cpu_model": "cpu", "n_examples": 20,
            "n_intents": 2, "notes": ["a note"]}
    md = report.render_markdown(results, meta)
    assert md.startswith("# NLU pipeline evaluation")
    for heading in ("## Summary", "## Choice", "## Confidences and the FallbackClassifier",
                    "## Per intent: lean", "## Per-intent F1, all candidates",
                    "## Confusions that remain (lean)", "## Method and caveats"):
        assert heading in md
    summary = md.split("## Summary")[1].split("## Choice")[0]
    assert "| **lean** | DIETClassifier | 0.990 |" in summary
    assert "default (Rasa default, baseline) (stale†)" in summary
    assert "no: training 900 s >= 300 s" in summary
    assert "differs from config.yml's pipeline" in md and "```yaml\npipeline:" in md
    # side by side: one column per candidate
    assert "| intent | default | current | lean |" in md
    assert "| greet | out_of_scope | 2 |" in md  # a remaining confusion pair
    assert "- ask_cost → out_of_scope: “weather?” (0.40)" in md
    assert "Threshold sweep for **lean**" in md
    assert "- a note" in md


def test_render_markdown_says_so_when_current_is_chosen():
    results = [_result("default", 0.90, 0.95, 900), _result("current", 0.97, 0.95, 100)]
    md = report.render_markdown(results, {"notes": []})
    assert "This is config.yml's pipeline: no change needed." in md


def test_evaluate_renders_from_the_cache_without_measuring(tmp_path, monkeypatch):
    candidates_dir = tmp_path / "candidates"
    candidates_dir.mkdir()
    (candidates_dir / "lean.yml").write_text(
        "# lean idea\npipeline:\n  - name: DIETClassifier\n  - name: FallbackClassifier\n"
    )
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: DIETClassifier\n    epochs: 3\n  - name: FallbackClassifier\n"
    )
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "a.yml").write_text("nlu: []\n")
    results_dir = tmp_path / "results"
    # a cached run of `lean` on exactly this data
    digest = cache.data_digest(nlu)
    lean = candidates.load_yaml(candidates_dir / "lean.yml")
    key = cache.run_key(candidates.config_key(lean), digest,
                        folds=5, seed=42, rasa_version=cache.rasa_version())
    run = results_dir / "lean" / key[:16]
    (run / "cv").mkdir(parents=True)
    (run / "cv" / "intent_report.json").write_text(json.dumps(REPORT))
    (run / "meta.json").write_text(json.dumps({
        "data_hash": digest, "timing": {"cv_wall": 1, "cv_cpu": 2, "train_wall": 3,
                                        "train_cpu": 4, "load_mean": 1.0, "load_max": 2.0},
    }))
    monkeypatch.setattr(measure, "measure_candidate", lambda *a, **k: pytest.fail("must not train"))
    doc = tmp_path / "out.md"
    results = measure.evaluate(measure=False, doc_path=doc, candidates_dir=candidates_dir,
                               results_dir=results_dir, nlu_dir=nlu, config_path=config)
    assert [r.name for r in results] == ["lean"]
    text = doc.read_text()
    assert "| **lean** |" in text
    assert "`current` (" in text and "has no measurement on this data yet" in text


def test_regenerating_the_page_keeps_the_held_out_section_after_the_title():
    from bot.trainers.crossval.report import HELD_OUT_END, HELD_OUT_START, with_held_out_section
    section = f"{HELD_OUT_START}\n## Held-out\n| a | b |\n{HELD_OUT_END}"
    previous = f"# NLU pipeline evaluation\n\n{section}\n\nold cross-validation\n"
    rendered = "# NLU pipeline evaluation\n\n<!-- GENERATED -->\n\nnew cross-validation\n"
    kept = with_held_out_section(rendered, previous)
    assert kept == (f"# NLU pipeline evaluation\n\n{section}\n\n"
                    "<!-- GENERATED -->\n\nnew cross-validation\n")
    assert with_held_out_section(rendered, "no section here") == rendered
