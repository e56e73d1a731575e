"""A restore does not replay the outbox: an alert owed when the backup was taken, delivered
since, is not posted again after the restore, on Discord and Slack, unless asked to."""

from __future__ import annotations

from pathlib import Path

from storage.backup import backup
from storage.restore import restore
from tests.support.chat import LEAD_CHANGE, Chat


async def owe_backup_deliver(chat: Chat, saved: Path) -> int:
    """Both platforms' channels subscribe, a lead change is owed to them, a backup is taken,
    the alerts go out; then the bot stops. Returns the lead change's event."""
    await chat.discord_run("subscribe", {"topics": "all"})
    await chat.slack_run("/subscribe", "leads scores")
    await chat.curator("admin score add", LEAD_CHANGE)
    event = await chat.last_event()
    backup(chat.db.url, saved, now=chat.clock.now())
    await chat.deliver()
    assert len(chat.discord.messages(chat.channel)) == len(chat.slack_texts()) == 1
    await chat.db.engine.dispose()  # the bot stops: nothing holds the file
    return event


async def test_what_went_out_after_the_backup_is_not_posted_again(
    chat: Chat, tmp_path: Path
) -> None:
    event = await owe_backup_deliver(chat, tmp_path / "saved.db")
    done = restore(chat.db.url, tmp_path / "saved.db", now=chat.clock.now())
    assert done.settled == 2  # one alert per platform's channel
    await chat.worker.recover()  # the bot starts again
    await chat.deliver()
    assert len(chat.discord.messages(chat.channel)) == 1
    assert len(chat.slack_texts()) == 1
    why = (await chat.discord_run("subscriptions", {"why": str(event)})).text()
    assert "Not posted: alert not sent: restored from a backup of 2027-03-22 10:00 UTC" in why


async def test_resend_posts_what_was_owed_at_the_backup_again(chat: Chat, tmp_path: Path) -> None:
    await owe_backup_deliver(chat, tmp_path / "saved.db")
    done = restore(chat.db.url, tmp_path / "saved.db", now=chat.clock.now(), resend=True)
    assert done.settled == 0
    await chat.deliver()
    assert len(chat.slack_texts()) == 2  # Slack has no nonce to catch a resend
