"""Reference values for @kd/losses tests, computed with PyTorch (float64) from the formulas in
docs/methods/ (the method notes) and the official code's semantics. Independent of the TypeScript code.

Run:  /usr/bin/python3 tools/reference/losses/make_goldens.py   (Debian python3-torch 1.13)
Writes src/goldens/*.json (inputs NHWC, as the TS side uses them) and src/fixtures/*.npy (NCHW,
for the `pnpm exp loss` parity test).
"""
# The families draw from one random stream (golden_common.rs), so they run in this order.
import baselines  # noqa: E402,F401
import scfnet  # noqa: E402,F401
import csnet  # noqa: E402,F401
import ka  # noqa: E402,F401
import bcd  # noqa: E402,F401
import fsd  # noqa: E402,F401

print('goldens written')
