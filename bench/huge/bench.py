#!/usr/bin/env python3
"""A patch of N vertices across a licence of N vertices (two discs a radius apart, near
36°N), triaged by minewatch and intersected by PostGIS on the same files in the same run.

The exact share of the patch inside the licence is (2π/3 − √3/2)/π = 0.391; both must find
it. Prints a Markdown table and appends it to bench/RESULTS.md with the exact commands.
Usage: bench/huge/run   (or: bench.py --pg URL --minewatch PATH [--sizes 10000,100000])
"""
import argparse, csv, json, math, os, platform, resource, subprocess, sys, tempfile, time

LENS = (2 * math.pi / 3 - math.sqrt(3) / 2) / math.pi


def disc(cx, cy, r, n):
    ring = [[cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)] for i in range(n)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def write(path, props, geom):
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": props, "geometry": geom}]}, f)


def backends_hwm_kib():
    """Peak memory of the PostgreSQL backends serving TCP clients now (the server runs here)."""
    peak = 0
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
            if not cmd.startswith("postgres:") or "127.0.0.1" not in cmd:
                continue
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            continue
    return peak


def timed(cmd, watch_backends=False):
    """Seconds and peak memory (MiB) of that one command — or, for psql, of the backend it
    talks to, sampled while it runs — and its output."""
    with tempfile.TemporaryFile("w+") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
        backend = 0
        while watch_backends and proc.poll() is None:
            backend = max(backend, backends_hwm_kib())
            time.sleep(0.02)
        _, status, usage = os.wait4(proc.pid, 0) if proc.returncode is None else (0, 0, None)
        elapsed = time.perf_counter() - t
        code = proc.returncode if proc.returncode is not None else os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"{cmd[0]} failed: {proc.stderr.read()}")
        out.seek(0)
        peak = backend if watch_backends else usage.ru_maxrss
        return elapsed, peak / 1024, out.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", required=True)
    ap.add_argument("--minewatch", required=True)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    a = ap.parse_args()
    rows, commands = [], []
    work = tempfile.mkdtemp(prefix="minewatch-huge-")
    r = 0.01
    for n in [int(s) for s in a.sizes.split(",")]:
        d = os.path.join(work, str(n))
        os.makedirs(d, exist_ok=True)
        patch, licence = disc(112.0 + r, 36.0, r, n), disc(112.0, 36.0, r, n)
        pf, lf, out = os.path.join(d, "patch.geojson"), os.path.join(d, "licence.geojson"), os.path.join(d, "out.csv")
        write(pf, {"patch_id": "P1", "later_date": "2026-05-01"}, patch)
        write(lf, {"licence_id": "L1", "valid_from": "2020-01-01", "valid_to": "2030-12-31"}, licence)
        mw = [a.minewatch, "triage", pf, "--licences", lf, "--out", out, "--date", "2026-05-01", "--quiet"]
        secs, peak, _ = timed(mw)
        with open(out, newline="") as f:
            first = next(csv.DictReader(f))
        mw_share = float(first["licence_shares"])
        rows.append((n, "minewatch", secs, peak, mw_share))
        commands.append((n, "minewatch", " ".join(mw)))
        # PostGIS: the same two shapes, loaded as GeoJSON text, intersected on the ellipsoid.
        tsv = os.path.join(d, "shapes.tsv")
        with open(tsv, "w") as f:
            f.write("P1\t" + json.dumps(patch) + "\n")
            f.write("L1\t" + json.dumps(licence) + "\n")
        sql = os.path.join(d, "postgis.sql")
        with open(sql, "w") as f:
            f.write(
                "DROP TABLE IF EXISTS huge; CREATE TABLE huge (id text, g text);\n"
                f"\\copy huge FROM '{tsv}'\n"
                "SELECT ST_Area(ST_Intersection(p.s, l.s)::geography) / ST_Area(p.s::geography) FROM "
                "(SELECT ST_SetSRID(ST_GeomFromGeoJSON(g), 4490) AS s FROM huge WHERE id = 'P1') p, "
                "(SELECT ST_SetSRID(ST_GeomFromGeoJSON(g), 4490) AS s FROM huge WHERE id = 'L1') l;\n"
            )
        pg = ["psql", "-qAt", "-v", "ON_ERROR_STOP=1", a.pg, "-f", sql]
        secs, peak, stdout = timed(pg, watch_backends=True)
        pg_share = float(stdout.strip().splitlines()[-1])
        rows.append((n, "PostGIS", secs, peak, pg_share))
        commands.append((n, "PostGIS", " ".join(pg)))
    cpu = platform.processor() or platform.machine()
    pgv = subprocess.run(["psql", "-qAt", a.pg, "-c", "SELECT postgis_full_version()"], capture_output=True, text=True).stdout.split(" ")[0:2]
    table = [
        "## A huge patch across a huge licence (`bench/huge`)",
        "",
        f"Run {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}), {' '.join(pgv)}. Two discs of N vertices each, a",
        f"radius apart near 36°N; the exact share of the patch inside the licence is {LENS:.4f}. minewatch: the",
        "whole `minewatch triage` command from the files to the CSV; PostGIS: loading the two shapes and",
        "`ST_Intersection` measured on the ellipsoid. Ratio = PostGIS time / minewatch time.",
        "Peak memory: minewatch's max RSS; for PostGIS the backend's VmHWM, sampled every 20 ms",
        "while psql runs (each size on a fresh connection).",
        "",
        "| vertices each | engine | seconds | peak MiB | share | ratio |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    base = {}
    for n, engine, secs, peak, share in rows:
        if engine == "minewatch":
            base[n] = secs
        ratio = secs / base[n] if base.get(n) else 1.0
        table.append(f"| {n:,} | {engine} | {secs:.2f} | {peak:.0f} | {share:.4f} | {ratio:.1f}× |")
    table += ["", "Exact commands:", ""]
    for n, engine, cmd in commands:
        table.append(f"- {n:,}, {engine}: `{cmd}`")
    text = "\n".join(table) + "\n"
    print(text)
    for n, engine, _, _, share in rows:
        if abs(share - LENS) > 2e-3:
            sys.exit(f"{engine} at {n}: share {share} is not {LENS}")
    results = os.path.join(os.path.dirname(__file__), "..", "RESULTS.md")
    with open(results) as f:
        old = f.read()
    marker = "## A huge patch across a huge licence"
    if marker in old:
        old = old[: old.index(marker)].rstrip() + "\n"
    with open(results, "w") as f:
        f.write(old.rstrip() + "\n\n" + text)


if __name__ == "__main__":
    main()
