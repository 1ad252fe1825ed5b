#!/usr/bin/env bash
# Compares the native simulator with two Python discrete-event libraries on one workload:
# M/M/7 at rho = 0.9 (lambda = 63/s, mu = 10/s per server), FIFO, unlimited queue, seed 1.
#
#   bash bench/compare.sh            # from the repository root (make bench runs it)
#
# Environment (all optional):
#   SIMPY_CUSTOMERS=200000  CIW_CUSTOMERS=200000  NATIVE_CUSTOMERS=2000000  REPEAT=3
#   POSTMORTEM_SIM=target/release/postmortem-sim   PYTHON=python3 (used only to create the venv)
#
# Each engine reports "seconds": wall time of building the model and running it, measured inside the
# process (so interpreter start-up and imports are not counted), and customers/s = customers / seconds.
# With REPEAT > 1 every engine runs that many times and the fastest run is shown. Mean Wq and P(wait)
# are printed beside the exact Erlang C values, so the table shows that all engines simulate the same
# queue. The venv (bench/.venv) is created and filled from PyPI only when something is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$here/.venv"
py="$venv/bin/python"

SERVERS=7 ARRIVAL=63 SERVICE=10 SEED=1
SIMPY_CUSTOMERS="${SIMPY_CUSTOMERS:-200000}"
CIW_CUSTOMERS="${CIW_CUSTOMERS:-200000}"
NATIVE_CUSTOMERS="${NATIVE_CUSTOMERS:-2000000}"
REPEAT="${REPEAT:-3}"
sim="${POSTMORTEM_SIM:-$root/target/release/postmortem-sim}"

if [[ ! -x "$py" ]]; then
  echo "bench: creating $venv" >&2
  "${PYTHON:-python3}" -m venv "$venv"
fi
if ! "$py" -c 'import simpy, ciw, sys; sys.exit(0 if simpy.__version__.startswith("4.1.") else 1)' 2>/dev/null; then
  echo "bench: installing simpy 4.1 and ciw into $venv (PyPI)" >&2
  "$py" -m pip install --quiet --disable-pip-version-check 'simpy==4.1.*' ciw
fi
if [[ ! -x "$sim" ]]; then
  echo "bench: building the CLI ($sim)" >&2
  (cd "$root" && cargo build --release -p postmortem-sim --bin postmortem-sim)
fi

args=(--servers "$SERVERS" --seed "$SEED")
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

run() { # label, then the command; appends one JSON line per run tagged with the label
  local label="$1"; shift
  for ((i = 1; i <= REPEAT; i++)); do
    echo "bench: $label run $i/$REPEAT: $*" >&2
    local out
    out="$("$@")"
    printf '{"label": "%s", "run": %s}\n' "$label" "$out" >>"$results"
  done
}

run simpy "$py" "$here/simpy_mmc.py" "${args[@]}" --arrival-rate "$ARRIVAL" --service-rate "$SERVICE" --customers "$SIMPY_CUSTOMERS"
run ciw "$py" "$here/ciw_mmc.py" "${args[@]}" --arrival-rate "$ARRIVAL" --service-rate "$SERVICE" --customers "$CIW_CUSTOMERS"
run native "$sim" mmc "${args[@]}" --arrival-rate "$ARRIVAL" --service-rate "$SERVICE" --customers "$NATIVE_CUSTOMERS"
run heap "$sim" mmc "${args[@]}" --arrival-rate "$ARRIVAL" --service-rate "$SERVICE" --customers "$NATIVE_CUSTOMERS" --engine bare-heap

"$py" - "$results" "$SERVERS" "$ARRIVAL" "$SERVICE" "$sim" <<'PY'
import json, math, sys

path, c, lam, mu, sim = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]

def erlang_c(c, lam, mu):
    """P(wait) and mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu            # offered load in Erlangs
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait / (c * mu - lam)

p_wait, wq = erlang_c(c, lam, mu)
runs = {}
for line in open(path):
    rec = json.loads(line)
    runs.setdefault(rec["label"], []).append(rec["run"])

def best(label):
    rs = runs[label]
    r = max(rs, key=lambda r: r["customers"] / r["seconds"])
    return r, len(rs)

rows = []
for label, name in (("simpy", None), ("ciw", None), ("native", "postmortem-sim (native, release)"),
                    ("heap", "bare heap of server free times (lower bound)")):
    r, n = best(label)
    rows.append((name or r["engine"], r, n))
simpy_rate = rows[0][1]["customers"] / rows[0][1]["seconds"]

print(f"M/M/{c}, lambda = {lam:g}/s, mu = {mu:g}/s per server, rho = {lam / (c * mu):.2f}; "
      f"fastest of {rows[0][2]} runs per engine\n")
print("| engine | customers | seconds | customers/s | ratio to SimPy | mean Wq (s) | P(wait) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, r, _ in rows:
    rate = r["customers"] / r["seconds"]
    print(f"| {name} | {r['customers']:,} | {r['seconds']:.3f} | {rate:,.0f} | {rate / simpy_rate:.1f}x "
          f"| {r['wq_s']:.4f} | {r['p_wait']:.4f} |")
print(f"| Erlang C (exact) | | | | | {wq:.4f} | {p_wait:.4f} |")

native = rows[2][1]
ec = native.get("erlang_c")
if ec:
    ok = abs(ec["p_wait"] - p_wait) < 1e-9 and abs(ec["wq_s"] - wq) < 1e-9
    print(f"\nThe CLI's own Erlang C (p_wait {ec['p_wait']:.6f}, wq_s {ec['wq_s']:.6f}) "
          f"{'matches' if ok else 'DIFFERS FROM'} the formula here (p_wait {p_wait:.6f}, wq_s {wq:.6f}).")
PY
