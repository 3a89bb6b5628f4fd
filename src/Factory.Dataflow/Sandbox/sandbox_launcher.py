"""Factory's sandbox launcher: the first program bubblewrap starts inside the sandbox.

It drops what is left of root's rights, sets the resource bounds, installs the seccomp filter, checks in
/proc/self/status that all of it holds, and only then replaces itself with the tool. Any failure stops the run
before the tool starts: exit 125 with a "factory-sandbox:" message on stderr. Just before the exec it writes one
line, RS + "factory-sandbox " + JSON, to stderr saying what held; the runner removes that line.

argv[1] is a JSON document written by SandboxLauncher.cs; argv[2:] is the tool's argv, its first item an absolute path.
Run as "/usr/bin/python3 -I -S -c <this>": no site packages, no PYTHON* variables and no current folder on sys.path,
so nothing in the worktree can replace a module imported here.
"""

import ctypes
import json
import os
import resource
import sys

PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2
CLONE_NEWUSER = 0x10000000
LINUX_CAPABILITY_VERSION_3 = 0x20080522
SETUP_FAILED = 125

libc = ctypes.CDLL("libc.so.6", use_errno=True)


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def fail(message: str) -> None:
    sys.stderr.write("factory-sandbox: " + message + "\n")
    sys.stderr.flush()
    os._exit(SETUP_FAILED)


def last_error() -> str:
    return os.strerror(ctypes.get_errno())


def prctl(option: int, argument: int) -> None:
    if libc.prctl(ctypes.c_int(option), ctypes.c_ulong(argument), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        fail(f"prctl({option}, {argument}) failed: {last_error()}")


def drop_bounding_and_ambient() -> None:
    """Empties the bounding set (needs CAP_SETPCAP, so before anything else is dropped) and the ambient set."""
    with open("/proc/sys/kernel/cap_last_cap") as last:
        for capability in range(int(last.read()) + 1):
            prctl(PR_CAPBSET_DROP, capability)
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)


def zero_capability_sets() -> None:
    """Empties the effective, permitted and inheritable sets (changing ids to non-root leaves the inheritable one)."""
    header = CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    if libc.capset(ctypes.byref(header), (CapData * 2)()) != 0:
        fail("capset failed: " + last_error())


def set_limits(limits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in limits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


def drop_to(uid: int, gid: int) -> None:
    """As root with CAP_SETUID/CAP_SETGID/CAP_SETPCAP only (bubblewrap kept those): become uid/gid with nothing."""
    drop_bounding_and_ambient()
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)  # All ids non-zero: the kernel clears the permitted, effective and ambient sets.
    zero_capability_sets()
    # Changing ids made the process non-dumpable, which makes /proc/self root's and its uid_map unwritable; execve
    # sets this again by the usual rules.
    prctl(PR_SET_DUMPABLE, 1)


def enter_user_namespace(uid: int, gid: int) -> str | None:
    """A user namespace mapping only uid/gid to themselves; returns why not when the kernel refuses."""
    if libc.unshare(ctypes.c_int(CLONE_NEWUSER)) != 0:
        return last_error()
    for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"), ("/proc/self/gid_map", f"{gid} {gid} 1")):
        with open(path, "w") as mapping:
            mapping.write(text)
    # The new namespace granted every capability over itself and a full bounding set: drop them all again.
    drop_bounding_and_ambient()
    zero_capability_sets()
    return None


def install_seccomp(program: bytes) -> None:
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        fail("installing the seccomp filter failed: " + last_error())


def status() -> dict[str, str]:
    with open("/proc/self/status") as lines:
        return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def verify(expected_uid: int | None, expected_gid: int | None, seccomp: bool) -> None:
    """Refuses to run the tool unless the kernel itself says every layer holds."""
    now = status()
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        if int(now[name], 16) != 0:
            fail(f"{name} is {now[name]}, not 0")
    if now.get("NoNewPrivs") != "1":
        fail("no_new_privs is not set")
    if seccomp and now.get("Seccomp") != "2":
        fail("the seccomp filter is not in force")
    uids = now["Uid"].split()
    if "0" in uids:
        fail("a user id is still 0: " + now["Uid"])
    if expected_uid is not None and uids != [str(expected_uid)] * 4:
        fail(f"user ids are {now['Uid']}, expected {expected_uid}")
    if expected_gid is not None and (now["Gid"].split() != [str(expected_gid)] * 4 or now["Groups"] != ""):
        fail(f"group ids are {now['Gid']} with groups '{now['Groups']}', expected {expected_gid} and none")


def enter(working_directory: str, executable: str, writable: list[str]) -> None:
    """Changes into the working directory as the sandbox's user, and checks it may use what it is given."""
    try:
        os.chdir(working_directory)
    except OSError as error:
        fail(f"the sandbox's user (uid {os.getuid()}) cannot enter the working directory {working_directory} ({error.strerror}): "
             "give others search permission on it and its parents (git creates worktrees that way), or leave it writable")
    if not os.access(".", os.R_OK | os.X_OK):
        fail(f"the sandbox's user (uid {os.getuid()}) cannot read the working directory {working_directory}")
    for path in writable:
        if not os.access(path, os.W_OK | os.X_OK):
            fail(f"the sandbox's user (uid {os.getuid()}) cannot write {path}")
    if not os.access(executable, os.X_OK):
        fail(f"the sandbox's user (uid {os.getuid()}) cannot run {executable}")


def main() -> None:
    config = json.loads(sys.argv[1])
    argv = sys.argv[2:]
    set_limits(config["limits"])
    identity = config.get("identity")
    user_namespace = config["userNamespace"]
    in_user_namespace = bool(config.get("userNamespaceMadeByBubblewrap"))
    if identity is not None:
        drop_to(identity["uid"], identity["gid"])
        if user_namespace != "Off":
            refused = enter_user_namespace(identity["uid"], identity["gid"])
            if refused is not None and user_namespace == "Required":
                fail("the kernel refused a user namespace (SandboxOptions.UserNamespace is Required): " + refused)
            in_user_namespace = refused is None
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    enter(config["workingDirectory"], argv[0], config["writable"])
    seccomp = config.get("seccomp")
    if seccomp is not None:
        install_seccomp(bytes.fromhex(seccomp))
    if identity is None:
        verify(None, None, seccomp is not None)
    else:
        verify(identity["uid"], identity["gid"], seccomp is not None)
    report = {"uid": os.getuid(), "userNamespace": in_user_namespace, "seccomp": seccomp is not None}
    os.write(2, ("\x1efactory-sandbox " + json.dumps(report) + "\n").encode())
    try:
        os.execv(argv[0], argv)
    except OSError as error:
        fail(f"cannot run {argv[0]}: {error}")


# Guarded: the fork server (sandbox_fork_server.py) loads this file for its functions, under another name.
if __name__ == "__main__":
    main()
