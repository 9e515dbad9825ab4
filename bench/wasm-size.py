#!/usr/bin/env python3
"""The app's wasm as the browser gets it after `kiln-site-build`:
the main module, and for each lazily loaded route the main module plus the
chunks the route needs (from the split manifest), gzip -9.

Usage: bench/wasm-size.py [PKG_DIR]   (default target/site/pkg)"""
import gzip
import json
import os
import sys

BUDGET = 400_000


def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9))


def main():
    pkg = sys.argv[1] if len(sys.argv) > 1 else "target/site/pkg"
    main_wasm = os.path.join(pkg, "kiln.wasm")
    if not os.path.exists(main_wasm):
        sys.exit(f"no {main_wasm}: build the site first")
    manifest_path = os.path.join(pkg, "__wasm_split_manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    first = gz(main_wasm)
    print(f"main module: {os.path.getsize(main_wasm)} B raw, {first} B gzip -9")
    worst = first
    for split, chunks in sorted(manifest.items()):
        extra = sum(gz(os.path.join(pkg, c + ".wasm")) for c in chunks)
        route = split.strip("_").split("_route_view")[0]
        worst = max(worst, first + extra)
        print(f"  route {route}: +{extra} B in {len(chunks)} chunks = {first + extra} B")
    every = sum(gz(os.path.join(pkg, n)) for n in os.listdir(pkg) if n.endswith(".wasm"))
    print(f"most any page loads: {worst} B gzip (budget {BUDGET}); "
          f"every wasm file together: {every} B")


if __name__ == "__main__":
    main()
