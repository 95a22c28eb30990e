"""RobinX solution XML, with the evaluator's figures in the metadata."""

from __future__ import annotations

from xml.sax.saxutils import escape

from cadence.solve.itc2021.evaluator import Evaluation
from cadence.solve.itc2021.model import Game, Instance


def solution_xml(inst: Instance, games: list[Game], evaluation: Evaluation) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Solution>",
        "  <MetaData>",
        f"    <InstanceName>{escape(inst.name)}</InstanceName>",
        "    <Contributor>Cadence</Contributor>",
        f'    <ObjectiveValue infeasibility="{evaluation.hard}"'
        f' objective="{evaluation.objective}"/>',
        "  </MetaData>",
        "  <Games>",
    ]
    for h, a, s in sorted(games, key=lambda g: (g[2], g[0])):
        lines.append(f'    <ScheduledMatch home="{h}" away="{a}" slot="{s}"/>')
    lines += ["  </Games>", "</Solution>", ""]
    return "\n".join(lines)
