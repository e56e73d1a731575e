"""Checking import rows against the database (a snapshot) and each other, into a write plan.

Every row is checked like `/admin score add` checks its input (same option rules, the
benchmark's valid range, no future dates); a row that fails is rejected with its reason and
changes nothing. Facts a model already has are kept: a row may fill an unknown one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from commands.core.curation import check_report_date, check_score
from commands.core.errors import UserError
from commands.imports.checks_names import Lookalikes
from commands.imports.formats.base import BenchmarkSpec, RawRow
from commands.imports.rows import Line, read_line
from storage.benchmarks import BENCHMARK_COLUMNS
from storage.bulk.plan import (
    ImportPlan,
    KnownModel,
    KnownScore,
    NewModel,
    NewOrganization,
    NewScore,
    Ref,
    RowUpdate,
    Snapshot,
)
from storage.names import normalize
from storage.rows import BenchmarkRow

MANY_REPORTS = 16  # reports of one pair in a file past which they are indexed by source
MODEL_FACTS = ("released", "release_precision", "weights", "params_b", "context_tokens")


@dataclass(frozen=True)
class Rejection:
    number: int
    line: int
    reason: str

    @property
    def where(self) -> str:
        return f"row {self.number} (line {self.line})" if self.line else f"row {self.number}"


@dataclass
class Checked:
    """The outcome of checking every row: counts, rejections, notes and the plan."""

    plan: ImportPlan
    counts: Counter[str] = field(default_factory=Counter)  # added / updated / unchanged
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Checker:
    """Feed rows with `add`, then `finish` for the plan; nothing here touches the database."""

    def __init__(
        self,
        snapshot: Snapshot,
        specs: tuple[BenchmarkSpec, ...],
        *,
        default_benchmark: str | None,
        today: date,
        actor: str,
    ) -> None:
        self.snap = snapshot
        self.specs = {normalize(s.name): s for s in specs}
        self.default_benchmark = default_benchmark
        self.today = today
        self.actor = actor
        self.result = Checked(ImportPlan())
        self.new_orgs: dict[str, NewOrganization] = {}
        self.new_models: dict[str, NewModel] = {}
        self.new_benchmarks: dict[str, BenchmarkRow] = {}
        self.dated: set[Ref] = set()  # models given a release date by a later row
        self.changed: dict[int, NewScore] = {}  # the file's report on a stored score, by id
        self.updated_pairs: set[tuple[int, int]] = set()
        self.updates: dict[tuple[str, int], RowUpdate] = {}
        self.pairs: dict[tuple[Ref, Ref], list[NewScore]] = {}  # new reports by pair
        self.by_source: dict[tuple[Ref, Ref], dict[str, NewScore]] = {}  # for many reports
        self.models_by_id = {m.id: m for m in snapshot.models.values()}
        self.keys: dict[str, str] = {}
        self.looks = Lookalikes(snapshot)

    def add(self, raw: RawRow) -> None:
        """Check one row; a valid one joins the plan, an invalid one is rejected with why."""
        try:
            if raw.problem:
                raise UserError(f"The row {raw.problem}.")
            line = read_line(raw.values, self.default_benchmark)
            stated = min(raw.reported, self.today) if raw.reported else self.today
            status = self._row(raw.number, line, stated)
        except UserError as error:
            self.result.rejected.append(Rejection(raw.number, raw.line, error.message))
            return
        self.result.counts[status] += 1

    def _row(self, number: int, line: Line, stated: date) -> str:
        """Check one typed row; `stated` is its report day when it gives no `date`."""
        bench = self._benchmark(line)
        if bench is not None and line.value is not None:
            check_score(bench, line.value)
        if line.reported_on is not None:
            check_report_date(line.reported_on, self.today)
        org_ref, org_name, country, new_org = self._organization(line)
        model_ref, model_name, new_model, fills = self._model(line, org_ref, org_name, country)
        score_status = "unchanged"
        if bench is not None:
            score_status = self._score(
                number, line, model_ref, model_name, org_name, country, bench, stated
            )
        if bench is not None and bench.id == 0 and normalize(bench.name) not in self.new_benchmarks:
            self._new_benchmark(bench)  # every check passed: now the row may change the plan
            self.looks.add("benchmark", bench.name, number)
        if new_org is not None:
            self.new_orgs[new_org.key] = new_org
            self.result.plan.organizations.append(new_org)
            self.looks.add("organization", new_org.name, number)
        if new_model is not None:
            self.new_models[new_model.key] = new_model
            self.result.plan.models.append(new_model)
            self.looks.add("model", new_model.name, number)
        self._fill(model_ref, fills)
        if score_status == "added":  # its model's release date, for now (a row may fill it)
            self.result.plan.scores[-1].released = self._owner(model_ref).released
        if new_model is not None or score_status == "added":
            return "added"
        return "updated" if fills or score_status == "updated" else "unchanged"

    def _benchmark(self, line: Line) -> BenchmarkRow | None:
        if line.benchmark is None:
            return None
        key = self.key(line.benchmark)
        known = self.snap.benchmarks.get(key) or self.new_benchmarks.get(key)
        if known is not None:
            return known
        self.looks.check("benchmark", line.benchmark)
        spec = self.specs.get(key) or line.benchmark_spec
        if spec is None:
            raise UserError(
                f"I don't know the benchmark `{line.benchmark}`. Add it first with "
                f"/admin benchmark add {line.benchmark} (unit, direction, range), then import."
            )
        row = BenchmarkRow(
            0,
            spec.name,
            spec.description,
            spec.unit,
            spec.higher_is_better,
            spec.min_value,
            spec.max_value,
            spec.source or line.source,
        )
        return row

    def _new_benchmark(self, row: BenchmarkRow) -> None:
        key = normalize(row.name)
        self.new_benchmarks[key] = row
        columns = {k: getattr(row, k) for k in BENCHMARK_COLUMNS}
        self.result.plan.benchmarks.append((key, columns))

    def _organization(self, line: Line) -> tuple[Ref, str, str, NewOrganization | None]:
        key = self.key(line.organization)
        if not key:
            raise UserError(f"`organization` `{line.organization}` has no letters or digits.")
        known = self.snap.orgs.get(key)
        pending = self.new_orgs.get(key)
        found: tuple[Ref, str, str] | None = (
            (known.id, known.name, known.country)
            if known
            else (key, pending.name, pending.country)
            if pending
            else None
        )
        if found is not None:
            ref, name, where = found
            if line.country and line.country != where:
                raise UserError(
                    f"{name} is recorded in {where}; this row says {line.country}. "
                    "An organization keeps one country."
                )
            return ref, name, where, None
        self.looks.check("organization", line.organization)
        if line.country is None:
            raise UserError(
                f"`{line.organization}` is a new organization: give its country "
                "(an ISO code such as CN)."
            )
        new = NewOrganization(key, line.organization, line.country, line.model_source)
        return key, new.name, new.country, new

    def key(self, name: str) -> str:
        """`normalize(name)`, remembered: rows repeat their model, organization, benchmark."""
        found = self.keys.get(name)
        if found is None:
            found = self.keys[name] = normalize(name)
        return found

    def _model(
        self, line: Line, org: Ref, org_name: str, country: str
    ) -> tuple[Ref, str, NewModel | None, dict[str, Any]]:
        key = self.key(line.model)
        if not key:
            raise UserError(f"`model` `{line.model}` has no letters or digits.")
        released = line.released
        row = (
            released.day if released else None,
            released.precision if released else None,
            line.weights,
            line.params_b,
            line.context_tokens,
        )
        stored: KnownModel | NewModel | None = self.snap.models.get(key) or self.new_models.get(key)
        if stored is None:
            self.looks.check("model", line.model)
            new = NewModel(key, line.model, org, org_name, country, *row, source=line.model_source)
            return key, line.model, new, {}
        owner: Ref
        if isinstance(stored, KnownModel):
            ref: Ref = stored.id
            owner, owner_name = stored.org_id, self.snap.org_names.get(stored.org_id, "")
        else:
            ref, owner, owner_name = key, stored.org, stored.organization
        if owner != org:
            raise UserError(
                f"{stored.name} is by {owner_name}, not {org_name}: fix the row, or "
                f"the model with /admin model edit {stored.name} org:..."
            )
        have = (
            stored.released,
            stored.release_precision,
            stored.weights,
            stored.params_b,
            stored.context_tokens,
        )
        if row == have:
            return ref, stored.name, None, {}
        fills = {
            k: v
            for k, v, old in zip(MODEL_FACTS, row, have, strict=True)
            if v is not None and old is None
        }
        for k, v, old in zip(MODEL_FACTS, row, have, strict=True):
            if v is not None and old not in (None, v) and k != "release_precision":
                self.result.notes.append(f"kept {stored.name}'s {k} {old}; a row says {v}")
        return ref, stored.name, None, fills

    def _fill(self, ref: Ref, fills: dict[str, Any]) -> None:
        """Give a model the facts it lacked (recorded as an update for an existing one)."""
        if not fills:
            return
        target: KnownModel | NewModel
        if isinstance(ref, str):
            target = self.new_models[ref]
        else:
            target = self.models_by_id[ref]
            update = self.updates.get(("models", ref))
            if update is None:
                update = RowUpdate("models", ref, {}, {})
                self.updates[("models", ref)] = update
                self.result.plan.updates.append(update)
            for k, v in fills.items():
                update.before.setdefault(k, None)
                update.after[k] = v
        for k, v in fills.items():
            setattr(target, k, v)
        if "released" in fills:
            self.dated.add(ref)

    def _score(
        self,
        number: int,
        line: Line,
        model: Ref,
        model_name: str,
        org_name: str,
        country: str,
        bench: BenchmarkRow,
        stated: date,
    ) -> str:
        assert line.value is not None
        bench_ref: Ref = bench.id if bench.id else normalize(bench.name)
        reported = line.reported_on or stated
        pair = (model, bench_ref)
        known = (
            self.snap.scores.get((model, bench_ref), {}).get(line.source)
            if isinstance(model, int) and isinstance(bench_ref, int)
            else None
        )
        reports = self.pairs.get(pair)
        earlier = (
            self._same_source(pair, reports or [], line.source)
            if known is None
            else self.changed.get(known.id)
        )
        if earlier is not None:
            if (earlier.value, earlier.stderr) == (line.value, line.stderr) and (
                line.reported_on is None or earlier.reported_on == line.reported_on
            ):
                return "unchanged"
            raise UserError(
                f"row {earlier.row} gives {model_name} on {bench.name} from the same "
                "source a different score: keep one of the two rows."
            )
        self.result.plan.benchmarks_touched.add(bench_ref)
        score = NewScore(
            model,
            bench_ref,
            line.value,
            line.stderr,
            reported,
            line.source,
            model_name,
            org_name,
            country,
            bench.name,
            row=number,
        )
        if known is None:
            if reports is None:
                reports = self.pairs[pair] = []
                # current for now if it is the pair's first report; `finish` ranks the others
                score.is_current = pair not in self.snap.scores
            reports.append(score)
            if (index := self.by_source.get(pair)) is not None:
                index[score.source] = score
            self.result.plan.scores.append(score)
            return "added"
        self.changed[known.id] = score
        if (known.value, known.stderr) == (line.value, line.stderr) and (
            line.reported_on is None or known.reported_on == line.reported_on
        ):
            return "unchanged"
        self._update_score(known, line.value, line.stderr, reported)
        self.result.plan.changed_scores.append(score)
        assert isinstance(model, int) and isinstance(bench_ref, int)
        self.updated_pairs.add((model, bench_ref))
        return "updated"

    def _same_source(
        self, pair: tuple[Ref, Ref], reports: list[NewScore], source: str
    ) -> NewScore | None:
        """An earlier new report of the pair from `source`: a pair has a few reports, looked
        through in turn, or an index by source once it has many."""
        if len(reports) < MANY_REPORTS:
            for report in reports:
                if report.source == source:
                    return report
            return None
        index = self.by_source.get(pair)
        if index is None:  # kept up to date by `_score` from now on
            index = self.by_source[pair] = {r.source: r for r in reports}
        return index.get(source)

    def _update_score(
        self, known: KnownScore, value: float, stderr: float | None, reported: date
    ) -> None:
        update = self._score_update(known)
        update.after |= {
            "value": value,
            "stderr": stderr,
            "reported_on": reported,
            "added_by": self.actor,
        }
        known.value, known.stderr, known.reported_on = value, stderr, reported

    def _score_update(self, known: KnownScore) -> RowUpdate:
        update = self.updates.get(("scores", known.id))
        if update is None:
            before = {
                "value": known.value,
                "stderr": known.stderr,
                "reported_on": known.reported_on,
                "added_by": known.added_by,
                "is_current": known.is_current,
            }
            update = RowUpdate("scores", known.id, before, {})
            self.updates[("scores", known.id)] = update
            self.result.plan.updates.append(update)
        return update

    def finish(self) -> Checked:
        """Mark the newest report of each touched pair current (ties: the last written), and
        give scores their model's release date (storage.engine.schema.scores)."""
        self.changed.clear()
        self._follow_release_dates()
        pairs = self.pairs
        known = self.snap.scores
        for pair, news in pairs.items():
            if pair not in known and len(news) > 1:  # a lone new report is current already
                self._rank(pair, news)
        for pair in sorted((p for p in pairs if p in known), key=_pair_key):
            self.updated_pairs.discard(pair)  # type: ignore[arg-type,unused-ignore]
            self._rank(pair, pairs[pair])
        for pair in self.updated_pairs:
            self._rank(pair, [])
        return self.result

    def _owner(self, model: Ref) -> KnownModel | NewModel:
        return self.models_by_id[model] if isinstance(model, int) else self.new_models[model]

    def _follow_release_dates(self) -> None:
        if self.dated:  # scores take their model's date when added: follow later fills
            for score in self.result.plan.scores:
                if score.model in self.dated:
                    score.released = self._owner(score.model).released
        dated = {
            model_id: update.after["released"]
            for (table, model_id), update in self.updates.items()
            if table == "models" and "released" in update.after
        }
        if not dated:
            return
        for (model_id, _), reports in self.snap.scores.items():
            if model_id in dated:
                for known in reports.values():
                    update = self._score_update(known)
                    update.before.setdefault("released", None)
                    update.after["released"] = dated[model_id]

    def _rank(self, pair: tuple[Ref, Ref], news: list[NewScore]) -> None:
        model, bench = pair
        existing: dict[str, KnownScore] = (
            self.snap.scores.get((model, bench), {})
            if isinstance(model, int) and isinstance(bench, int)
            else {}
        )
        if len(news) == 1 and not existing:
            news[0].is_current = True
            return
        ranked: list[tuple[date, int, int, Any]] = [
            (k.reported_on, 0, k.id, k) for k in existing.values()
        ]
        ranked += [(n.reported_on, 1, i, n) for i, n in enumerate(news)]
        winner = max(ranked, key=lambda r: r[:3])[3]
        for score in news:
            score.is_current = score is winner
        for known in existing.values():
            if known.is_current != (known is winner):
                self._score_update(known).after["is_current"] = known is winner


def _pair_key(pair: tuple[Ref, Ref]) -> tuple[bool, str, bool, str]:
    m, b = pair
    return isinstance(m, str), str(m), isinstance(b, str), str(b)
