"""Benchmark the league solvers through the real CLI and print a markdown table.

Every run's output is re-validated with the independent evaluators; a run whose schedule is
infeasible or whose printed figure disagrees with its file fails the whole benchmark.

    .venv/bin/python bench/solve/run.py ttp NL8 NL10 --time-limit 60 --seeds 1 2 3
    .venv/bin/python bench/solve/run.py itc2021 ITC2021_Early_1 --time-limit 300 --seeds 1
    .venv/bin/python bench/solve/run.py ttp-speed NL8 NL10 NL16 --moves 5000000
    .venv/bin/python bench/solve/run.py ttp-beam CIRC10 NL16 --widths 10000 100000 --seeds 1 2 3

``ttp-speed`` measures the annealer itself, in this process: the time to load (or compile)
the kernels, then moves per CPU-second over an iteration-capped run (CPU time, so the
figure is not distorted by other load on the machine the way wall-clock figures are).
``ttp-beam`` runs single beam searches (decision 0019) of given widths, one per seed.

TTP instances: the shared files, then ``instances/`` here (NL12-NL16, see its README), then
CIRCn / CONn of any even n generated from their defining formulas. Each row also gives the
slowest run's wall time (the CLI's whole process) and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cadence.solve.itc2021 import evaluate as evaluate_itc
from cadence.solve.itc2021 import parse_solution
from cadence.solve.itc2021 import read_instance as read_itc
from cadence.solve.ttp import evaluate as evaluate_ttp
from cadence.solve.ttp import read_instance as read_ttp

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LOCAL = Path(__file__).parent / "instances"
CADENCE = str(Path(sys.executable).parent / "cadence")
BEST_TTP = {
    "NL4": 8276, "NL6": 23916, "NL8": 39721, "NL10": 59436, "NL12": 110729, "NL14": 188728,
    "NL16": 261687, "CIRC4": 20, "CIRC6": 64, "CIRC8": 132, "CIRC10": 242, "CON4": 17,
    "CON6": 43, "CON8": 80, "CON10": 124,
    # Larger CIRC/CON: best upper bounds on robinxval.ugent.be as quoted (2024-05-10) in
    # thomasWeise/moptipyapps moptipyapps/ttp/instance.py; not re-verified here.
    "CIRC12": 400, "CIRC14": 616, "CIRC16": 898, "CIRC20": 1724, "CIRC30": 5842,
    "CIRC40": 12752, "CON12": 181, "CON14": 252, "CON16": 327, "CON20": 520, "CON30": 1177,
    "CON40": 2099,
}  # fmt: skip
BEST_ITC = {"ITC2021_Early_1": 362, "ITC2021_Early_2": 144, "ITC2021_Early_3": 934}


def ttp_instance(name: str, tmp: Path) -> Path:
    for base in (SHARED / "ttp", LOCAL):
        if (base / f"{name}.txt").exists():
            return base / f"{name}.txt"
    if name.startswith(("CIRC", "CON")):  # both classes are defined by a formula
        n = int(name.removeprefix("CIRC").removeprefix("CON"))
        circ = name.startswith("CIRC")
        rows = [
            " ".join(
                str(min(abs(i - j), n - abs(i - j)) if circ else int(i != j)) for j in range(n)
            )
            for i in range(n)
        ]
        path = tmp / f"{name}.txt"
        path.write_text("\n".join(rows) + "\n")
        return path
    raise SystemExit(f"unknown TTP instance {name}")


def run_ttp(name: str, seed: int, limit: float, tmp: Path) -> tuple[int, float]:
    """(distance, wall seconds of the whole CLI process); exits on any invalid output."""
    src = ttp_instance(name, tmp)
    inst = read_ttp(src)
    out = tmp / f"{name}-{seed}.json"
    cmd = [CADENCE, "league", "ttp", str(src), "--time-limit", str(limit), "--seed", str(seed)]
    began = time.perf_counter()
    proc = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - began
    printed = int(proc.stdout.strip().splitlines()[-1])
    doc = json.loads(out.read_text())
    check = evaluate_ttp(inst, [[(h, a) for h, a in r] for r in doc["rounds"]])
    if (
        not check.feasible
        or check.distance != printed
        or doc["distance"] != printed
        or doc["n"] != inst.n
    ):
        raise SystemExit(f"{name} seed {seed}: INVALID {printed} vs {check}")
    return printed, wall


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run_itc(name: str, seed: int, limit: float, tmp: Path) -> tuple[int, int]:
    src = SHARED / "itc2021" / f"{name}.xml"
    out = tmp / f"{name}-{seed}.xml"
    cmd = [CADENCE, "league", "itc2021", str(src), "--time-limit", str(limit), "--seed", str(seed)]
    proc = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, check=True)
    last = proc.stdout.strip().splitlines()[-1]
    check = evaluate_itc(read_itc(src), parse_solution(out.read_text()))
    if last != f"hard={check.hard} objective={check.objective}":
        raise SystemExit(
            f"{name} seed {seed}: printed {last!r}, evaluator {check.hard}/{check.objective}"
        )
    return check.hard, check.objective


def ttp_speed(names: list[str], moves: int, seeds: list[int], tmp: Path) -> None:
    from cadence.solve.ttp.anneal import Annealer, warm_up

    began = time.process_time()
    wall = warm_up()
    print(f"kernels ready in {wall:.2f} s wall, {time.process_time() - began:.2f} s CPU "
          f"(load {load()})")  # fmt: skip
    print("| instance | moves | seed | distance | CPU s | moves per CPU-second | load |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in names:
        inst = read_ttp(ttp_instance(name, tmp))
        for seed in seeds:
            annealer = Annealer(inst, seed)
            cpu = time.process_time()
            _, dist = annealer.run(time.perf_counter() + 3600, max_iterations=moves)
            cpu = time.process_time() - cpu
            rate = annealer.stats.iterations / cpu / 1e6
            print(f"| {name} | {moves} | {seed} | {dist} | {cpu:.1f} | {rate:.2f} M | "
                  f"{load()} |", flush=True)  # fmt: skip


def ttp_beam(names: list[str], widths: list[int], seeds: list[int], tmp: Path) -> None:
    """One beam search per (instance, width, seed), in this process, each output re-checked."""
    from cadence.solve.ttp.beam import BeamSearch
    from cadence.solve.ttp.beam import warm_up as beam_warm_up
    from cadence.solve.ttp.encoding import rounds_from_rows

    beam_warm_up()
    print("| instance | best known | width | seeds | distances | median gap | CPU s per search "
          "| load |")  # fmt: skip
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for name in names:
        inst = read_ttp(ttp_instance(name, tmp))
        for width in widths:
            found: list[int] = []
            cpu = time.process_time()
            for seed in seeds:
                result = BeamSearch(inst, seed).run(width)
                if result is None:
                    continue  # every node of some layer was a dead end: reported as missing
                check = evaluate_ttp(inst, rounds_from_rows(result.rows))
                if not check.feasible or check.distance != result.distance:
                    raise SystemExit(f"{name} width {width} seed {seed}: INVALID {check}")
                found.append(result.distance)
            cpu = (time.process_time() - cpu) / len(seeds)
            bk = BEST_TTP.get(name)
            med = statistics.median(found) if found else None
            gap = f"{100 * (med - bk) / bk:.2f}%" if bk and med else "-"
            print(f"| {name} | {bk or '-'} | {width} | {len(seeds)} | {sorted(found)} | {gap} "
                  f"| {cpu:.2f} | {load()} |", flush=True)  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("problem", choices=["ttp", "itc2021", "ttp-speed", "ttp-beam"])
    p.add_argument("instances", nargs="+")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--jobs", type=int, default=1, help="parallel runs (machine has 2 cores)")
    p.add_argument("--moves", type=int, default=5_000_000, help="ttp-speed: moves per run")
    p.add_argument("--widths", type=int, nargs="+", default=[10_000], help="ttp-beam widths")
    args = p.parse_args()
    if args.problem == "ttp-beam":
        with tempfile.TemporaryDirectory() as d:
            ttp_beam(args.instances, args.widths, args.seeds, Path(d))
        return
    if args.problem == "ttp-speed":
        with tempfile.TemporaryDirectory() as d:
            ttp_speed(args.instances, args.moves, args.seeds[:1], Path(d))
        return
    with tempfile.TemporaryDirectory() as d, ThreadPoolExecutor(args.jobs) as pool:
        tmp = Path(d)
        if args.problem == "ttp":
            print("| instance | best known | limit s | runs | median | best | median gap "
                  "| slowest wall s | load before/after |")  # fmt: skip
            print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
            for name in args.instances:
                runs = [(name, s, args.time_limit, tmp) for s in args.seeds]
                before = load()
                res = list(pool.map(lambda r: run_ttp(*r), runs))
                vals = [v for v, _ in res]
                med, bk = statistics.median(vals), BEST_TTP.get(name)
                gap = f"{100 * (med - bk) / bk:.2f}%" if bk else "-"
                print(f"| {name} | {bk or '-'} | {args.time_limit:g} | {len(vals)} | "
                      f"{med:g} | {min(vals)} | {gap} | {max(w for _, w in res):.1f} | "
                      f"{before}/{load()} |", flush=True)  # fmt: skip
        else:
            print("| instance | best known | limit s | runs | hard (median) | objective (median) |")
            print("|---|---:|---:|---:|---:|---:|")
            for name in args.instances:
                runs = [(name, s, args.time_limit, tmp) for s in args.seeds]
                res = list(pool.map(lambda r: run_itc(*r), runs))
                hard = statistics.median(h for h, _ in res)
                obj = statistics.median(o for _, o in res)
                print(f"| {name} | {BEST_ITC.get(name, '-')} | {args.time_limit:g} | {len(res)} | "
                      f"{hard:g} | {obj:g} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
