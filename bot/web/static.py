"""The widget's files and the demo page, from ``bot/web/static/`` (written by the widget).

Served by handlers rather than ``add_static`` so the app starts even before the directory
exists, and so nothing outside it can be reached (no ``..``, no symlinks out).
"""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _file_response(relative: str) -> web.FileResponse:
    root = STATIC_DIR.resolve()
    try:
        path = (root / relative).resolve()
        path.relative_to(root)
    except (ValueError, OSError):
        raise web.HTTPNotFound() from None
    if not path.is_file():
        raise web.HTTPNotFound()
    # Councils embed /widget.js on their pages: revalidate so fixes reach them at once.
    return web.FileResponse(
        path, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    )


async def static_file(request: web.Request) -> web.FileResponse:
    return _file_response(request.match_info["path"])


async def widget_js(_request: web.Request) -> web.FileResponse:
    return _file_response("widget.js")


async def widget_css(_request: web.Request) -> web.FileResponse:
    return _file_response("widget.css")


async def demo_page(_request: web.Request) -> web.FileResponse:
    return _file_response("demo.html")


def add_static_routes(app: web.Application) -> None:
    app.router.add_get("/", demo_page)
    app.router.add_get("/widget.js", widget_js)
    app.router.add_get("/widget.css", widget_css)
    app.router.add_get("/static/{path:.+}", static_file)
