"""Async engine and connection over SQLAlchemy Core, the part of `sqlalchemy.ext.asyncio`
Racewatch uses: that package imports the ORM (for AsyncSession), a sixth of a start-up.

Same mechanics as SQLAlchemy's own: an engine made with `_is_async=True` (the async
drivers and pool), each blocking call run in a greenlet (`greenlet_spawn`) whose driver
awaits hop back to the event loop, and a connection's close on leaving its block run to
its end even when the task is cancelled meanwhile (else the connection could go back to
a pool already disposed). Names and signatures follow SQLAlchemy's, so either reads alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Sequence
from contextlib import asynccontextmanager
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    ParamSpec,
    TypeAlias,
    TypeVar,
    TypeVarTuple,
    overload,
)

from sqlalchemy import exc
from sqlalchemy.engine import Connection, CursorResult, Engine, Row, create_engine
from sqlalchemy.util.concurrency import greenlet_spawn

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import Dialect
    from sqlalchemy.engine.url import URL
    from sqlalchemy.pool import Pool, PoolProxiedConnection
    from sqlalchemy.sql import Executable
    from sqlalchemy.sql.selectable import TypedReturnsRows

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")
AnyRow: TypeAlias = tuple[Any, ...]
STREAM = {"stream_results": True}


async def run_to_completion(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run `coro` in a task of its own to its end, even if the caller is cancelled
    meanwhile; the cancellation is raised once it is done (SQLAlchemy's cleanup rule)."""
    task = asyncio.create_task(coro)
    cancelled: asyncio.CancelledError | None = None
    while True:
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError as err:
            if task.done():
                raise
            cancelled = err
        else:
            break
    if cancelled is not None:
        raise cancelled
    return result


def create_async_engine(url: str | URL, **kw: Any) -> AsyncEngine:
    """`create_engine` for an async driver (aiosqlite, asyncpg), wrapped for `await`."""
    if kw.get("server_side_cursors", False):
        raise exc.ArgumentError("use AsyncConnection.stream() for a server-side cursor")
    return AsyncEngine(create_engine(url, _is_async=True, **kw))


