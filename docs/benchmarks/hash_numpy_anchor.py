"""Re-measures the numpy anchor of `engram bench hash` on this machine: the reference's
vectorized hashing (shift with pad, XOR of id*multiplier in int64, `%` per head, stack) for the
demo spec on 64 x 4096 tokens, best of 5, timed by process CPU time like the Java benchmark.
Multipliers and primes are those of the golden case demo_V98627 (read from the vectors file),
and the implementation is first checked against that case's golden hashes.

usage: python3 hash_numpy_anchor.py core/src/test/resources/vectors/hash_vectors.json
"""
import json
import sys
import time

import numpy as np


def ngram_hashes(x, multipliers, primes_by_n, pad_id, max_n):
    B, T = x.shape
    shifts = [x] + [np.pad(x, ((0, 0), (k, 0)), constant_values=pad_id)[:, :T] for k in range(1, max_n)]
    out = []
    for n in range(2, max_n + 1):
        mix = shifts[0] * multipliers[0]
        for k in range(1, n):
            mix = np.bitwise_xor(mix, shifts[k] * multipliers[k])
        for p in primes_by_n[str(n)]:
            out.append(mix % p)
    return np.stack(out, axis=2)


def main(path):
    case = next(c for c in json.load(open(path))["cases"] if c["name"].startswith("demo_V98627"))
    cfg = case["config"]
    layers = case["derived"]["layers"]
    max_n, pad = cfg["max_ngram_size"], cfg["pad_id"]
    mult = {l["layer_id"]: np.array(l["multipliers"], dtype=np.int64) for l in layers}
    primes = {l["layer_id"]: l["primes_by_ngram"] for l in layers}

    def hash_all(x):
        return {lid: ngram_hashes(x, mult[lid], primes[lid], pad, max_n) for lid in cfg["layer_ids"]}

    for inp in case["inputs"]:
        if inp["out_of_domain"]:
            continue
        got = hash_all(np.array(inp["input_ids"], dtype=np.int64))
        for lid in cfg["layer_ids"]:
            assert got[lid].tolist() == inp["hashes_by_layer"][str(lid)], "numpy port disagrees with the golden hashes"

    rng = np.random.default_rng(42)
    ranks = np.arange(1, cfg["compressed_vocab_size"] + 1, dtype=np.float64)
    p = ranks ** -1.05
    x = rng.choice(len(ranks), size=(64, 4096), p=p / p.sum()).astype(np.int64)
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        hash_all(x)
        best = min(best, time.process_time() - t0)
    ids = x.size * len(cfg["layer_ids"]) * (max_n - 1) * len(primes[cfg["layer_ids"][0]]["2"])
    print(f"numpy {np.__version__}: best of 5 {best * 1e3:.1f} ms per 64x4096 batch, "
          f"{ids / best / 1e6:.0f} M ids/s, {x.size / best / 1e6:.2f} M tokens/s (process CPU time)")


if __name__ == "__main__":
    main(sys.argv[1])
