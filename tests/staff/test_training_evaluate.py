"""The trainers' "Retrain and evaluate" page: ``dpa evaluate`` as a background job of the web
app, started with a CSRF-checked POST, one at a time, its output shown escaped, a regression
(exit status 3) flagged, confusion-matrix images served only by their known names.

No training here: every console in these tests has a fake command (conftest), and the tests
that start the job set a tiny one of their own.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.staff.evaluate_job import IMAGES, REGRESSION_EXIT, RESULTS_DIR, EvaluationJob
from bot.staff.services import DEPLOYER_KEY, EVALUATION_KEY, STAFF_KEY, TRAINERS_KEY
from tests.staff.conftest import Console

HOLDOUT = """version: "3.1"
nlu:
- intent: ask_cost
  examples: |
    - is it free
    - how much dis cost
- intent: request_access
  examples: |
    - gimme my stuff
"""

EVALUATE = "/staff/training/evaluate"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def job(console: Console) -> EvaluationJob:
    return console.app[EVALUATION_KEY]


def fake(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


@pytest.fixture(autouse=True)
def holdout(trainer_project: Path) -> Path:
    """A held-out set the checks let through (two intents; small, so with warnings)."""
    path = trainer_project / "tests" / "nlu" / "holdout.yml"
    path.write_text(HOLDOUT, encoding="utf-8")
    return path


async def trainer(console: Console) -> Console:
    assert (await console.login("tom")).status == 303
    await console.get(EVALUATE)  # this page's CSRF token
    return console


async def finished_job_page(console: Console, code: str) -> str:
    """Start a job running ``code`` (a fake dpa evaluate), wait for it, return the page."""
    job(console).command = fake(code)
    await console.post(EVALUATE)
    await job(console).wait()
    return await console.page(EVALUATE)


async def access_log(console: Console) -> list[tuple[str, str, str | None]]:
    services = console.app[STAFF_KEY]
    entries = await services.db(services.access_log.recent, 100)
    return [(e.username, e.action, e.detail) for e in entries]


def test_the_console_agrees_with_dpa_evaluate():
    from bot.trainers.evaluation import job as evaluation

    assert REGRESSION_EXIT == evaluation.REGRESSION_EXIT
    assert RESULTS_DIR == evaluation.RESULTS_DIR
    command = EvaluationJob(log_path=RESULTS_DIR / "x.log").the_command()
    assert command == [sys.executable, "-m", "bot", "evaluate", "--out", str(RESULTS_DIR)]
    journal = Path("/v/trainers/labelled.json")
    command = EvaluationJob(log_path=RESULTS_DIR / "x.log", labelled=journal).the_command()
    assert command[-2:] == ["--labelled", str(journal)]
    assert evaluation.REPORT_FILE == "report.json"


async def test_strangers_and_staff_cannot_use_the_page(console: Console):
    for method, path in (("GET", EVALUATE), ("POST", EVALUATE),
                         ("GET", EVALUATE + "/images/confusion_matrix.png")):
        response = await console.client.request(method, path, allow_redirects=False)
        assert response.status in (303, 401), (method, path)  # to sign-in, or refused
        if response.status == 303:
            assert response.headers["Location"].startswith("/staff/login")
    await console.login("sam")
    assert (await console.get(EVALUATE, allow_redirects=False)).status == 403
    assert (await console.post(EVALUATE)).status == 403
    assert (await console.get(EVALUATE + "/images/confusion_matrix.png")).status == 403
    assert "Retrain and evaluate" not in await console.page("/staff")
    assert job(console).state == "idle"


async def test_the_page_is_linked_from_the_inbox_and_the_navigation(console: Console, accounts):
    await trainer(console)
    inbox = await console.page("/staff/training")
    assert inbox.count(f'href="{EVALUATE}"') == 2  # navigation, and the inbox's introduction
    page = await console.page(EVALUATE)
    assert f'<a href="{EVALUATE}" aria-current="page">Retrain and evaluate</a>' in page
    assert '<a href="/staff/training">Training</a>' in page
    assert "Idle" in page and "Train a candidate and compare" in page
    assert 'http-equiv="refresh"' not in page


async def test_the_start_needs_the_csrf_token(console: Console, accounts):
    await trainer(console)
    assert (await console.post(EVALUATE, csrf=False)).status == 403
    assert (await console.post(EVALUATE, {"csrf_token": "0" * 64}, csrf=False)).status == 403
    assert job(console).state == "idle"


async def test_a_job_runs_the_command_and_a_regression_is_flagged(console: Console, accounts):
    await trainer(console)
    results = job(console).results_dir
    job(console).command = fake(
        "import pathlib, sys; out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, "
        "exist_ok=True); (out / 'confusion_matrix.png').write_bytes(bytes.fromhex(sys.argv[2])); "
        "print('macro F1 0.90 -> 0.91'); print('ask_cost got worse', file=sys.stderr); "
        "sys.exit(3)", str(results), PNG.hex())
    response = await console.post(EVALUATE)
    assert response.status == 303 and response.headers["Location"] == EVALUATE + "?done=started"
    await job(console).wait()
    page = await console.page(EVALUATE)
    assert "macro F1 0.90 -&gt; 0.91" in page
    assert "ask_cost got worse" in page  # stderr is in the log too
    assert sys.executable not in page  # no server paths
    assert "exit status 3" in page and "Regressions flagged" in page
    assert "Finished at" in page and 'http-equiv="refresh"' not in page
    assert "Train a candidate and compare" in page  # may start again
    # The new model's matrix was written by this job; the current model's was not.
    assert f'href="{EVALUATE}/images/confusion_matrix.png"' in page
    assert "confusion_matrix_before.png" not in page
    image = await console.get(EVALUATE + "/images/confusion_matrix.png")
    assert image.status == 200 and image.content_type == "image/png"
    assert await image.read() == PNG
    log = await access_log(console)
    assert ("tom", "training_evaluate_start", "dpa evaluate") in log
    assert ("tom", "training_evaluate_end", "exit status 3; regressions flagged") in log


async def test_a_job_without_regressions_says_so(console: Console, accounts):
    await trainer(console)
    page = await finished_job_page(console, "print('all intents as good or better')")
    assert "No regressions flagged" in page and "exit status 0" in page
    assert "Regressions flagged:" not in page


async def test_only_known_images_are_served(console: Console, accounts):
    await trainer(console)
    results = job(console).results_dir
    results.mkdir(parents=True)
    (results / "confusion_matrix_before.png").write_bytes(PNG)
    (results / "report.json").write_text("{}")
    assert (await console.get(EVALUATE + "/images/confusion_matrix_before.png")).status == 200
    assert (await console.get(EVALUATE + "/images/confusion_matrix.png")).status == 404
    for name in ("report.json", "..%2Freport.json", "..%2F..%2Fvar%2Fsecrets.json",
                 "%2Fetc%2Fpasswd"):
        response = await console.get(EVALUATE + "/images/" + name)
        assert response.status == 404, name
    assert set(IMAGES) == {"confusion_matrix.png", "confusion_matrix_before.png"}


async def test_a_second_start_while_running_is_refused(console: Console, accounts):
    await trainer(console)
    job(console).command = fake("import time; print('training', flush=True); time.sleep(60)")
    assert (await console.post(EVALUATE)).status == 303
    try:
        page = await console.page(EVALUATE)
        assert "Running since" in page and "10:00" in page  # the console's (fake) clock
        assert 'http-equiv="refresh"' not in page  # no reload: the script fetches .../job
        assert f'data-poll="{EVALUATE}/job"' in page and 'data-running="true"' in page
        assert 'id="evaluate-announce" role="status"' in page
        part = await console.get(EVALUATE + "/job")
        fragment = await part.text()
        assert part.status == 200 and fragment.startswith("<section id=\"evaluate-job\"")
        assert "Running since" in fragment and "<html" not in fragment
        assert "Train a candidate and compare" not in page
        second = await console.post(EVALUATE)
        assert second.headers["Location"] == EVALUATE + "?done=running"
        refused = await console.page(second.headers["Location"])
        assert "already running" in refused
        assert job(console).running
        log = await access_log(console)
        assert ("tom", "training_evaluate_start", "refused: a job is already running") in log
    finally:
        await job(console).stop()
    assert job(console).state == "finished"


async def test_the_output_is_escaped(console: Console, accounts):
    await trainer(console)
    page = await finished_job_page(console, "print('<script>alert(1)</script> & <b>bold</b>')")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>bold" not in page


async def test_a_command_that_cannot_start_is_reported(console: Console, accounts):
    await trainer(console)
    job(console).command = [str(job(console).results_dir / "no-such-program")]
    await console.post(EVALUATE)
    await job(console).wait()
    page = await console.page(EVALUATE)
    assert "could not start" in page and "The job failed" in page


async def test_held_out_data_that_cannot_judge_is_said_before_anything_runs(
    console: Console, accounts, holdout: Path
):
    holdout.write_text('version: "3.1"\nnlu:\n- intent: ask_cost\n  examples: |\n    - free?\n')
    await trainer(console)
    page = await console.page(EVALUATE)
    assert "covers only one intent (ask_cost, 1 example)" in page
    assert "Train a candidate and compare" not in page and "not offered until" in page
    response = await console.post(EVALUATE)
    assert response.status == 400 and job(console).state == "idle"
    assert "Not started. The held-out set" in await response.text()
    log = await access_log(console)
    assert ("tom", "training_evaluate_start",
            "refused: the held-out data cannot judge a model") in log


def report(results: Path, candidate: Path | None, *, worse: bool = False) -> dict:
    data = {
        "version": 1, "finished_at": 0, "worse": worse, "tolerance": 0.02,
        "test_data": "tests/nlu/holdout.yml",
        "held_out": {"examples": 3, "per_intent": {"ask_cost": 2, "request_access": 1},
                     "problems": [], "warnings": ["The held-out set is small (3 examples)"],
                     "uncovered": []},
        "current_model": "models/dpa.tar.gz",
        "candidate": str(candidate) if candidate else "", "fingerprint": "f" * 64,
        "summary": {"macro_f1_before": 0.5, "macro_f1_after": 0.75,
                    "accuracy_before": 0.6667, "accuracy_after": 1.0},
        "intents": [{"intent": "ask_cost", "before": 0.8, "after": 0.7, "delta": -0.1,
                     "support": 2, "regressed": worse},
                    {"intent": "request_access", "before": None, "after": 1.0, "delta": 1.0,
                     "support": 1, "regressed": False}],
        "confusions": [{"intent": "ask_cost", "predicted": "greet", "before": 1, "after": 0,
                        "status": "fixed"}],
        "labelled": {"total": 8, "before": 2, "after": 6, "missed": [
            {"text": "is it [NAME]'s", "intent": "ask_cost", "predicted": "nlu_fallback"}]},
    }
    return data


async def test_the_report_is_a_table_with_the_just_labelled_score(console: Console, accounts):
    await trainer(console)
    results = job(console).results_dir
    code = ("import json, pathlib, sys; out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True,"
            " exist_ok=True); (out / 'report.json').write_text(sys.argv[2]); print('done')")
    job(console).command = fake(code, str(results), json.dumps(report(results, None)))
    await console.post(EVALUATE)
    await job(console).wait()
    page = await console.page(EVALUATE)
    assert "<caption>On the held-out data (tests/nlu/holdout.yml)</caption>" in page
    assert ("<th scope=\"row\">Accuracy</th><td class=\"num\">0.667</td><td class=\"num\">1.000"
            "</td><td class=\"num\">+0.333</td>") in page
    assert "now understood 6 of 8</strong> (the current model: 2 of 8)" in page
    assert "labelled Does it cost anything? (ask_cost), taken for nothing (it fell back)" in page
    assert 'data-label="Intent">Get a copy of my information (request_access)' in page
    assert "<td data-label=\"Current\">–</td>" in page  # not in the earlier report
    assert "Fixed" in page and "Too small to judge well" in page
    # the log is still there, folded away
    assert "<details class=\"evaluate-output\"><summary>The job's output" in page
    # the candidate's file is gone (no path in this fake report): nothing to deploy
    assert "evaluate again to deploy" in page and "/deploy" not in page


# -- deploying: a Rasa-shaped server with the two endpoints the console uses -----------------


@pytest.fixture
async def rasa_like():
    """Rasa 3.6's PUT /model and GET /status (rasa/server.py), token-checked; the real
    Rasa is exercised by tests/e2e/test_model_deploy.py."""
    from aiohttp import web

    state = {"model_file": "dpa.tar.gz", "loads": []}

    async def status(request):
        if request.query.get("token") != "test-token":
            return web.json_response({"message": "unauthorised"}, status=401)
        return web.json_response({"model_file": state["model_file"], "model_id": "id",
                                  "num_active_training_jobs": 0})

    async def load(request):
        if request.query.get("token") != "test-token":
            return web.json_response({"message": "unauthorised"}, status=401)
        path = Path((await request.json())["model_file"])
        if not path.is_file():
            return web.json_response({"message": f"no model at {path.name}"}, status=500)
        state["model_file"] = path.name
        state["loads"].append(path.name)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_get("/status", status)
    app.router.add_put("/model", load)
    from aiohttp.test_utils import TestServer

    server = TestServer(app)
    await server.start_server()
    state["url"] = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


async def test_deploying_the_evaluated_model_and_restoring_the_previous(
    console: Console, accounts, rasa_like, tmp_path: Path
):
    import tarfile

    def model(path: Path, trained: str) -> Path:
        meta = tmp_path / f"meta-{trained}" / "metadata.json"
        meta.parent.mkdir()
        meta.write_text(json.dumps({"trained_at": trained, "model_id": trained}))
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(meta, arcname="metadata.json")
        return path

    deployer = console.app[DEPLOYER_KEY]
    deployer.servers = (rasa_like["url"],)
    model(deployer.startup_model, "2026-11-30T09:00:00")
    results = job(console).results_dir
    candidate = model(results / "candidate" / "candidate.tar.gz", "2026-12-02T02:00:00")
    (results / "report.json").write_text(json.dumps(report(results, candidate)))
    console.app[TRAINERS_KEY].journal.path.parent.mkdir(parents=True, exist_ok=True)
    await trainer(console)
    page = await console.page(EVALUATE)
    assert "<dd>dpa.tar.gz</dd>" in page and "30 Nov 2026" in page  # live, and when trained
    assert f"{rasa_like['url']}: running it" in page
    assert "Restore the previous model" not in page  # nothing deployed yet
    response = await console.post(EVALUATE + "/deploy")
    assert response.headers["Location"] == EVALUATE + "?done=deployed"
    page = await console.page(response.headers["Location"])
    live = deployer.live()
    assert rasa_like["model_file"] == live.name and live.name.startswith("dpa-20261202-020000-")
    assert f"<dd>{live.name}</dd>" in page and "deployed by tom" in page
    assert "This model is the one the assistant is using." in page
    assert "Restore the previous model" in page
    restored = await console.post(EVALUATE + "/restore")
    assert restored.headers["Location"] == EVALUATE + "?done=restored"
    assert rasa_like["model_file"] == deployer.live().name
    assert deployer.live().name.startswith("dpa-20261130-090000-")
    assert rasa_like["loads"] == [live.name, deployer.live().name]
    log = await access_log(console)
    assert ("tom", "training_deploy", None) not in log
    actions = [entry[1] for entry in log]
    assert "training_deploy" in actions and "training_restore" in actions
    # installed for a restart of dpa run, with the fingerprint of the data it was trained on
    assert deployer.startup_model.read_bytes() == Path(deployer.live().file).read_bytes()


async def test_a_failed_deploy_is_said_and_logged(console: Console, accounts, rasa_like):
    deployer = console.app[DEPLOYER_KEY]
    deployer.servers = (rasa_like["url"], "http://127.0.0.1:9")  # the second is down
    deployer.startup_model.parent.mkdir(parents=True, exist_ok=True)
    deployer.startup_model.write_bytes(b"the running model")
    results = job(console).results_dir
    candidate = results / "candidate" / "candidate.tar.gz"
    candidate.parent.mkdir(parents=True)
    candidate.write_bytes(b"a new model")
    (results / "report.json").write_text(json.dumps(report(results, candidate)))
    await trainer(console)
    response = await console.post(EVALUATE + "/deploy")
    page = await console.page(response.headers["Location"])
    assert "The deploy did not go through" in page and "http://127.0.0.1:9 did not load" in page
    assert "put back on" in page  # the first server went back to the model it ran
    assert rasa_like["model_file"] == deployer.history.entries()[0].name
    assert [e.action for e in deployer.history.entries()] == ["initial"]
    assert any(a == "training_deploy" and (d or "").startswith("failed")
               for _, a, d in await access_log(console))
