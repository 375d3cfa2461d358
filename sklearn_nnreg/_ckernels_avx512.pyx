# cython: language_level=3, cdivision=True, initializedcheck=False
"""The loops of _ckernels.pyx, built with -march=x86-64-v4 (AVX-512 F, BW, CD, DQ and VL):
see _kernels.py and pyproject.toml."""

include "_ckernels.pyx"
