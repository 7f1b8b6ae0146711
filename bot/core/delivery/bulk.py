"""Core statements compiled once per dialect and run with the driver's own executemany.

SQLAlchemy's executemany builds and type-converts a parameter set per row, about 20 µs a row
here, which was most of what queueing a delivery cost (docs/performance.md). A `Bulk` keeps
the statement as Core (dialect-correct SQL, upserts, types) but compiles it once per dialect
into its SQL text and the order of its parameters; each call converts the values shared by all
rows once and hands the driver plain tuples.

Only statements whose parameters are all named `bindparam`s or constants fit: no expanding IN
lists (give the key per row instead; executemany keeps that one round trip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable


@dataclass(frozen=True)
class _Slot:
    name: str
    # A constant of the statement itself, already converted for the driver.
    value: Any = None
    constant: bool = False
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple[_Slot, ...]


class Bulk:
    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            # for_executemany: no RETURNING of new ids, which one row at a time would add.
            compiled = self.statement.compile(dialect=dialect, for_executemany=True)
            slots = []
            for name in compiled.positiontup or ():
                bind = compiled.binds[name]
                # As SQLAlchemy itself would: the type as this dialect implements it.
                convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if bind.required:
                    slots.append(_Slot(name, convert=convert))
                else:
                    value = convert(bind.value) if convert else bind.value
                    slots.append(_Slot(name, value, constant=True))
            plan = self._plans[dialect.name] = _Plan(compiled.string, tuple(slots))
        return plan

    def rows(
        self, dialect: Dialect, rows: Iterable[Mapping[str, Any]], shared: Mapping[str, Any]
    ) -> tuple[str, list[tuple]]:
        """The SQL and the driver's parameter tuples; `shared` values are the same in every row."""
        plan = self._plan(dialect)
        fixed: dict[int, Any] = {}
        for i, slot in enumerate(plan.slots):
            if slot.constant:
                fixed[i] = slot.value
            elif slot.name in shared:
                value = shared[slot.name]
                fixed[i] = slot.convert(value) if slot.convert and value is not None else value
        template = [fixed.get(i) for i in range(len(plan.slots))]
        per_row = [
            (i, slot.name, slot.convert) for i, slot in enumerate(plan.slots) if i not in fixed
        ]
        # Rows repeat values (a handful of due times across thousands of members): convert each
        # distinct one once.
        converted: dict[int, dict[Any, Any]] = {i: {} for i, _, convert in per_row if convert}
        params = []
        for row in rows:
            values = template.copy()
            for i, name, convert in per_row:
                value = row[name]
                if convert is not None and value is not None:
                    seen = converted[i]
                    if value not in seen:
                        seen[value] = convert(value)
                    value = seen[value]
                values[i] = value
            params.append(tuple(values))
        return plan.sql, params

    async def run(
        self, conn: AsyncConnection, rows: Sequence[Mapping[str, Any]], **shared: Any
    ) -> None:
        """Execute once per row in `conn`'s transaction."""
        if rows:
            sql, params = self.rows(conn.dialect, rows, shared)
            await conn.exec_driver_sql(sql, params)
