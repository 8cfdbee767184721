#!/usr/bin/python3
"""Tiny .npy files written by numpy itself, for NpyTest (src/test/resources/npy/).

Regenerate: /usr/bin/python3 tools/golden/make_npy_fixtures.py
Values follow simple formulas that NpyTest recomputes: value[k] = k * 0.5 - 1 in C order (k = flat index),
or k - 3 for the integer arrays.
"""
import os

import numpy as np

OUT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "npy"))


def ramp(shape, dtype):
    return (np.arange(int(np.prod(shape))) * 0.5 - 1).reshape(shape).astype(dtype)


def main():
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "f32_2x3.npy"), ramp((2, 3), np.float32))
    np.save(os.path.join(OUT, "f64_5.npy"), ramp((5,), np.float64))
    np.save(os.path.join(OUT, "f64_2x3x4.npy"), ramp((2, 3, 4), np.float64))
    np.save(os.path.join(OUT, "f64_scalar.npy"), np.float64(-1.0))
    np.save(os.path.join(OUT, "i32_2x2.npy"), (np.arange(4) - 3).reshape(2, 2).astype(np.int32))
    np.save(os.path.join(OUT, "i64_3.npy"), (np.arange(3) - 3).astype(np.int64))
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(OUT, f"f32_2x3_v{version[0]}.npy"), "wb") as f:
            np.lib.format.write_array(f, ramp((2, 3), np.float32), version=version)
    # Unsupported on purpose: the reader must refuse these with a clear message.
    np.save(os.path.join(OUT, "bad_fortran.npy"), np.asfortranarray(ramp((2, 3), np.float32)))
    np.save(os.path.join(OUT, "bad_bigendian.npy"), ramp((2, 3), ">f4"))
    np.save(os.path.join(OUT, "bad_uint8.npy"), np.arange(3, dtype=np.uint8))


if __name__ == "__main__":
    main()
