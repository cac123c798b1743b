"""Builds a synthetic county for the triage benchmark, as the Shapefiles a county receives:
CGCS2000 lon/lat (EPSG:4490) with a .prj, GBK attributes with a .cpg.

    python generate.py --size large --out DIR

Sizes (patches / licences / protected and key zones):
    small   1,000 /   100 / 10
    medium  5,000 /   300 / 25
    large  20,000 / 1,000 / 50   (zones of 2,000–20,000 vertices)

Every place and name is invented. The same seed gives the same files.
"""

import argparse
import math
import os
import random

import shapefile  # pyshp

SIZES = {
    "small": (1_000, 100, 10),
    "medium": (5_000, 300, 25),
    "large": (20_000, 1_000, 50),
}

WEST, EAST, SOUTH, NORTH = 112.0, 113.2, 35.6, 36.6
M_PER_DEG_LAT = 110_950.0

PRJ = (
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",'
    'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]]'
)

TOWNSHIPS = ["东岭镇", "西河乡", "南坪镇", "北坡乡", "青石镇", "白水乡", "红岩镇", "黄土乡", "松林镇", "柳溪乡"]
PROTECTED = ["自然保护地", "生态保护红线", "永久基本农田", "林地"]
KEY = [
    "私挖滥采易发频发区",
    "整合关闭矿山核定实施区",
    "有证保留矿山批准设置区",
    "涉矿工程项目施工区",
    "废弃关闭矿井点位风险区",
    "问题隐患台账整治集中区",
    "重点风险区域",
]
MINERALS = ["建筑石料用灰岩", "砖瓦用页岩", "建筑用砂", "铝土矿", "煤"]


def m_to_deg(metres, lat):
    """Metres to degrees of (longitude, latitude) near `lat`."""
    return metres / (M_PER_DEG_LAT * math.cos(math.radians(lat))), metres / M_PER_DEG_LAT


def star(rng, cx, cy, radius_m, n, wobble):
    """A star-shaped ring (simple by construction) with `n` vertices, counter-clockwise."""
    dx, dy = m_to_deg(radius_m, cy)
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    ring = []
    for i in range(n):
        t = math.tau * i / n
        r = 1 + wobble * (
            0.25 * math.sin(3 * t + phases[0])
            + 0.10 * math.sin(7 * t + phases[1])
            + 0.03 * math.sin(31 * t + phases[2])
        )
        r *= 1 + rng.uniform(-0.004, 0.004) * wobble
        ring.append((cx + dx * r * math.cos(t), cy + dy * r * math.sin(t)))
    ring.append(ring[0])
    return ring


def shapefile_rings(outer, holes=()):
    """Shapefile wants outer rings clockwise and holes counter-clockwise."""
    return [list(reversed(outer))] + [list(h) for h in holes]


def writer(path, fields):
    w = shapefile.Writer(path, shapeType=shapefile.POLYGON, encoding="gbk")
    for name, kind, size in fields:
        w.field(name, kind, size=size)
    return w


def close(w, path):
    w.close()
    with open(path + ".prj", "w") as f:
        f.write(PRJ)
    with open(path + ".cpg", "w") as f:
        f.write("GBK")


