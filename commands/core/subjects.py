"""A name that may be a model or an organization, for /news and /timeline."""

from __future__ import annotations

from dataclasses import dataclass

from commands.core.errors import UserError
from commands.core.lookup import closest
from storage import names
from storage.engine.aio import AsyncConnection
from storage.models import find_model
from storage.organizations import get_organization
from storage.rows import ModelRow, OrganizationRow


@dataclass(frozen=True)
class Subject:
    """Exactly one of a model or an organization."""

    model: ModelRow | None = None
    organization: OrganizationRow | None = None

    @property
    def name(self) -> str:
        found = self.model or self.organization
        assert found is not None
        return found.name


async def resolve_subject(conn: AsyncConnection, text: str) -> Subject:
    """A model's name or alias first, then an organization's; else the closest of both."""
    model = await find_model(conn, text)  # any name or alias of a model
    if model is not None:
        return Subject(model=model)
    org_id = await names.lookup(conn, "organization", text)
    if org_id is not None:
        return Subject(organization=await get_organization(conn, org_id))
    near = [*await closest(conn, "model", text, 2), *await closest(conn, "organization", text, 2)]
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise UserError(f"I don't know a model or organization `{text}`.{hint}")
