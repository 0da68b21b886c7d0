#!/usr/bin/python3
"""Reference side of bench/train-vs-sklearn.sh.

  generate --rows N --seed S --out PATH   write a synthetic request log (docs/FORMATS.md columns)
  sklearn  --logs PATH --rounds N ...     HistGradientBoostingRegressor on the same features and
                                          the same time split as `fastlb train`; prints JSON

The features are encoded exactly as src/Policy/Prediction/LatencyFeatures.cs does: backend and
route as codes in order of first appearance, methods as RequestMethod numbers, -1 (unknown) as
NaN for req_bytes and the health columns; validation is the latest 20% of rows by ts_unix_ms.
"""
import argparse
import csv
import json
import math
import sys
import time

import numpy as np

COLUMNS = ["ts_unix_ms", "request_id", "pool", "backend", "route", "method", "req_bytes", "status",
           "latency_ms", "ttfb_ms", "error", "policy", "inflight_backend", "inflight_pool",
           "ewma_latency_ms", "ewma_error_rate", "backend_cpu", "backend_active", "backend_avg_ms"]
METHODS = {"GET": 1, "HEAD": 2, "POST": 3, "PUT": 4, "DELETE": 5, "PATCH": 6, "OPTIONS": 7}


def generate(rows, seed, out):
    """A pool of 8 backends under bursty load: queueing, per-route cost, slow phases, noise."""
    rng = np.random.default_rng(seed)
    backends = [f"10.0.0.{i + 1}:9101" for i in range(8)]
    base = np.array([8, 10, 12, 15, 20, 25, 40, 60], dtype=float)
    routes = ["/api/users", "/api/cart", "/api/orders", "/api/inventory", "/api/payments", "/"]
    route_cost = np.array([1.0, 1.2, 2.0, 0.8, 3.0, 0.5])
    method_names = np.array(["GET", "POST", "PUT", "DELETE"])
    method_cost = np.array([1.0, 1.6, 1.4, 1.1])

    ts = 1_700_000_000_000 + np.arange(rows, dtype=np.int64) * 3  # unique, so both sides split alike
    b = rng.integers(0, 8, rows)
    r = rng.integers(0, len(routes), rows)
    m = rng.choice(4, rows, p=[0.6, 0.25, 0.1, 0.05])
    req_bytes = np.where(m == 0, 0, rng.integers(100, 50_000, rows))
    req_bytes = np.where(rng.random(rows) < 0.1, -1, req_bytes)
    # Load comes in waves; a backend's in-flight follows the pool's.
    wave = 0.5 + 0.5 * np.sin(np.arange(rows) / 20_000.0) ** 2
    inflight_pool = rng.poisson(40 * wave)
    inflight_backend = rng.binomial(inflight_pool, 1 / 8)
    # Slow phases: each backend is three times slower during one stretch of the log.
    slow = np.zeros(rows, dtype=bool)
    for i in range(8):
        start = rng.integers(0, rows)
        slow |= (b == i) & (np.arange(rows) >= start) & (np.arange(rows) < start + rows // 10)
    mean = (base[b] * route_cost[r] * method_cost[m] * (1 + 0.12 * inflight_backend)
            + np.maximum(req_bytes, 0) / 2000.0) * np.where(slow, 3.0, 1.0)
    latency = mean * rng.lognormal(0, 0.25, rows)
    error = rng.random(rows) < np.where(slow, 0.05, 0.005)
    cpu = np.clip(20 + 6 * inflight_backend + np.where(slow, 40, 0) + rng.normal(0, 5, rows), 0, 100)
    cpu = np.where(rng.random(rows) < 0.05, -1, cpu)
    active = np.where(cpu < 0, -1, inflight_backend + rng.integers(0, 3, rows))
    # Smoothed latency and error rate per backend, as BackendState keeps them (alpha 0.2 / 0.05).
    ewma = np.zeros(rows)
    ewma_err = np.zeros(rows)
    avg = np.full(rows, -1.0)
    state = np.zeros(8)
    state_err = np.zeros(8)
    report = np.full(8, -1.0)  # the backend's own average from its last /health answer
    for k in range(rows):
        i = b[k]
        ewma[k] = state[i]
        ewma_err[k] = state_err[i]
        avg[k] = report[i]
        state[i] = latency[k] if state[i] == 0 else state[i] + 0.2 * (latency[k] - state[i])
        state_err[i] += 0.05 * ((1.0 if error[k] else 0.0) - state_err[i])
        if k % 400 == 0:
            report[:] = np.where(state > 0, state, -1.0)
    with open(out, "w", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        lines = []
        for k in range(rows):
            lat = latency[k]
            lines.append(
                f"{ts[k]},req-{k},web,{backends[b[k]]},{routes[r[k]]},{method_names[m[k]]},{req_bytes[k]},"
                f"{502 if error[k] else 200},{lat:.3f},{lat * 0.8:.3f},{'timeout' if error[k] else ''},round_robin,"
                f"{inflight_backend[k]},{inflight_pool[k]},{ewma[k]:.3f},{ewma_err[k]:.5f},{cpu[k]:.1f},{active[k]},{avg[k]:.2f}\n")
            if len(lines) == 100_000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)


def load(path):
    """The feature matrix, target and timestamps, encoded like LatencyFeatures.cs."""
    backends, routes = {}, {}
    feats, target, stamps = [], [], []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        at = {name: header.index(name) for name in COLUMNS}

        def num(text):
            v = float(text) if text else -1.0
            return math.nan if v < 0 else v

        for row in reader:
            if len(row) != len(header):
                continue
            try:
                backend = row[at["backend"]]
                route = row[at["route"]]
                b = backends.setdefault(backend, len(backends)) if backend else math.nan
                r = routes.setdefault(route, len(routes)) if route else math.nan
                feats.append([b, r, METHODS.get(row[at["method"]], 0), num(row[at["req_bytes"]]),
                              float(row[at["inflight_backend"]]), float(row[at["inflight_pool"]]),
                              float(row[at["ewma_latency_ms"]]), float(row[at["ewma_error_rate"]]),
                              num(row[at["backend_cpu"]]), num(row[at["backend_active"]]), num(row[at["backend_avg_ms"]])])
                target.append(float(row[at["latency_ms"]]))
                stamps.append(int(row[at["ts_unix_ms"]]))
            except ValueError:
                continue
    return np.array(feats, dtype=np.float32), np.array(target, dtype=np.float32), np.array(stamps)


def reference(args):
    from sklearn.ensemble import HistGradientBoostingRegressor

    started = time.perf_counter()
    x, y, ts = load(args.logs)
    loaded = time.perf_counter() - started
    order = np.argsort(ts, kind="stable")
    n_valid = round(len(y) * 0.2)
    train, valid = order[: len(y) - n_valid], order[len(y) - n_valid:]
    model = HistGradientBoostingRegressor(
        loss="squared_error", max_iter=args.trees, learning_rate=args.learning_rate, max_depth=None,
        max_leaf_nodes=args.leaves, min_samples_leaf=args.min_examples_per_leaf, max_bins=255,
        l2_regularization=0.0, early_stopping=False, random_state=1)
    started = time.perf_counter()
    model.fit(x[train], y[train])
    fit_seconds = time.perf_counter() - started
    error = model.predict(x[valid]).astype(np.float64) - y[valid]
    total = float(np.sum((y[valid] - y[valid].mean()) ** 2))
    json.dump({"records": int(len(y)), "train_records": int(len(train)), "validation_records": int(len(valid)),
               "load_seconds": round(loaded, 3), "train_seconds": round(fit_seconds, 3),
               "rmse_ms": float(np.sqrt(np.mean(error ** 2))), "mae_ms": float(np.mean(np.abs(error))),
               "r2": 1 - float(np.sum(error ** 2)) / total, "trees": args.trees,
               "train_rmse_ms": float(np.sqrt(np.mean((model.predict(x[train]) - y[train]) ** 2)))}, sys.stdout)
    print()


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--rows", type=int, required=True)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--out", required=True)
    s = sub.add_parser("sklearn")
    s.add_argument("--logs", required=True)
    s.add_argument("--trees", type=int, default=100)
    s.add_argument("--leaves", type=int, default=31)
    s.add_argument("--learning-rate", type=float, default=0.1)
    s.add_argument("--min-examples-per-leaf", type=int, default=20)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.rows, args.seed, args.out)
    else:
        reference(args)


if __name__ == "__main__":
    main()
