#!/usr/bin/env python3
"""Writes the photo fixtures of crates/store/tests/fixtures/photos/ with three different EXIF
writers (piexif, Pillow, exiftool), as phones, apps and chat programs leave them.

The files are checked in; run this only to make them again:
    pip install pillow piexif && apt-get install libimage-exiftool-perl
    python3 scripts/photo-fixtures.py
The expected readings are in crates/store/tests/photos.rs.
"""
import io
import os
import struct
import subprocess

import piexif
from PIL import Image, ImageDraw

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "store", "tests", "fixtures", "photos")


def scene(seed):
    """A small picture of a slope with a pit and a track, different per seed."""
    img = Image.new("RGB", (96, 72), (120 + seed * 7 % 60, 140, 90))
    d = ImageDraw.Draw(img)
    for i in range(0, 72, 6):
        d.line([(0, i), (96, i + seed % 9)], fill=(100 + i, 120, 80 + seed * 11 % 90))
    d.ellipse([20 + seed % 30, 20, 60 + seed % 30, 50], fill=(150, 110, 70))
    d.rectangle([5, 55, 90, 60], fill=(200, 190, 170))
    return img


def jpeg(img, exif=None):
    buf = io.BytesIO()
    if exif is None:
        img.save(buf, "JPEG", quality=85)
    else:
        img.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def rational_dms(value):
    deg = int(value)
    minutes_f = (value - deg) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * 100)
    return ((deg, 1), (minutes, 1), (seconds, 100))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)

    # piexif: big-endian, sub-IFDs without the next-IFD offset, DMS rationals, +08:00.
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"minewatch-test", piexif.ImageIFD.DateTime: b"2026:05:10 09:20:00"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:05:10 09:15:30",
                 piexif.ExifIFD.OffsetTimeOriginal: b"+08:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: rational_dms(36.008472),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: rational_dms(112.053403)},
    })
    write("piexif.jpg", jpeg(scene(1), exif))

    # piexif again, as many phones write GPS: degrees and decimal minutes, seconds 0/1.
    exif = piexif.dump({
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:06:01 17:02:03"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((35, 1), (5412345, 100000), (0, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((111, 1), (3000000, 100000), (0, 1))},
    })
    write("piexif_minutes.jpg", jpeg(scene(2), exif))

    # Pillow: little-endian, GPS in its own IFD.
    img = scene(3)
    ex = img.getexif()
    ex[0x0110] = "Pillow Phone"
    exif_ifd = ex.get_ifd(0x8769)
    exif_ifd[0x9003] = "2026:07:04 11:30:00"
    exif_ifd[0x9011] = "+08:00"
    gps = ex.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (36.0, 1.0, 2.5)
    gps[3] = "E"
    gps[4] = (112.0, 4.0, 30.0)
    write("pillow.jpg", jpeg(img, ex.tobytes()))

    # Pillow WebP with EXIF: WebP must be decoded and hashed too.
    buf = io.BytesIO()
    scene(4).save(buf, "WEBP", quality=80, exif=ex.tobytes())
    write("pillow.webp", buf.getvalue())

    # exiftool: big-endian, southern and western refs, an offset of -03:00.
    write("exiftool.jpg", jpeg(scene(5)))
    subprocess.run([
        "exiftool", "-q", "-overwrite_original", "-ExifByteOrder=MM",
        "-DateTimeOriginal=2026:08:15 07:45:10", "-OffsetTimeOriginal=-03:00",
        "-GPSLatitude=23.5", "-GPSLatitudeRef=S", "-GPSLongitude=46.625", "-GPSLongitudeRef=W",
        os.path.join(OUT, "exiftool.jpg"),
    ], check=True)

    # exiftool, little-endian, a time but no position (a camera with GPS off).
    write("exiftool_no_gps.jpg", jpeg(scene(6)))
    subprocess.run([
        "exiftool", "-q", "-overwrite_original", "-ExifByteOrder=II",
        "-DateTimeOriginal=2026:09:01 08:00:00", os.path.join(OUT, "exiftool_no_gps.jpg"),
    ], check=True)

    # No EXIF at all.
    write("no_exif.jpg", jpeg(scene(7)))

    # Stripped the way chat apps strip: re-encoded, only the orientation left.
    img = scene(8)
    ex = img.getexif()
    ex[0x0112] = 1
    write("chat_stripped.jpg", jpeg(img, ex.tobytes()))

    # A damaged block: the piexif EXIF cut short inside the GPS IFD.
    exif = piexif.dump({
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:05:10 09:15:30"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: rational_dms(36.0),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: rational_dms(112.0)},
    })
    whole = jpeg(scene(9), exif)
    start = whole.index(b"\xff\xe1")
    (length,) = struct.unpack(">H", whole[start + 2:start + 4])
    body = whole[start + 4:start + 2 + length]
    cut = body[: len(body) - 40]
    damaged = whole[:start] + b"\xff\xe1" + struct.pack(">H", len(cut) + 2) + cut + whole[start + 2 + length:]
    write("damaged_exif.jpg", damaged)

    # A picture bomb: a valid PNG header claiming 20,000 × 20,000 pixels over a few bytes
    # of data. It must be measured and refused from the header, never decoded.
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 4096, 9)) + chunk(b"IEND", b"")
    write("bomb_20000.png", bomb)


if __name__ == "__main__":
    main()
