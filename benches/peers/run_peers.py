#!/usr/bin/env python3
"""fmcg next to the peer solvers, one after another on this machine, same instances, same
time limits, every solution re-scored here with the exact integer weights that
`routing-bench weights FILE` prints (never the peer's own cost).

    python3 -m venv benches/peers/.venv
    benches/peers/.venv/bin/pip install -r benches/peers/requirements.txt
    benches/peers/.venv/bin/python benches/peers/run_peers.py tsp --limits 1000
    benches/peers/.venv/bin/python benches/peers/run_peers.py cvrp --limits 10000 --only X

Peers: fast-tsp, LKH-3 (elkai), OR-Tools (guided local search), PyVRP, VROOM (pyvroom);
all single-threaded. elkai has no time limit: it runs LKH with `runs` chosen so that one
solve fits the limit (measured first with runs=1), and its real time is reported.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sh(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def tour_len(w, tour):
    n = len(w)
    assert sorted(tour) == list(range(n)), "not a permutation"
    return sum(w[tour[k]][tour[(k + 1) % n]] for k in range(n))


def cvrp_cost(w, demand, cap, routes):
    """Routes of node indices (depot 0 excluded)."""
    seen = sorted(c for r in routes for c in r)
    assert seen == list(range(1, len(w))), "customers missing or repeated"
    cost = 0
    for r in routes:
        assert sum(demand[c] for c in r) <= cap, "over capacity"
        path = [0] + list(r) + [0]
        cost += sum(w[a][b] for a, b in zip(path, path[1:]))
    return cost


# --- peers: each returns a tour (TSP) or routes of node indices (CVRP) -------------------

def fast_tsp_tsp(inst, ms):
    import fast_tsp
    return fast_tsp.find_tour(inst["weights"], duration_seconds=ms / 1000, max_threads=1)


def elkai_tsp(inst, ms):
    import elkai
    m = elkai.DistanceMatrix(inst["weights"])
    t0 = time.perf_counter()
    tour = m.solve_tsp(runs=1)
    one = max(time.perf_counter() - t0, 1e-3)
    runs = int(ms / 1000 / one) - 1
    if runs >= 1:
        tour = m.solve_tsp(runs=runs)
    if len(tour) == len(inst["weights"]) + 1:
        tour = tour[:-1]
    return tour


def ortools_solve(inst, ms, vehicles, capacity):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    w, n = inst["weights"], inst["n"]
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    if hasattr(routing, "RegisterTransitMatrix"):
        cb = routing.RegisterTransitMatrix(w)
    else:
        cb = routing.RegisterTransitCallback(lambda i, j: w[manager.IndexToNode(i)][manager.IndexToNode(j)])
    routing.SetArcCostEvaluatorOfAllVehicles(cb)
    if capacity is not None:
        d = inst["demand"]
        dcb = routing.RegisterUnaryTransitCallback(lambda i: d[manager.IndexToNode(i)])
        routing.AddDimensionWithVehicleCapacity(dcb, 0, [capacity] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(ms)
    sol = routing.SolveWithParameters(params)
    if sol is None:
        raise RuntimeError("no solution")
    routes = []
    for v in range(vehicles):
        i, r = routing.Start(v), []
        while not routing.IsEnd(i):
            node = manager.IndexToNode(i)
            if node != 0:
                r.append(node)
            i = sol.Value(routing.NextVar(i))
        if r:
            routes.append(r)
    return routes


def ortools_tsp(inst, ms):
    (r,) = ortools_solve(inst, ms, 1, None)
    return [0] + r


def ortools_cvrp(inst, ms):
    return ortools_solve(inst, ms, inst["fleet"], inst["capacity"])


def pyvrp_solve(inst, ms, vehicles, capacity):
    import pyvrp
    from pyvrp.stop import MaxRuntime
    w, n = inst["weights"], inst["n"]
    m = pyvrp.Model()
    locs = [m.add_location(0, 0) for _ in range(n)]
    m.add_depot(locs[0])
    if capacity is None:
        m.add_vehicle_type(num_available=1)
        clients = [m.add_client(locs[i]) for i in range(1, n)]
    else:
        m.add_vehicle_type(num_available=vehicles, capacity=capacity)
        clients = [m.add_client(locs[i], delivery=inst["demand"][i]) for i in range(1, n)]
    for i in range(n):
        for j in range(n):
            if i != j:
                m.add_edge(locs[i], locs[j], distance=w[i][j])
    data = m.data()
    res = m.solve(stop=MaxRuntime(ms / 1000), seed=1, display=False)
    routes = []
    clients = data.clients()
    for r in res.best.routes():
        # Scheduled client activities carry the client's index; its location is the node.
        routes.append([clients[a.idx].location for a in r.schedule() if a.is_client()])
    return routes


def pyvrp_tsp(inst, ms):
    (r,) = pyvrp_solve(inst, ms, 1, None)
    return [0] + r


def pyvrp_cvrp(inst, ms):
    return pyvrp_solve(inst, ms, inst["fleet"], inst["capacity"])


def vroom_solve(inst, ms, vehicles, capacity):
    import numpy as np
    import vroom
    n = inst["n"]
    p = vroom.Input()
    p.set_durations_matrix(profile="car", matrix_input=np.array(inst["weights"], dtype=np.uint32))
    for v in range(vehicles):
        if capacity is None:
            p.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0))
        else:
            p.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0, capacity=[capacity]))
    if capacity is None:
        p.add_job([vroom.Job(i, location=i) for i in range(1, n)])
    else:
        p.add_job([vroom.Job(i, location=i, delivery=[inst["demand"][i]]) for i in range(1, n)])
    sol = p.solve(exploration_level=5, nb_threads=1, timeout=timedelta(milliseconds=ms))
    df = sol.routes
    routes = []
    for _, g in df[df["type"] == "job"].groupby("vehicle_id"):
        routes.append([int(x) for x in g["location_index"]])
    return routes


def vroom_tsp(inst, ms):
    (r,) = vroom_solve(inst, ms, 1, None)
    return [0] + r


def vroom_cvrp(inst, ms):
    return vroom_solve(inst, ms, inst["fleet"], inst["capacity"])


PEERS = {
    "tsp": {"fast-tsp": fast_tsp_tsp, "LKH-3 (elkai)": elkai_tsp, "PyVRP": pyvrp_tsp,
            "OR-Tools": ortools_tsp, "VROOM": vroom_tsp},
    "cvrp": {"PyVRP": pyvrp_cvrp, "OR-Tools": ortools_cvrp, "VROOM": vroom_cvrp},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=["tsp", "cvrp"])
    ap.add_argument("--limits", default="1000")
    ap.add_argument("--max-n", type=int, default=1002)
    ap.add_argument("--only", default="")
    ap.add_argument("--peers", default="", help="comma-separated subset of peer names")
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench"))
    args = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "fmcg-benches", "--bin", "routing-bench"],
                   cwd=ROOT, check=True)
    exe = str(target / "release" / "routing-bench")
    bench = Path(args.bench)
    if args.set == "tsp":
        ref = {r["name"]: (int(r["n"]), float(r["optimal"])) for r in csv.DictReader(open(bench / "tsplib" / "optimal.csv"))}
        files = {k: bench / "tsplib" / f"{k}.tsp" for k, v in ref.items() if v[0] <= args.max_n}
    else:
        ref = {r["name"]: (int(r["n"]), float(r["bks"])) for r in csv.DictReader(open(bench / "cvrplib" / "bks.csv"))}
        files = {k: bench / "cvrplib" / f"{k}.vrp" for k in ref}
    if args.only:
        files = {k: v for k, v in files.items() if k.startswith(tuple(args.only.split(",")))}
    peers = PEERS[args.set]
    if args.peers:
        peers = {k: v for k, v in peers.items() if k in args.peers.split(",")}
    names = ["fmcg"] + list(peers)
    limits = [int(x) for x in args.limits.split(",")]
    rows, gaps = [], {(s, l): [] for s in names for l in limits}
    for name in sorted(files, key=lambda k: (ref[k][0], k)):
        inst = sh([exe, "weights", str(files[name])])
        best = ref[name][1]
        for limit in limits:
            line = f"{name:<12} {limit:>6} ms"
            for solver in names:
                t0 = time.perf_counter()
                try:
                    if solver == "fmcg":
                        out = sh([exe, args.set, str(files[name]), "--time-ms", str(limit)])
                        sol = out["tour"] if args.set == "tsp" else [[c + 1 for c in r] for r in out["routes"]]
                    else:
                        sol = peers[solver](inst, limit)
                    ms = (time.perf_counter() - t0) * 1000
                    cost = (tour_len(inst["weights"], sol) if args.set == "tsp"
                            else cvrp_cost(inst["weights"], inst["demand"], inst["capacity"], sol))
                    gap = 100 * (cost - best) / best
                    gaps[(solver, limit)].append(gap)
                    line += f" | {solver} {gap:6.2f}% {ms:6.0f}ms"
                    rows.append({"instance": name, "limit_ms": limit, "solver": solver, "cost": cost,
                                 "gap_pct": round(gap, 4), "ms": round(ms)})
                except Exception as e:  # a failed or invalid peer run is reported, not hidden
                    line += f" | {solver} FAILED ({e})"
                    rows.append({"instance": name, "limit_ms": limit, "solver": solver, "cost": "",
                                 "gap_pct": "", "ms": ""})
            print(line, flush=True)
    print()
    print("| solver | " + " | ".join(f"{l} ms" for l in limits) + " |")
    print("|---|" + "---|" * len(limits))
    for s in names:
        cells = []
        for l in limits:
            g = gaps[(s, l)]
            cells.append(f"{sum(g) / len(g):.3f} % ({len(g)} runs)" if g else "—")
        print(f"| {s} | " + " | ".join(cells) + " |")
    out = ROOT / "benches" / "peers" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{args.set}.csv", "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        wr.writeheader()
        wr.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
