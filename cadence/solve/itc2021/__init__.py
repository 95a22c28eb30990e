"""ITC2021 sports timetabling: RobinX reader and writer, independent evaluator, CP-SAT solver."""

from cadence.solve.itc2021.evaluator import Evaluation, evaluate
from cadence.solve.itc2021.model import Constraint, Game, Instance
from cadence.solve.itc2021.reader import parse_instance, parse_solution, read_instance
from cadence.solve.itc2021.solver import ITC2021Result, solve_itc2021
from cadence.solve.itc2021.writer import solution_xml

__all__ = [
    "Constraint",
    "Evaluation",
    "Game",
    "ITC2021Result",
    "Instance",
    "evaluate",
    "parse_instance",
    "parse_solution",
    "read_instance",
    "solution_xml",
    "solve_itc2021",
]