class AsyncEngine:
    """An Engine whose connections are awaited (`connect`, `begin`, `dispose`)."""

    __slots__ = ("sync_engine",)

    def __init__(self, sync_engine: Engine) -> None:
        if not sync_engine.dialect.is_async:
            raise exc.InvalidRequestError(
                f"an async driver is needed; {sync_engine.dialect.driver!r} is not async"
            )
        self.sync_engine = sync_engine

    def connect(self) -> AsyncConnection:
        """A connection to `await` or to use as `async with` (closed at the end)."""
        return AsyncConnection(self)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction: committed at the end, rolled back on an error."""
        async with self.connect() as conn, conn.begin():
            yield conn

    async def dispose(self, close: bool = True) -> None:
        await greenlet_spawn(self.sync_engine.dispose, close=close)

    @property
    def dialect(self) -> Dialect:
        return self.sync_engine.dialect

    @property
    def url(self) -> URL:
        return self.sync_engine.url

    @property
    def pool(self) -> Pool:
        return self.sync_engine.pool


class AsyncConnection:
    """A Connection whose I/O is awaited; `sync_connection` once started."""

    __slots__ = ("engine", "sync_connection", "sync_engine")

    def __init__(self, engine: AsyncEngine, sync_connection: Connection | None = None) -> None:
        self.engine = engine
        self.sync_engine = engine.sync_engine
        self.sync_connection = sync_connection

    async def start(self) -> AsyncConnection:
        if self.sync_connection is not None:
            raise exc.InvalidRequestError("connection is already started")
        self.sync_connection = await greenlet_spawn(self.sync_engine.connect)
        return self

    def __await__(self) -> Generator[Any, None, AsyncConnection]:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncConnection:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await run_to_completion(self.close())

    @property
    def _proxied(self) -> Connection:
        if self.sync_connection is None:
            raise exc.InvalidRequestError(
                "AsyncConnection has not been started: await it or use `async with`"
            )
        return self.sync_connection

    @property
    def info(self) -> dict[Any, Any]:
        return self._proxied.info

    @property
    def dialect(self) -> Dialect:
        return self._proxied.dialect

    @property
    def closed(self) -> bool:
        return self._proxied.closed

    @property
    def invalidated(self) -> bool:
        return self._proxied.invalidated

    async def get_raw_connection(self) -> PoolProxiedConnection:
        """The pool's DBAPI connection (after a reconnect if it was invalidated)."""
        return await greenlet_spawn(getattr, self._proxied, "connection")

    def begin(self) -> AsyncTransaction:
        return AsyncTransaction(self)

    def in_transaction(self) -> bool:
        return self._proxied.in_transaction()

    async def invalidate(self, exception: BaseException | None = None) -> None:
        await greenlet_spawn(self._proxied.invalidate, exception=exception)

    async def execution_options(self, **opt: Any) -> AsyncConnection:
        """Set options on this connection (it is changed in place, as SQLAlchemy's is)."""
        await greenlet_spawn(self._proxied.execution_options, **opt)
        return self

    async def commit(self) -> None:
        await greenlet_spawn(self._proxied.commit)

    async def rollback(self) -> None:
        await greenlet_spawn(self._proxied.rollback)

    async def close(self) -> None:
        await greenlet_spawn(self._proxied.close)

    async def exec_driver_sql(
        self,
        statement: str,
        parameters: Any = None,
        execution_options: Any = None,
    ) -> CursorResult[*AnyRow]:
        return await greenlet_spawn(
            self._proxied.exec_driver_sql,
            statement,
            parameters,
            execution_options,
            _require_await=True,
        )

    @overload
    async def execute(
        self,
        statement: TypedReturnsRows[*_Ts],
        parameters: Any = None,
        *,
        execution_options: Any = None,
    ) -> CursorResult[*_Ts]: ...

    @overload
    async def execute(
        self, statement: Executable, parameters: Any = None, *, execution_options: Any = None
    ) -> CursorResult[*AnyRow]: ...

    async def execute(
        self, statement: Executable, parameters: Any = None, *, execution_options: Any = None
    ) -> CursorResult[*AnyRow]:
        return await greenlet_spawn(
            self._proxied.execute,
            statement,
            parameters,
            execution_options=execution_options,
            _require_await=True,
        )

    @overload
    async def scalar(
        self,
        statement: TypedReturnsRows[_T],
        parameters: Any = None,
        *,
        execution_options: Any = None,
    ) -> _T | None: ...

    @overload
    async def scalar(
        self, statement: Executable, parameters: Any = None, *, execution_options: Any = None
    ) -> Any: ...

    async def scalar(
        self, statement: Executable, parameters: Any = None, *, execution_options: Any = None
    ) -> Any:
        result = await self.execute(statement, parameters, execution_options=execution_options)
        return result.scalar()

    async def stream(
        self, statement: Executable, parameters: Any = None, *, execution_options: Any = None
    ) -> AsyncResult:
        """Rows fetched as they are read (a server-side cursor): for results too big to hold."""
        if not self.dialect.supports_server_side_cursors:
            raise exc.InvalidRequestError("this dialect has no server-side cursors")
        options = {**(execution_options or {}), **STREAM}
        result = await greenlet_spawn(
            self._proxied.execute,
            statement,
            parameters,
            execution_options=options,
            _require_await=True,
        )
        return AsyncResult(result)

    async def run_sync(
        self, fn: Callable[Concatenate[Connection, _P], _T], *arg: _P.args, **kw: _P.kwargs
    ) -> _T:
        """Call a synchronous function (Alembic's upgrade) with the sync Connection."""
        return await greenlet_spawn(fn, self._proxied, *arg, _require_await=False, **kw)


class AsyncTransaction:
    """`async with conn.begin():` commits at the end, rolls back on an error."""

    __slots__ = ("connection", "sync_transaction")

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.sync_transaction: Any = None

    async def start(self, is_ctxmanager: bool = False) -> AsyncTransaction:
        self.sync_transaction = await greenlet_spawn(self.connection._proxied.begin)
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self

    def __await__(self) -> Generator[Any, None, AsyncTransaction]:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncTransaction:
        return await self.start(is_ctxmanager=True)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await greenlet_spawn(self._proxied.__exit__, type_, value, traceback)

    @property
    def _proxied(self) -> Any:
        if self.sync_transaction is None:
            raise exc.InvalidRequestError("transaction has not been started")
        return self.sync_transaction

    @property
    def is_active(self) -> bool:
        return bool(self._proxied.is_active)

    async def commit(self) -> None:
        await greenlet_spawn(self._proxied.commit)

    async def rollback(self) -> None:
        await greenlet_spawn(self._proxied.rollback)

    async def close(self) -> None:
        await greenlet_spawn(self._proxied.close)


class AsyncResult:
    """A streamed result: rows are fetched in the driver as the partitions are read."""

    __slots__ = ("_result",)

    def __init__(self, result: CursorResult[*AnyRow]) -> None:
        self._result = result

    async def partitions(self, size: int | None = None) -> AsyncIterator[Sequence[Row[*AnyRow]]]:
        while partition := await greenlet_spawn(self._result.fetchmany, size):
            yield partition

    async def close(self) -> None:
        await greenlet_spawn(self._result.close)
