# cython: language_level=3, cdivision=True, initializedcheck=False
"""The loops of _ckernels.pyx, built with -march=x86-64-v3 (AVX2, FMA, BMI1 and 2):
see _kernels.py and pyproject.toml."""

include "_ckernels.pyx"
