#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Conformance runner for iptables' extensions/*.t files.

Semantics (see ../shared/conformance/README.md):
  OK      `iptables -A CHAIN RULE` succeeds, iptables-save shows
          `-A CHAIN SAVE` (SAVE "=" means RULE), `iptables -D CHAIN RULE`
          removes it again.
  FAIL    `iptables -A` exits non-zero and the ruleset does not change.
  NOMATCH the rule loads but its save form differs from the rule.
A `LEGACY` variant's result replaces the default one. `@cmd`/`%cmd` lines
run a command first. Every file runs in one fresh `netsieve shell`.
"""
import os
import subprocess
import sys


def parse_file(path):
    """Yield ('cmd', text) and ('test', table, chains, rule, save, result)."""
    table, chains = "filter", []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line[0] in "@%":
                yield ("cmd", lineno, line[1:].strip())
                continue
            if line.startswith(":"):
                chains = line[1:].split(",")
                continue
            if line.startswith("*"):
                table = line[1:].strip()
                continue
            fields = line.split(";")
            if len(fields) < 3:
                continue
            rule, save, result = fields[0], fields[1], fields[2]
            rest = fields[3:]
            for i in range(0, len(rest) - 1, 2):
                if rest[i] == "LEGACY":
                    result = rest[i + 1]
            if save == "=":
                save = rule
            yield ("test", lineno, table, chains, rule, save, result)


def run_shell(netsieve, lines):
    """Run lines in one `netsieve shell -x`; return [(stdout, rc)]."""
    text = "".join(l + "\n" for l in lines)
    p = subprocess.run([netsieve, "shell", "-x"], input=text,
                       capture_output=True, text=True, timeout=300)
    res, cur = [], []
    for l in p.stdout.split("\n"):
        if l.startswith("# rc="):
            res.append(("\n".join(cur), int(l[5:])))
            cur = []
        else:
            cur.append(l)
    if len(res) != len(lines):
        raise RuntimeError("shell returned %d results for %d commands:\n%s"
                           % (len(res), len(lines), p.stderr[-2000:]))
    return res


def strip_comments(save):
    return [l for l in save.split("\n") if l and not l.startswith("#")]


def run_file(netsieve, path):
    """Return a list of (key, ok, detail) for every (test, chain)."""
    items = list(parse_file(path))
    # Pass 1: the commands, four per test: save, -A, save, -D, save.
    cmds, plan = [], []
    for it in items:
        if it[0] == "cmd":
            cmds.append(it[2])
            plan.append(("cmd",))
            continue
        _, lineno, table, chains, rule, save, result = it
        t = "" if table == "filter" else "-t %s " % table
        for chain in chains:
            base = len(cmds)
            cmds += ["iptables-save -t %s" % table,
                     "iptables %s-A %s %s" % (t, chain, rule),
                     "iptables-save -t %s" % table,
                     "iptables %s-D %s %s" % (t, chain, rule),
                     "iptables-save -t %s" % table]
            plan.append(("test", base, lineno, chain, rule, save, result))
    res = run_shell(netsieve, cmds)
    out = []
    for p in plan:
        if p[0] != "test":
            continue
        _, b, lineno, chain, rule, save, result = p
        before, add, mid, dele, after = res[b:b + 5]
        key = "%s:%s" % (os.path.basename(path), rule)
        want = "-A %s %s" % (chain, save)
        got = [l for l in strip_comments(mid[0]) if l.startswith("-A ")]
        added = [l for l in got
                 if l not in strip_comments(before[0])]
        ok, why = True, ""
        if result == "OK":
            if add[1] != 0:
                ok, why = False, "-A exited %d" % add[1]
            elif want not in got:
                ok, why = False, "save shows %r, want %r" % (added, want)
            elif dele[1] != 0:
                ok, why = False, "-D exited %d" % dele[1]
            elif strip_comments(after[0]) != strip_comments(before[0]):
                ok, why = False, "-D did not restore the ruleset"
        elif result == "FAIL":
            if add[1] == 0:
                ok, why = False, "-A succeeded (save: %r)" % added
            elif strip_comments(mid[0]) != strip_comments(before[0]):
                ok, why = False, "failed -A changed the ruleset"
        elif result == "NOMATCH":
            if add[1] != 0:
                ok, why = False, "-A exited %d" % add[1]
            elif want in got:
                ok, why = False, "save form matches the rule"
        else:
            ok, why = False, "unknown result %r" % result
        out.append((key, chain, lineno, ok, why))
    return out


def load_expected(path):
    exp = {}
    if not os.path.exists(path):
        return exp
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3 or not parts[2].strip():
                sys.exit("expected-failures: need FILE<TAB>RULE<TAB>REASON: "
                         + line)
            exp["%s:%s" % (parts[0], parts[1])] = parts[2]
    return exp


def main():
    netsieve, tdir, expfile = sys.argv[1:4]
    only = sys.argv[4:]
    if not os.path.isdir(tdir):
        print("conformance: %s not found, skipping" % tdir)
        return 0
    expected = load_expected(expfile)
    files = sorted(f for f in os.listdir(tdir) if f.endswith(".t"))
    if only:
        files = [f for f in files if f in only]
    npass = nxfail = 0
    bad = []
    seen = set()
    for f in files:
        for key, chain, lineno, ok, why in run_file(netsieve,
                                                    os.path.join(tdir, f)):
            seen.add(key)
            if key in expected:
                if ok:
                    bad.append("XPASS %s:%d [%s] %s (listed: %s)" % (
                        f, lineno, chain, key.split(":", 1)[1],
                        expected[key]))
                else:
                    nxfail += 1
                continue
            if ok:
                npass += 1
            else:
                bad.append("FAIL %s:%d [%s] %s: %s" % (
                    f, lineno, chain, key.split(":", 1)[1], why))
    if not only:
        for key in expected:
            if key not in seen:
                bad.append("STALE expected-failures entry: %s" % key)
    for b in bad:
        print(b)
    print("conformance: %d passed, %d expected failures, %d problems"
          % (npass, nxfail, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
