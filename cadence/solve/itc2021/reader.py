"""RobinX XML -> :class:`Instance`, and RobinX solution XML -> games."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from cadence.solve.itc2021.model import KINDS, Constraint, Game, Instance


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(v) for v in (text or "").split(";") if v.strip())


def _meetings(text: str | None) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for part in (text or "").split(";"):
        if part.strip():
            h, a = part.split(",")
            out.append((int(h), int(a)))
    return tuple(out)


def _constraint(el: ET.Element) -> Constraint:
    a = el.attrib
    kind = el.tag
    hard = a.get("type", "SOFT").upper() == "HARD"
    penalty = int(a.get("penalty", "1"))
    mx = int(a["max"]) if "max" in a else None
    mn = int(a.get("min", "0"))
    slots = _ids(a.get("slots"))
    if kind == "CA1":
        return Constraint(
            kind, hard, penalty, _ids(a["teams"]), (), slots, a["mode"], min=mn, max=mx
        )
    if kind in ("CA2", "CA3", "CA4"):
        return Constraint(
            kind,
            hard,
            penalty,
            _ids(a["teams1"]),
            _ids(a["teams2"]),
            slots,
            a["mode1"],
            a.get("mode2", "GLOBAL"),
            min=mn,
            max=mx,
            intp=int(a.get("intp", "0")),
        )
    if kind == "GA1":
        return Constraint(
            kind, hard, penalty, slots=slots, min=mn, max=mx, meetings=_meetings(a["meetings"])
        )
    if kind == "BR1":
        return Constraint(
            kind,
            hard,
            penalty,
            _ids(a["teams"]),
            (),
            slots,
            a.get("mode2", "HA"),
            intp=int(a["intp"]),
        )
    if kind in ("BR2", "FA2"):
        return Constraint(kind, hard, penalty, _ids(a["teams"]), (), slots, intp=int(a["intp"]))
    if kind == "SE1":
        return Constraint(kind, hard, penalty, _ids(a["teams"]), min=mn)
    raise ValueError(f"unsupported constraint type {kind}")


def parse_instance(text: str | bytes, name: str = "") -> Instance:
    root = ET.fromstring(text)  # noqa: S314 - see import
    teams = root.findall("./Resources/Teams/team")
    slots = root.findall("./Resources/Slots/slot")
    if not teams or not slots:
        raise ValueError("no <Teams> or <Slots> in the instance")
    fmt = root.find("./Structure/Format")
    game_mode = fmt.findtext("gameMode", "NULL") if fmt is not None else "NULL"
    rr = fmt.findtext("numberRoundRobin", "2") if fmt is not None else "2"
    if rr.strip() != "2":
        raise ValueError(f"only double round robins are supported, got numberRoundRobin={rr}")
    constraints: list[Constraint] = []
    cons = root.find("Constraints")
    for group in list(cons) if cons is not None else []:
        for el in group:
            if el.tag not in KINDS:
                raise ValueError(f"unsupported constraint type {el.tag}")
            constraints.append(_constraint(el))
    title = root.findtext("./MetaData/InstanceName") or name
    return Instance(
        name=title,
        n_teams=len(teams),
        n_slots=len(slots),
        phased=game_mode.strip() == "P",
        constraints=tuple(constraints),
    )


def read_instance(path: str | Path) -> Instance:
    p = Path(path)
    return parse_instance(p.read_bytes(), name=p.stem)


def parse_solution(text: str | bytes) -> list[Game]:
    root = ET.fromstring(text)  # noqa: S314 - see import
    return [
        (int(m.attrib["home"]), int(m.attrib["away"]), int(m.attrib["slot"]))
        for m in root.iter("ScheduledMatch")
    ]
