"""Triage benchmark: minewatch against PostGIS and GeoPandas on the same synthetic county,
in the same run, each peer in its straightforward and its tuned form. Checks that every
engine finds the same licence and zone ids per patch with areas within 0.1 %, then writes
bench/RESULTS.md with times, peak memory, ratios and the exact commands.

    bench/triage/run [--sizes small,medium,large]
"""

import argparse
import csv
import datetime
import os
import platform
import re
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = os.path.join(ROOT, "target", "bench-venv", "bin", "python")
MINEWATCH = os.path.join(ROOT, "target", "release", "minewatch")
TABLES = ["patches", "licences", "zones", "grids"]
SQL = {}


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw)


def timed(cmd):
    """Runs `cmd` under GNU time; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "bash", "-c", cmd], text=True, capture_output=True
    )
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise RuntimeError(f"{cmd}\n{r.stdout}\n{r.stderr}")
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024


class PostgresPeak:
    """Samples the high-water mark (VmHWM) of every PostgreSQL backend while a run goes on."""

    def __init__(self):
        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while not self.stop.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/status") as f:
                        s = f.read()
                except OSError:
                    continue
                if "\nName:\tpostgres" not in "\n" + s:
                    continue
                m = re.search(r"VmHWM:\s+(\d+)", s)
                if m:
                    self.peak_kb = max(self.peak_kb, int(m.group(1)))
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def postgis(url, data, prefix, tuned):
    db = "bench_tuned" if tuned else "bench_plain"
    base = url.rsplit("/", 1)[0]
    sh(f'psql "{url}" -qc "DROP DATABASE IF EXISTS {db}" -c "CREATE DATABASE {db}"')
    dburl = f"{base}/{db}"
    sh(f'psql "{dburl}" -qc "CREATE EXTENSION postgis"')
    dump = "-D " if tuned else ""
    load = " && ".join(
        f"shp2pgsql -s 4490 -W GBK -I {dump}{data}/{t}.shp {t} | psql -q -v ON_ERROR_STOP=1 \"{dburl}\" > /dev/null"
        for t in TABLES
    )
    if tuned:
        zones_sql = """
SET max_parallel_workers_per_gather = 2;
ANALYZE patches; ANALYZE licences; ANALYZE zones; ANALYZE grids;
CREATE TABLE zone_parts AS SELECT zone_id, ST_Subdivide(geom, 256) AS geom FROM zones;
CREATE INDEX ON zone_parts USING gist (geom);
ANALYZE zone_parts;
CREATE TABLE r_zones AS
  SELECT p.patch_id, z.zone_id,
         SUM(CASE WHEN ST_CoveredBy(p.geom, z.geom) THEN ST_Area(p.geom::geography)
                  ELSE ST_Area(ST_Intersection(p.geom, z.geom)::geography) END) AS area_m2
  FROM zone_parts z JOIN patches p ON ST_Intersects(z.geom, p.geom)
  GROUP BY p.patch_id, z.zone_id;
"""
    else:
        zones_sql = """
CREATE TABLE r_zones AS
  SELECT p.patch_id, z.zone_id, ST_Area(ST_Intersection(p.geom, z.geom)::geography) AS area_m2
  FROM patches p JOIN zones z ON ST_Intersects(p.geom, z.geom);
"""
    query = f"""
\\set ON_ERROR_STOP 1
CREATE TABLE r_patches AS SELECT patch_id, ST_Area(geom::geography) AS area_m2 FROM patches;
CREATE TABLE r_licences AS
  SELECT p.patch_id, l.licence_id, ST_Area(ST_Intersection(p.geom, l.geom)::geography) AS area_m2
  FROM patches p JOIN licences l ON ST_Intersects(p.geom, l.geom);
{zones_sql}
CREATE TABLE r_grid AS
  SELECT DISTINCT ON (p.patch_id) p.patch_id, g.township, g.village
  FROM patches p JOIN grids g ON ST_Intersects(p.geom, g.geom)
  ORDER BY p.patch_id, ST_Area(ST_Intersection(p.geom, g.geom)::geography) DESC;
