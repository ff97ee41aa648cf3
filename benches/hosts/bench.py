"""Python side of benches/hosts/run.sh: the same loops as examples/host_baseline.rs."""

import json
import pathlib
import time

import fmcg

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "small_distributor.jsonl"
envelopes = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]

engine = fmcg.Engine()
calls = 1_000_000
t = time.perf_counter_ns()
for _ in range(calls):
    engine.last_seq
trivial = (time.perf_counter_ns() - t) / calls

rounds = 400
t = time.perf_counter_ns()
for _ in range(rounds):
    e = fmcg.Engine()
    for env in envelopes:
        e.apply(env)
apply = (time.perf_counter_ns() - t) / rounds / len(envelopes)
print(json.dumps({"host": "python", "trivial_ns": round(trivial, 1), "apply_ns": round(apply, 1)}))
