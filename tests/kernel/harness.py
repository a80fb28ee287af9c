# SPDX-License-Identifier: MIT
"""Differential test harness: the same case through Linux (network
namespaces, iptables-legacy) and through `netsieve replay`; the frames out of
every interface and the rule counters must be the same.  See
doc/fidelity.md.  Run via tests/kernel/run.sh; needs root.
"""

import argparse
import glob
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from nsk import casefile, compare, gen, kernel, replay  # noqa: E402


def load_known_failures(path):
    """name -> reason.  Lines: 'NAME  reason...'; '#' comments."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2 or not parts[1].strip():
                sys.exit("%s:%d: a known failure needs a reason"
                         % (path, lineno))
            known[parts[0]] = parts[1].strip()
    return known


def mutation_check(case, kres, nres):
    """Damage copies of nres in ways that must be noticed; return the names
    of the damages compare() did not report."""
    import copy
    survivors = []

    def check(name, mutate):
        m = copy.deepcopy(nres)
        if mutate(m) and not compare.compare(case, kres, m):
            survivors.append(name)

    def flip_byte(m):
        for fl in m.frames.values():
            if fl:
                i, f = fl[0]
                b = bytearray(f)
                b[-1] ^= 0x01
                fl[0] = (i, bytes(b))
                return True
        return False

    def drop_frame(m):
        for fl in m.frames.values():
            if fl:
                fl.pop()
                return True
        return False

    def extra_frame(m):
        name = case.ifaces[0].name
        m.frames[name] = m.frames[name] + [(0, case.packets[0].frame)]
        return True

    def bump_counter(m):
        import re
        t, n = re.subn(r"\[(\d+):", lambda x: "[%d:" % (int(x.group(1)) + 1),
                       m.counters, count=1)
        m.counters = t
        return n == 1

    check("flipped byte", flip_byte)
    def drop_conntrack(m):
        # The first entry: the setup's own output (sysctl -w echoes)
        # may come before the listing.
        lines = (m.conntrack or "").splitlines()
        for i, l in enumerate(lines):
            if compare.conntrack_lines(l):
                m.conntrack = "\n".join(lines[:i] + lines[i + 1:]) + "\n"
                return True
        return False

    check("dropped frame", drop_frame)
    check("conntrack entry", drop_conntrack)
    check("extra frame", extra_frame)
    check("counter", bump_counter)
    return survivors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("build", nargs="?", default="build",
                    help="netsieve build directory")
    ap.add_argument("--kernel-only", action="store_true",
                    help="only run the kernel side and print what it did")
    ap.add_argument("--self-check", action="store_true",
                    help="run every case twice through the kernel and "
                    "compare the runs (checks the harness is deterministic)")
    ap.add_argument("--no-mutation-check", dest="mutation_check",
                    action="store_false",
                    help="skip the harness self-check: normally, after each "
                    "passing case, netsieve's result is damaged (a byte, a "
                    "frame, a counter) and the comparison must notice")
    ap.add_argument("--rules-only", action="store_true",
                    help="only compare the ruleset text (restore + save in "
                    "`netsieve shell`), not the packets")
    ap.add_argument("--random", type=int,
                    default=int(os.environ.get("NSK_RANDOM", "12")),
                    help="number of random cases (env NSK_RANDOM)")
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("NSK_SEED", "1")),
                    help="seed of the random cases (env NSK_SEED)")
    ap.add_argument("--random-packets", type=int, default=24)
    ap.add_argument("--stateful", type=int,
                    default=int(os.environ.get("NSK_STATEFUL", "12")),
                    help="number of stateful random cases: conversations "
                    "answered with REPLY under conntrack and NAT rules "
                    "(env NSK_STATEFUL)")
    ap.add_argument("--prefix", default=os.environ.get(
        "NSK_PREFIX", "nsk%d" % os.getpid()),
        help="name prefix of the namespaces")
    ap.add_argument("-k", "--filter", default=None,
                    help="regex: only run cases whose name matches")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the kernel's behaviour for every case")
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory even when all pass")
    ap.add_argument("--dump", metavar="DIR",
                    help="write generated random cases as files to DIR")
    args = ap.parse_args()

    cases = []
    errors = []
    for path in sorted(glob.glob(os.path.join(HERE, "cases", "*.case"))):
        try:
            cases.append(casefile.load_case(path))
        except casefile.CaseError as e:
            errors.append(str(e))
    for e in errors:
        print("CASE ERROR: %s" % e)
    cases += gen.generate(args.seed, args.random, args.random_packets)
    cases += gen.generate_stateful(args.seed, args.stateful)
    if args.dump:
        os.makedirs(args.dump, exist_ok=True)
        for c in cases:
            if c.path is None:
                with open(os.path.join(args.dump, c.name + ".case"),
                          "w") as f:
                    f.write(gen.to_text(c))
    if args.filter:
        cases = [c for c in cases if re.search(args.filter, c.name)]

    netsieve = os.path.abspath(os.path.join(args.build, "netsieve"))
    # One work directory per run (runs may overlap); kept when a case
    # fails, removed otherwise.  BUILD/tests-kernel.last points at it.
    workroot = None
    known = load_known_failures(os.path.join(HERE, "known-failures"))
    if args.self_check:
        known = {}
    elif not args.kernel_only:
        if not os.access(netsieve, os.X_OK):
            sys.exit("no netsieve binary at %s" % netsieve)
        # Work directories of earlier runs (kept because a case failed)
        # go after an hour; a run in progress is younger than that.
        for old in glob.glob(os.path.join(os.path.abspath(args.build),
                                          "tests-kernel.*")):
            try:
                if (os.path.isdir(old) and not os.path.islink(old) and
                        time.time() - os.path.getmtime(old) > 3600):
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        workroot = tempfile.mkdtemp(prefix="tests-kernel.",
                                    dir=os.path.abspath(args.build))
        last = os.path.join(os.path.abspath(args.build), "tests-kernel.last")
        try:
            if os.path.islink(last):
                os.unlink(last)
            os.symlink(os.path.basename(workroot), last)
        except OSError:
            pass

    tally = {"PASS": [], "FAIL": [], "XFAIL": [], "XPASS": [], "ERROR": []}
    t0 = time.monotonic()
    for n, case in enumerate(cases):
        t1 = time.monotonic()
        try:
            kres = kernel.run(case, args.prefix, n)
        except kernel.KernelError as e:
            print("ERROR %s: kernel side: %s" % (case.name, e))
            tally["ERROR"].append(case.name)
            continue
        if args.kernel_only:
            print("KERNEL %s (%d packets, %.2fs)" % (
                case.name, len(case.packets), time.monotonic() - t1))
            for l in compare.describe(case, kres):
                print(l)
            continue
        wd = os.path.join(workroot or "", case.name)
        problems = []
        try:
            if args.self_check:
                nres = kernel.run(case, args.prefix, n)
                problems = compare.compare(case, kres, nres, True)
            else:
                # The ruleset text alone first: restore + save in netsieve
                # against the kernel's save right after the restore.
                try:
                    text0 = replay.rules_roundtrip(case, netsieve)
                    problems = compare.compare_text(
                        "rules saved right after iptables-restore (before "
                        "any packet)", kres.rules0, text0)
                except replay.ReplayError as e:
                    problems = ["netsieve side: %s" % e]
                if not args.rules_only:
                    nres = replay.run(case, netsieve, wd, kres.times)
                    problems += compare.compare(case, kres, nres)
                    # The kernel log is shared by the whole machine: when
                    # only the log lines differ, run the case again (up to
                    # twice) before believing it; the rest of the kernel
                    # side is deterministic (--self-check).
                    tries = 0
                    while (tries < 2 and problems and
                           problems == compare.compare_log(case, kres,
                                                           nres)):
                        tries += 1
                        kres = kernel.run(case, args.prefix, n)
                        nres = replay.run(case, netsieve, wd, kres.times)
                        problems = compare.compare(case, kres, nres)
                    if tries and not problems:
                        print("note: %s: log lines matched on attempt %d "
                              "(another program logged at the same time)"
                              % (case.name, tries + 1))
        except replay.ReplayError as e:
            problems = ["netsieve side: %s" % e]
        except kernel.KernelError as e:
            problems = ["second kernel run: %s" % e]
        if not problems and args.mutation_check and not args.rules_only:
            survivors = mutation_check(case, kres, nres)
            if survivors:
                problems = ["harness: mutants survived: %s"
                            % ", ".join(survivors)]
        if problems:
            status = "XFAIL" if case.name in known else "FAIL"
        else:
            status = "XPASS" if case.name in known else "PASS"
        tally[status].append(case.name)
        dt = time.monotonic() - t1
        if status == "PASS":
            print("PASS  %s (%.2fs)" % (case.name, dt))
        elif status == "XFAIL":
            print("XFAIL %s: %s" % (case.name, known[case.name]))
            if args.verbose:
                for p in problems:
                    print("  " + p)
        elif status == "XPASS":
            print("XPASS %s: passes now; remove it from "
                  "tests/kernel/known-failures" % case.name)
        else:
            print("FAIL  %s (work dir %s)" % (case.name, wd))
            if case.path:
                print("  case file: %s" % os.path.relpath(case.path))
            else:
                print("  regenerate: tests/kernel/run.sh BUILD --seed %d "
                      "--dump DIR" % args.seed)
            for p in problems:
                print("  " + p)
            if not args.rules_only:
                print("  kernel did:")
                for l in compare.describe(case, kres):
                    print("  " + l)
        if args.verbose and status != "FAIL":
            for l in compare.describe(case, kres):
                print("  " + l)
    print("kernel fidelity: %d cases in %.1fs: %s" % (
        len(cases), time.monotonic() - t0,
        ", ".join("%d %s" % (len(v), k) for k, v in tally.items() if v)))
    unknown = [k for k in known if k not in {c.name for c in cases}]
    if unknown and not args.filter:
        print("note: known-failures lists cases that did not run: %s"
              % " ".join(unknown))
    if errors or tally["FAIL"] or tally["ERROR"]:
        return 1
    if workroot and not args.keep:
        shutil.rmtree(workroot, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
