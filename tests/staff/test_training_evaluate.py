"""The trainers' "Retrain and evaluate" page: ``dpa evaluate`` as a background job of the web
app, started with a CSRF-checked POST, one at a time, its output shown escaped, a regression
(exit status 3) flagged, confusion-matrix images served only by their known names.

No training here: every console in these tests has a fake command (conftest), and the tests
that start the job set a tiny one of their own.
"""
from __future__ import annotations

import sys

from bot.staff.evaluate_job import IMAGES, REGRESSION_EXIT, RESULTS_DIR, EvaluationJob
from bot.staff.services import EVALUATION_KEY, STAFF_KEY
from tests.staff.conftest import Console

EVALUATE = "/staff/training/evaluate"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def job(console: Console) -> EvaluationJob:
    return console.app[EVALUATION_KEY]


def fake(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


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
    from bot.trainers import evaluation

    assert REGRESSION_EXIT == evaluation.REGRESSION_EXIT
    assert RESULTS_DIR == evaluation.RESULTS_DIR
    command = EvaluationJob(log_path=RESULTS_DIR / "x.log").the_command()
    assert command == [sys.executable, "-m", "bot", "evaluate", "--out", str(RESULTS_DIR)]


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
        assert '<meta http-equiv="refresh" content="10">' in page
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
