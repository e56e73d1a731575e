"""Files for ATTACHMENT options: Slack slash commands carry no files, so a curator uploads the
file to Slack and passes its link (or id); the bot downloads it with its own token."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.sending import error_code
from commands.core.errors import UserError
from commands.core.options import Attachment

MAX_BYTES = 50 * 1024 * 1024
_FILE_ID = re.compile(r"(?<![A-Za-z0-9])(F[A-Z0-9]{8,})(?![A-Za-z0-9])")
HOW = (
    "upload the file to Slack (a channel the bot is in, or a message to the bot), "
    "then give its link (More > Copy link to file), e.g. `file:https://....slack.com/files/...`"
)


def file_id(reference: str) -> str:
    """The `F...` id in a Slack file permalink, or the id itself."""
    match = _FILE_ID.search(reference)
    if match is None:
        raise UserError(f"`{reference}` is not a Slack file: {HOW}.")
    return match.group(1)


def _trusted(url: str, api_base_url: str) -> bool:
    """The bot token is only ever sent to Slack itself (or to the configured API host)."""
    host = urlsplit(url).hostname or ""
    return (
        host == urlsplit(api_base_url).hostname
        or host == "slack.com"
        or (host.endswith(".slack.com") or host.endswith(".slack-edge.com"))
    )


async def fetch_file(client: AsyncWebClient, reference: str) -> Attachment:
    """files.info, then download the private URL with the bot token; size-limited."""
    try:
        info = (await client.files_info(file=file_id(reference)))["file"]
    except SlackApiError as error:
        raise UserError(
            f"Slack could not give me that file ({error_code(error)}): {HOW}."
        ) from None
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if int(info.get("size") or 0) > MAX_BYTES:
        raise UserError(
            f"{info.get('name')} is over {MAX_BYTES // 2**20} MiB; use `racewatch import`."
        )
    if not url or not _trusted(url, client.base_url):
        raise UserError("That file has no download link on Slack; upload it again.")
    headers = {"Authorization": f"Bearer {client.token}"}
    data = bytearray()
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        if response.status != 200:
            raise UserError(
                f"Downloading {info.get('name')} from Slack failed ({response.status})."
            )
        async for chunk in response.content.iter_chunked(1 << 16):
            data += chunk
            if len(data) > MAX_BYTES:
                raise UserError(f"{info.get('name')} is over {MAX_BYTES // 2**20} MiB.")
    return Attachment(filename=str(info.get("name") or "upload"), data=bytes(data))
