"""`racewatch`'s entry point: `bot.cli.main`, loaded with the cyclic garbage collector paused.

Loading the command line (SQLAlchemy, the settings, the storage tables) creates a few hundred
thousand objects that live as long as the process, and the collector's repeated passes over
them while they load cost a console `racewatch ask` about a quarter of its start-up. Once
loaded they are frozen (`gc.freeze`: left out of later passes, which they would survive
anyway) and the collector runs as usual before any command does. When the command is done,
what is left is frozen too: the interpreter's last collection at exit then skips it (a few
ms of every `racewatch ask`; the process ends anyway, and files and databases are closed by
their owners and by `atexit`, not by that collection).
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from bot.cli import main as command_line
    finally:
        gc.freeze()
        gc.enable()
    status = command_line()
    gc.freeze()
    return status
