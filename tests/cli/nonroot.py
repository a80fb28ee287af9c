#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The iptables tools used by a user who is not root (uid 65534).

Each command of cases/nonroot.list runs three ways, as that user:
  ref      real iptables-legacy 1.8.9 (links named iptables, iptables-save,
           iptables-restore), in a fresh network namespace, with
           XTABLES_LOCKFILE set to a lock file the user may open: netsieve
           has no xtables lock, so the reference is iptables whose only
           obstacle is the kernel ("Permission denied (you must be root)").
  denied   `netsieve` client links against a running daemon whose control
           socket (root's, mode 0600) the user cannot open.
  nodaemon the same links with no daemon at the socket path.

'denied' must equal 'ref' (exit code, stdout, stderr). 'nodaemon' must
equal 'ref' for a line marked 'same' (help, versions, parse errors: no
daemon needed) and, for a line marked 'kernel', exit 4 with the one line
"netsieve: cannot reach the daemon at PATH: No such file or directory".

The list: 'same|COMMAND' or 'kernel|COMMAND'; COMMAND runs with sh -c in a
directory holding a copy of tests/cli/files (as files/); stdin is empty
unless COMMAND has its own redirection. '#' lines are comments.

  nonroot.py NETSIEVE_BINARY [-v]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MULTI = "/usr/sbin/xtables-legacy-multi"
TOOLS = ("iptables", "iptables-save", "iptables-restore")
USER = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def load(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, cmd = line.partition("|")
            if kind not in ("same", "kernel") or not cmd:
                sys.exit("nonroot.list:%d: want 'same|CMD' or 'kernel|CMD'"
                         % n)
            cases.append((kind, cmd))
    return cases


def run(cmd, bindir, cwd, env, netns=None):
    argv = USER + ["sh", "-c", cmd]
    if netns:
        argv = ["ip", "netns", "exec", netns] + argv
    env = dict(env, PATH=bindir + ":/usr/sbin:/usr/bin:/sbin:/bin",
               LC_ALL="C")
    p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def show(what, r):
    s = "    %s: rc=%d\n" % (what, r[0])
    for name, text in (("stdout", r[1]), ("stderr", r[2])):
        for line in text.split("\n")[:12]:
            if line:
                s += "      %s| %s\n" % (name[3], line)
    return s


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    binary = os.path.abspath(args[0])
    verbose = "-v" in args[1:]
    cases = load(os.path.join(HERE, "cases", "nonroot.list"))

    top = tempfile.mkdtemp(prefix="nsnonroot")
    os.chmod(top, 0o755)
    work = os.path.join(top, "work")
    shutil.copytree(os.path.join(HERE, "files"), os.path.join(work, "files"))
    refbin = os.path.join(top, "ref")
    nsbin = os.path.join(top, "ns")
    os.makedirs(refbin)
    os.makedirs(nsbin)
    shutil.copy(binary, os.path.join(nsbin, "netsieve"))
    for t in TOOLS:
        os.symlink(MULTI, os.path.join(refbin, t))
        os.symlink("netsieve", os.path.join(nsbin, t))
    for root, dirs, files in os.walk(top):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if f == "netsieve" else 0o644)
    lock = os.path.join(top, "xtables.lock")
    open(lock, "w").close()
    os.chmod(lock, 0o666)
    sock = os.path.join(top, "netsieve.sock")
    nosock = os.path.join(top, "nodaemon.sock")
    netns = "nsnonroot%d" % os.getpid()

    subprocess.run(["ip", "netns", "add", netns], check=True)
    daemon = subprocess.Popen([binary, "daemon", "--socket", sock,
                               "--foreground"],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    bad = 0
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        else:
            print("nonroot: the daemon did not create %s" % sock)
            return 1
        if os.stat(sock).st_mode & 0o077:
            print("nonroot: %s is open to others: nothing is tested"
                  % sock)
            return 1
        for kind, cmd in cases:
            ref = run(cmd, refbin, work, dict(os.environ,
                                              XTABLES_LOCKFILE=lock),
                      netns)
            den = run(cmd, nsbin, work, dict(os.environ,
                                             NETSIEVE_SOCKET=sock))
            nod = run(cmd, nsbin, work, dict(os.environ,
                                             NETSIEVE_SOCKET=nosock))
            want_nod = ref if kind == "same" else (
                4, "", "netsieve: cannot reach the daemon at %s: No such "
                "file or directory\n" % nosock)
            msg = ""
            if den != ref:
                msg += "  denied differs from iptables-legacy:\n" + \
                    show("want", ref) + show("got", den)
            if nod != want_nod:
                msg += "  no daemon (%s):\n" % kind + \
                    show("want", want_nod) + show("got", nod)
            if msg:
                bad += 1
                print("MISMATCH nonroot: $ %s\n%s" % (cmd, msg), end="")
            elif verbose:
                print("ok: %s (rc %d)" % (cmd, ref[0]))
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        subprocess.run(["ip", "netns", "del", netns])
        shutil.rmtree(top, ignore_errors=True)
    print("nonroot: %d commands as uid 65534 (iptables-legacy, denied "
          "socket, no daemon), %d differ" % (len(cases), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
