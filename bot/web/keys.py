"""Typed keys for what the web app keeps on its ``Application`` (shared by the handlers)."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.config import Settings
from bot.db.offloop import HubDatabase
from bot.documents.store import DocumentStore
from bot.web.hub import ChatHub
from bot.web.origins import OriginPolicy
from bot.web.readiness import DatabaseReadiness
from bot.web.resident_ids import ResidentIds

SETTINGS_KEY = web.AppKey("settings", Settings)
CLIENT_KEY = web.AppKey("client", aiohttp.ClientSession)
HUB_KEY = web.AppKey("hub", ChatHub)
ORIGINS_KEY = web.AppKey("origins", OriginPolicy)
READINESS_KEY = web.AppKey("readiness", DatabaseReadiness)
DATABASE_KEY = web.AppKey("database", HubDatabase)
RESIDENT_IDS_KEY = web.AppKey("resident_ids", ResidentIds)
# The documents residents send in the chat (bot/web/documents.py), encrypted at rest.
DOCUMENTS_KEY = web.AppKey("documents", DocumentStore)