\\copy (SELECT r.patch_id, r.area_m2, g.township, g.village FROM r_patches r LEFT JOIN r_grid g USING (patch_id)) TO '{prefix}.patches.csv' CSV HEADER
\\copy r_licences TO '{prefix}.licences.csv' CSV HEADER
\\copy r_zones TO '{prefix}.zones.csv' CSV HEADER
"""
    SQL["tuned" if tuned else "straightforward"] = query
    sql_file = prefix + ".sql"
    with open(sql_file, "w") as f:
        f.write(query)
    cmd = f'{load} && psql -q "{dburl}" -f {sql_file}'
    with PostgresPeak() as peak:
        seconds, client_mib = timed(cmd)
    return seconds, max(client_mib, peak.peak_kb / 1024), cmd


def read_minewatch(path):
    patches, lic, zon = {}, {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pid = row["patch_id"]
            area = float(row["area_m2"])
            patches[pid] = (area, row["township"], row["village"])
            ids = [x for x in row["licence_ids"].split(";") if x]
            areas = [float(x) for x in row["licence_areas_m2"].split(";") if x]
            lic[pid] = dict(zip(ids, areas))
            zids = [x for x in row["zone_ids"].split(";") if x]
            zareas = [float(x) for x in row["zone_areas_m2"].split(";") if x]
            zon[pid] = dict(zip(zids, zareas))
    return patches, lic, zon


def read_peer(prefix):
    patches, lic, zon = {}, {}, {}
    with open(prefix + ".patches.csv", newline="") as f:
        for row in csv.DictReader(f):
            patches[row["patch_id"]] = (float(row["area_m2"]), row["township"] or "", row["village"] or "")
            lic[row["patch_id"]] = {}
            zon[row["patch_id"]] = {}
    for name, key, table in [("licences", "licence_id", lic), ("zones", "zone_id", zon)]:
        with open(f"{prefix}.{name}.csv", newline="") as f:
            for row in csv.DictReader(f):
                table.setdefault(row["patch_id"], {})[row[key]] = table.get(row["patch_id"], {}).get(row[key], 0.0) + float(row["area_m2"])
    return patches, lic, zon


def close(a, b):
    return abs(a - b) <= max(0.001 * max(abs(a), abs(b)), 0.01)


def compare(mine, peer):
    """Disagreements: differing id sets, areas beyond 0.1 %, differing township/village."""
    (mp, ml, mz), (pp, pl, pz) = mine, peer
    faults = []
    if set(mp) != set(pp):
        faults.append(f"patch sets differ: {len(set(mp) ^ set(pp))} patches")
    for pid in sorted(set(mp) & set(pp)):
        a, t, v = mp[pid]
        b, t2, v2 = pp[pid]
        if not close(a, b):
            faults.append(f"{pid}: area {a:.2f} vs {b:.2f}")
        if (t, v) != (t2, v2):
            faults.append(f"{pid}: grid {t}/{v} vs {t2}/{v2}")
        for what, m, p in [("licences", ml.get(pid, {}), pl.get(pid, {})), ("zones", mz.get(pid, {}), pz.get(pid, {}))]:
            if set(m) != set(p):
                faults.append(f"{pid}: {what} {sorted(m)} vs {sorted(p)}")
                continue
            for k in m:
                if not close(m[k], p[k]):
                    faults.append(f"{pid}: {what} {k} area {m[k]:.3f} vs {p[k]:.3f}")
    return faults


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--work", default="/tmp/minewatch-bench")
    ap.add_argument("--pg", default=os.environ.get("MINEWATCH_BENCH_PG", ""))
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    args = ap.parse_args()
    rows, notes = [], []
    for size in args.sizes.split(","):
        data = os.path.join(args.work, size)
        gen = f"{PY} {HERE}/generate.py --size {size} --out {data}"
        sh(gen)
        out = os.path.join(args.work, f"{size}-out")
        os.makedirs(out, exist_ok=True)
        mw_csv = os.path.join(out, "minewatch.csv")
        mw_cmd = (
            f"{MINEWATCH} triage {data}/patches.shp --licences {data}/licences.shp "
            f"--zones {data}/zones.shp --grids {data}/grids.shp --out {mw_csv} --date 2026-06-01 --quiet"
        )
        results = [("minewatch", "", *timed(mw_cmd), mw_cmd)]
        mine = read_minewatch(mw_csv)
        for tuned in (False, True):
            prefix = os.path.join(out, "postgis-" + ("tuned" if tuned else "plain"))
            s, mib, cmd = postgis(args.pg, data, prefix, tuned)
            results.append(("PostGIS", "tuned" if tuned else "straightforward", s, mib, cmd))
        for mode in ("geopandas-plain", "geopandas-tuned"):
            prefix = os.path.join(out, mode)
            cmd = f"{PY} {HERE}/peers.py {mode} {data} {prefix}"
            s, mib = timed(cmd)
            results.append(("GeoPandas", "tuned" if mode.endswith("tuned") else "straightforward", s, mib, cmd))
        base = results[0][2]
        for engine, variant, s, mib, cmd in results:
            agree = "—"
            if engine != "minewatch":
                key = "tuned" if variant == "tuned" else "plain"
                prefix = os.path.join(out, f"{engine.lower()}-{key}")
                faults = compare(mine, read_peer(prefix))
                agree = "yes" if not faults else f"NO ({len(faults)})"
                if faults:
                    notes.append(f"{size} {engine} {variant}: " + "; ".join(faults[:5]))
            rows.append((size, engine, variant, s, mib, s / base, agree, cmd))
            print(f"{size:6} {engine:10} {variant:16} {s:8.2f} s {mib:8.0f} MiB  x{s / base:6.1f}  agree {agree}", flush=True)
    write_results(args.results, rows, notes)


def write_results(path, rows, notes):
    cpu = sh("nproc").stdout.strip()
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    pg = sh("psql --version").stdout.strip()
    postgis_v = sh("dpkg-query -W -f '${Version}' postgresql-15-postgis-3 || true").stdout.strip()
    pyv = sh(f"{PY} -c 'import geopandas, shapely, pyogrio; print(geopandas.__version__, shapely.__version__, shapely.geos_version_string, pyogrio.__version__)'").stdout.split()
    lines = [
        "# Benchmarks",
        "",
        "## Triage (`bench/triage`)",
        "",
        f"Run {datetime.date.today()} on {platform.node()}: {cpu} cores ({model}), {pg}, PostGIS {postgis_v},",
        f"GeoPandas {pyv[0]} (shapely {pyv[1]}, GEOS {pyv[2]}, pyogrio {pyv[3]}).",
        "End to end from the Shapefiles to result files on disk: reading, indexing, intersecting,",
        "measuring, writing. Ratio = peer time / minewatch time (higher means minewatch is faster).",
        "Peak memory: max RSS of the command (GNU time); for PostGIS the largest backend's",
        "VmHWM or the loader's RSS, whichever is higher. `agree` = same licence and zone ids",
        "per patch, same township and village, every area within 0.1 % of minewatch's.",
        "",
        "| size | engine | form | seconds | peak MiB | ratio | agree |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for size, engine, variant, s, mib, ratio, agree, _ in rows:
        lines.append(f"| {size} | {engine} | {variant} | {s:.2f} | {mib:.0f} | {ratio:.1f}× | {agree} |")
    lines += ["", "Sizes: small 1,000 patches / 100 licences / 10 zones; medium 5,000 / 300 / 25;",
              "large 20,000 / 1,000 / 50 zones of 2,000–20,000 vertices (`generate.py`).", "",
              "### Exact commands", ""]
    seen = set()
    for size, engine, variant, _, _, _, _, cmd in rows:
        if (engine, variant) in seen and size != "large":
            continue
        seen.add((engine, variant))
        lines += [f"{size}, {engine} {variant}:", "```", cmd, "```"]
    lines += ["", "Data: `" + f"{PY} {HERE}/generate.py --size SIZE --out DIR" + "` (seeded, so every run has the same files).", ""]
    for form, sql in SQL.items():
        lines += [f"PostGIS {form}, the SQL file run by `psql -f` (paths as in the last size run):", "```sql", sql.strip(), "```"]
    if notes:
        lines += ["", "### Disagreements", ""] + [f"- {n}" for n in notes]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
