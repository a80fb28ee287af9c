# SPDX-License-Identifier: MIT
"""Kernel fidelity harness modules (see doc/fidelity.md)."""
