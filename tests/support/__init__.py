"""What tests share (a test imports helpers from here only, never from another test module).

fakes/         a fake Discord (REST, gateway, interactions) and a fake Slack (Web API, signed
               slash commands, Socket Mode) on 127.0.0.1, for the real clients to talk to;
               a fake feed server serving tests/data/feeds (feeds.py)
feeds_world.py the feeds world: the fake feed server, a poller, the console and a movable clock
toy.py         a small registry for front-end tests, independent of the real commands
chat.py        the chat world: both front ends, one database, the outbox worker, a movable clock
world.py       the seeded world's fixed NOW, a plain MEMBER caller, the `ask` fixture's type
database.py    snapshot (every row, to prove nothing was written) and wipe (lose a database)
discord_world  / slack_world: who is who on each fake, the settings pointed at it, reading messages
processes.py   `racewatch` as a child process: one command, or `racewatch run` watched and killed
shared_data.py published files beside the checkout (tests skip without them)
"""
