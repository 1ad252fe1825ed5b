#!/usr/bin/env python3
"""M/M/c in Ciw, the same workload as bench/simpy_mmc.py.

One node with --servers servers, exponential inter-arrival and service times, FIFO, unlimited queue.
The run stops once --customers individuals have completed service
(`simulate_until_max_customers(..., method="Complete")`). Prints one JSON object on stdout:

    {"engine", "customers", "seconds", "customers_per_s", "wq_s", "p_wait"}

`seconds` is the wall time of building the network and simulation and running it (perf_counter);
reading the records afterwards is not timed. `customers_per_s` = customers / seconds.
"""

import argparse
import json
import time

import ciw


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--servers", type=int, default=7)
    ap.add_argument("--arrival-rate", type=float, default=63.0)
    ap.add_argument("--service-rate", type=float, default=10.0)
    ap.add_argument("--customers", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    ciw.seed(a.seed)
    t0 = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=a.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=a.service_rate)],
        number_of_servers=[a.servers],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(a.customers, method="Complete")
    seconds = time.perf_counter() - t0

    records = [r for r in sim.get_all_records() if r.record_type == "service"]
    done = len(records)
    waits = [r.waiting_time for r in records]
    print(json.dumps({
        "engine": f"Ciw {ciw.__version__}",
        "customers": done,
        "seconds": seconds,
        "customers_per_s": done / seconds,
        "wq_s": sum(waits) / done,
        "p_wait": sum(1 for w in waits if w > 0.0) / done,
    }))


if __name__ == "__main__":
    main()
