"""Talk to the real Rasa server through its REST channel, as the web app does."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Chat:
    rasa_url: str
    sender: str
    replies: list[list[dict]] = field(default_factory=list)

    def say(self, text: str) -> str:
        """Send one message; return the assistant's replies joined as text."""
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": self.sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=90) as response:
            messages = json.loads(response.read())
        self.replies.append(messages)
        return "\n".join(m.get("text", "") for m in messages)

    def buttons(self) -> list[dict]:
        """The buttons of the last reply."""
        return [b for m in self.replies[-1] for b in m.get("buttons", [])]


def requested_slot(settings, sender: str) -> str | None:
    """The question the request form is waiting on for ``sender`` (None outside the form)."""
    url = (f"{settings.rasa_url}/conversations/{sender}/tracker"
           f"?token={settings.rasa_token}&include_events=NONE")
    with urllib.request.urlopen(url, timeout=30) as response:
        tracker = json.loads(response.read())
    if (tracker.get("active_loop") or {}).get("name") != "request_form":
        return None
    return tracker["slots"].get("requested_slot")
