#!/usr/bin/env python3
"""Runs `routing-bench` over the public instance sets and prints the gap to the published
optimum / best known value per instance and on average.

    python3 benches/routing/suite.py tsp   --limits 100,1000 [--max-n 1002] [--bench DIR]
    python3 benches/routing/suite.py cvrp  --limits 10000
    python3 benches/routing/suite.py vrptw --limits 10000

`DIR` defaults to ../shared/bench (next to the repository). Results also go to
benches/routing/results/<set>.csv.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "routing-bench"
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "fmcg-benches", "--bin", "routing-bench"],
                   cwd=ROOT, check=True)
    return exe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=["tsp", "cvrp", "vrptw"])
    ap.add_argument("--limits", default="1000", help="comma-separated time limits in ms")
    ap.add_argument("--max-n", type=int, default=1002)
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--only", default="", help="comma-separated instance prefixes (cvrp: A,P,X)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    exe = bench_binary()
    bench = Path(args.bench)
    if args.set == "tsp":
        table = {r["name"]: (int(r["n"]), float(r["optimal"])) for r in csv.DictReader(open(bench / "tsplib" / "optimal.csv"))}
        files = [(bench / "tsplib" / f"{k}.tsp", k, v[1]) for k, v in table.items() if v[0] <= args.max_n]
        key = "length"
    elif args.set == "cvrp":
        table = {r["name"]: (int(r["n"]), float(r["bks"])) for r in csv.DictReader(open(bench / "cvrplib" / "bks.csv"))}
        files = [(bench / "cvrplib" / f"{k}.vrp", k, v[1]) for k, v in table.items()]
        key = "cost"
    else:
        table = {r["name"]: (int(r["n"]), float(r["bks"]), r.get("vehicles_max", "")) for r in csv.DictReader(open(bench / "solomon" / "bks.csv"))}
        files = [(bench / "solomon" / f"{k}.txt", k, v[1]) for k, v in table.items()]
        key = "distance"
    if args.only:
        prefixes = tuple(args.only.split(","))
        files = [f for f in files if f[1].startswith(prefixes)]
    files.sort(key=lambda f: (table[f[1]][0], f[1]))
    limits = [int(x) for x in args.limits.split(",")]
    out_dir = ROOT / "benches" / "routing" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    gaps = {l: [] for l in limits}
    print(f"{'instance':<14}{'ref':>10}" + "".join(f"{str(l) + ' ms':>22}" for l in limits))
    for path, name, ref in files:
        line = f"{name:<14}{ref:>10g}"
        for limit in limits:
            cmd = [str(exe), args.set, str(path), "--time-ms", str(limit), "--seed", str(args.seed)]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"\n{name}: routing-bench failed: {p.stderr.strip()}", file=sys.stderr)
                sys.exit(1)
            res = json.loads(p.stdout)
            value = float(res[key])
            gap = 100.0 * (value - ref) / ref
            gaps[limit].append(gap)
            extra = f" v{res['vehicles']}" if args.set == "vrptw" else ""
            line += f"{value:>10g}{extra} {gap:6.2f}% {res['ms']:>4}"
            rows.append({"instance": name, "limit_ms": limit, "value": value, "ref": ref, "gap_pct": round(gap, 4),
                         "ms": res["ms"], **({"vehicles": res["vehicles"]} if args.set == "vrptw" else {})})
        print(line, flush=True)
    print(f"{'mean gap':<24}" + "".join(f"{sum(g) / len(g):>21.3f}%" for g in gaps.values()))
    with open(out_dir / f"{args.set}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