def day(rng, start_year, end_year):
    return f"{rng.randint(start_year, end_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=SIZES, default="small")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()
    n_patches, n_licences, n_zones = SIZES[args.size]
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    base = lambda name: os.path.join(args.out, name)  # noqa: E731

    # Grids: 12 × 10 villages, 12 to a township.
    cols, rows = 12, 10
    w = writer(base("grids"), [("township", "C", 20), ("village", "C", 30), ("grid", "C", 30)])
    for r in range(rows):
        for c in range(cols):
            x0 = WEST + (EAST - WEST) * c / cols
            x1 = WEST + (EAST - WEST) * (c + 1) / cols
            y0 = SOUTH + (NORTH - SOUTH) * r / rows
            y1 = SOUTH + (NORTH - SOUTH) * (r + 1) / rows
            k = r * cols + c
            town = TOWNSHIPS[k // 12]
            village = f"{town[:2]}{k % 12 + 1:02d}村"
            ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
            w.poly(shapefile_rings(ring))
            w.record(town, village, f"{village}1号网格")
    close(w, base("grids"))

    # Zones: big star-shaped areas, some with a hole.
    zones = []
    w = writer(base("zones"), [("zone_id", "C", 10), ("kind", "C", 40), ("name", "C", 40)])
    for i in range(n_zones):
        cx, cy = rng.uniform(WEST + 0.05, EAST - 0.05), rng.uniform(SOUTH + 0.05, NORTH - 0.05)
        radius = rng.uniform(2_000, 6_000)
        n = rng.randint(2_000, 20_000) if args.size == "large" else rng.randint(500, 5_000)
        outer = star(rng, cx, cy, radius, n, 1.0)
        holes = []
        if i % 10 == 3:
            holes.append(star(rng, cx, cy, radius * 0.2, 64, 0.2))
        kind = PROTECTED[i % 4] if i % 5 < 3 else KEY[i % 7]
        zones.append((cx, cy, radius))
        w.poly(shapefile_rings(outer, holes))
        w.record(f"Z{i + 1:03d}", kind, f"{kind}{i + 1}号")
    close(w, base("zones"))

    # Licences: small convex polygons of 4–12 corners.
    licences = []
    w = writer(
        base("licences"),
        [
            ("licence_id", "C", 24),
            ("holder", "C", 60),
            ("mineral", "C", 30),
            ("valid_from", "C", 10),
            ("valid_to", "C", 10),
            ("status", "C", 10),
        ],
    )
    for i in range(n_licences):
        cx, cy = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        size = rng.uniform(300, 1_500)
        dx, dy = m_to_deg(size, cy)
        # Evenly spread corners keep every gap under half a turn, so the ring is simple.
        k = rng.randint(4, 12)
        corners = [math.tau * (j + rng.uniform(-0.3, 0.3)) / k for j in range(k)]
        ring = []
        for t in corners:
            r = rng.uniform(0.7, 1.0)
            ring.append((cx + dx * r * math.cos(t), cy + dy * r * math.sin(t)))
        ring.append(ring[0])
        licences.append((cx, cy, size))
        start = rng.randint(2012, 2022)
        status = "注销" if i % 37 == 0 else "正常"
        w.poly(shapefile_rings(ring))
        w.record(
            f"C14{i + 1:08d}",
            f"青岚县第{i + 1}采石场",
            MINERALS[i % len(MINERALS)],
            f"{start}-{rng.randint(1, 12):02d}-01",
            f"{start + rng.choice([3, 5, 10, 15])}-12-31",
            status,
        )
    close(w, base("licences"))

    # Patches: a third at licences, a fifth at zone edges, the rest anywhere.
    w = writer(
        base("patches"),
        [("patch_id", "C", 16), ("former", "C", 10), ("later_date", "C", 10), ("kind", "C", 20)],
    )
    for i in range(n_patches):
        roll = rng.random()
        if roll < 0.35:
            lx, ly, size = licences[rng.randrange(len(licences))]
            dx, dy = m_to_deg(size * rng.uniform(0, 1.2), ly)
            t = rng.uniform(0, math.tau)
            cx, cy = lx + dx * math.cos(t), ly + dy * math.sin(t)
        elif roll < 0.55:
            zx, zy, radius = zones[rng.randrange(len(zones))]
            dx, dy = m_to_deg(radius * rng.uniform(0.3, 1.3), zy)
            t = rng.uniform(0, math.tau)
            cx, cy = zx + dx * math.cos(t), zy + dy * math.sin(t)
        else:
            cx, cy = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        ring = star(rng, cx, cy, rng.uniform(20, 150), rng.randint(20, 60), 0.8)
        w.poly(shapefile_rings(ring))
        w.record(f"WP2026-{i + 1:05d}", day(rng, 2025, 2025), day(rng, 2026, 2026), "挖损")
    close(w, base("patches"))


if __name__ == "__main__":
    main()
