# SPDX-License-Identifier: MIT
"""Random cases (placeholder until the generator lands)."""


def generate(seed, count, npackets):
    return []


def to_text(case):
    return ""
