"""The fake Slack's Web API methods: what each answers, from the fake's state."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes.slack_messages import ChannelHistory, needed_scope
from tests.support.schemas import SLACK_BLOCKS, SLACK_MODAL, problem


@dataclass
class Call:
    """One request the fake received: the Web API method (or `response_url`, `upload`)."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    ok: bool = True  # the answer's `ok` (Slack says most refusals with HTTP 200)


@dataclass
class User:
    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False


@dataclass
class FakeSlackState:
    """Everything the fake knows; tests read and change it directly."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    channel_errors: dict[str, str] = field(default_factory=dict)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)  # modals opened (views.open)
    clicked: dict[str, str] = field(default_factory=dict)  # a click's response_url -> message's
    shown: dict[str, dict[str, Any]] = field(default_factory=dict)  # a message replaced since


def invalid_blocks(blocks: Any) -> str | None:
    """Why Slack would refuse these blocks (`invalid_blocks`), by the published schemas."""
    if blocks is None:
        return None
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return problem(blocks, SLACK_BLOCKS)


class WebApiMethods:
    """`_m_chat_postMessage` answers `chat.postMessage`, and so on; the server picks by name."""

    state: FakeSlackState
    team_id: str
    port: int
    messages: ChannelHistory
    scopes: set[str]
    _ids: itertools.count[int]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _m_auth_test(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://racewatch.example/",
            "team": "Racewatch",
            "user": "racewatch",
            "team_id": self.team_id,
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
            "is_enterprise_install": False,
        }

    def _channel_error(self, params: dict[str, Any]) -> dict[str, Any] | None:
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        error = self.state.channel_errors.get(channel)
        return {"ok": False, "error": error} if error else None

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        if error := self._channel_error(params):
            return error
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if why := invalid_blocks(params.get("blocks")):
            return {"ok": False, "error": "invalid_blocks", "errors": [why]}
        message = self.messages.add(params)
        return {
            "ok": True,
            "channel": params["channel"],
            "ts": message.ts,
            "message": message.as_json(with_metadata=True),
        }

    def _history_refused(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Reading a channel needs its `*:history` scope, and the channel."""
        needed = needed_scope(str(params.get("channel", "")))
        if needed not in self.scopes:
            provided = ",".join(sorted(self.scopes))
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}
        return self._channel_error(params)

    def _m_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._history_refused(params) or self.messages.history(params)

    def _m_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._history_refused(params) or self.messages.replies(params)

    def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """A modal, opened for the click whose trigger_id it names (checked by its schema)."""
        raw = params.get("view")
        view: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        if not str(params.get("trigger_id") or ""):
            return {"ok": False, "error": "invalid_trigger_id"}
        if why := problem(view, SLACK_MODAL):
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": [why]},
            }
        opened = dict(view, id=f"V{next(self._ids):08d}", trigger_id=params["trigger_id"])
        self.state.views.append(opened)
        return {"ok": True, "view": opened}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if error := self._channel_error(params):
            return error
        return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ids):06d}"}

    def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.state.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "name": user.name,
                "team_id": self.team_id,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
            },
        }

    def _m_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        error = self.state.channel_errors.get(channel)
        if error == "channel_not_found":
            return {"ok": False, "error": error}
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": channel.lower(),
                "is_archived": error == "is_archived",
                "is_member": error != "not_in_channel",
            },
        }

    def _m_apps_connections_open(self, _params: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket={ticket}"}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.state.files[file_id] = {
            "id": file_id,
            "name": params["filename"],
            "length": int(params["length"]),
            "complete": False,
        }
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}

    def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel_id") and (error := self._channel_error(params)):
            return error
        entries = params.get("files")
        entries = json.loads(entries) if isinstance(entries, str) else entries or []
        done = []
        for entry in entries:
            info = self.state.files.get(entry.get("id", ""))
            if info is None or info["id"] not in self.state.uploads:
                return {"ok": False, "error": "file_not_found"}
            info.update(
                complete=True,
                title=entry.get("title", ""),
                channel=params.get("channel_id"),
                url_private=f"{self.base_url}/files/{info['id']}",
            )
            done.append({k: v for k, v in info.items() if k != "complete"})
        return {"ok": True, "files": done}

    def _m_files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info = self.state.files.get(str(params.get("file", "")))
        if info is None or info["id"] not in self.state.uploads:
            return {"ok": False, "error": "file_not_found"}
        url = f"{self.base_url}/files/{info['id']}"
        size = len(self.state.uploads[info["id"]])
        return {
            "ok": True,
            "file": {
                "id": info["id"],
                "name": info["name"],
                "size": size,
                "url_private": url,
                "url_private_download": f"{url}/download",
                "permalink": f"https://racewatch.slack.com/files/U0/{info['id']}/{info['name']}",
            },
        }
