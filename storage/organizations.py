"""Organizations: the labs, with their country."""

from __future__ import annotations

from sqlalchemy import select

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.names import add_name, lookup
from storage.rows import OrganizationRow


async def get_organization(conn: AsyncConnection, org_id: int) -> OrganizationRow:
    row = (
        await conn.execute(select(schema.organizations).where(schema.organizations.c.id == org_id))
    ).one()
    return OrganizationRow(row.id, row.name, row.country, row.source)


async def find_organization(conn: AsyncConnection, name: str) -> OrganizationRow | None:
    org_id = await lookup(conn, "organization", name)
    return None if org_id is None else await get_organization(conn, org_id)


async def add_organization(
    change: Change, name: str, country: str, source: str, aliases: tuple[str, ...] = ()
) -> int:
    org_id = await change.insert(
        schema.organizations, {"name": name, "country": country, "source": source}
    )
    for label in (name, *aliases):
        await add_name(change, "organization", label, org_id)
    return org_id
