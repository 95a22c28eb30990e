"""Travelling Tournament Problem: model, independent evaluator, simulated-annealing solver."""

from cadence.solve.ttp.evaluator import TTPEvaluation, evaluate
from cadence.solve.ttp.model import Rounds, TTPInstance, parse_matrix, read_instance, to_json
from cadence.solve.ttp.solver import TTPResult, solve_ttp

__all__ = [
    "Rounds",
    "TTPEvaluation",
    "TTPInstance",
    "TTPResult",
    "evaluate",
    "parse_matrix",
    "read_instance",
    "solve_ttp",
    "to_json",
]
