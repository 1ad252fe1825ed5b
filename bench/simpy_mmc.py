#!/usr/bin/env python3
"""M/M/c in SimPy: the reference point of bench/compare.sh.

Poisson arrivals (rate --arrival-rate) queue FIFO for --servers identical servers with exponential
service (rate --service-rate each). Exactly --customers arrivals are generated and the run ends when
the last one has been served. Prints one JSON object on stdout:

    {"engine", "customers", "seconds", "customers_per_s", "wq_s", "p_wait"}

`seconds` is the wall time of building the model and running the event loop (perf_counter), not
interpreter start-up or imports; `customers_per_s` = customers / seconds. Every engine in the
comparison reports the same quantity.
"""

import argparse
import json
import random
import time

import simpy


def simulate(servers, arrival_rate, service_rate, customers, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=servers)
    stats = {"wait_sum": 0.0, "waited": 0, "done": 0}

    def customer(env):
        arrived = env.now
        with pool.request() as req:
            yield req
            wait = env.now - arrived
            stats["wait_sum"] += wait
            if wait > 0.0:
                stats["waited"] += 1
            yield env.timeout(rng.expovariate(service_rate))
        stats["done"] += 1

    def source(env):
        for _ in range(customers):
            yield env.timeout(rng.expovariate(arrival_rate))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--servers", type=int, default=7)
    ap.add_argument("--arrival-rate", type=float, default=63.0)
    ap.add_argument("--service-rate", type=float, default=10.0)
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    t0 = time.perf_counter()
    stats = simulate(a.servers, a.arrival_rate, a.service_rate, a.customers, a.seed)
    seconds = time.perf_counter() - t0

    assert stats["done"] == a.customers, stats
    print(json.dumps({
        "engine": f"SimPy {simpy.__version__}",
        "customers": a.customers,
        "seconds": seconds,
        "customers_per_s": a.customers / seconds,
        "wq_s": stats["wait_sum"] / a.customers,
        "p_wait": stats["waited"] / a.customers,
    }))


if __name__ == "__main__":
    main()
