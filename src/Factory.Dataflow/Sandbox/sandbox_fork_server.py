"""Factory's fork server: a warm interpreter that starts each gate run as a child confined like a fresh sandbox.

It runs inside bubblewrap (read-only machine, no network, its own PID namespace), as root with only CAP_SYS_ADMIN,
CAP_NET_ADMIN, CAP_SETUID, CAP_SETGID and CAP_SETPCAP, because each child builds its own confinement from that: it never runs
model-written code itself. At start it imports the tool (pytest, coverage, pytest-cov) and the installed third-party
packages it is told to, once; it never imports, opens or changes into a worktree. Then, per request (one JSON line on
stdin), it forks a child that:

1. points stdin at /dev/null and stdout/stderr at files of the run's own folder, closes every other descriptor
   (the server's pipes to Factory included), and joins the run's cgroups (memory, processes, CPU) by writing 0;
2. unshares a mount, PID, IPC, UTS and network namespace (its loopback up, shared with no other run), hides every worktree and run folder (and the server's /tmp and
   /dev/shm) under fresh empty file systems, binds back only its own worktree (read-only when asked) and writable
   paths at their own paths, and makes the cgroup folders read-only again;
3. forks an init (pid 1, which reaps) and the tool (pid 2) under a fresh /proc, as bubblewrap does; the tool then
   takes the launcher's steps (sandbox_launcher.py, loaded for its functions): resource limits, the run's own user
   id with no capability, no_new_privs, the seccomp filter, and the kernel's word that all of it holds, plus a check
   that its view holds no other request's folder, before it writes its report and runs the module.

The server answers one JSON line per request when its child ends: {"id": ..., "exit": N}. argv[1] is the launcher's
source; argv[2] is {"preload": [...], "thirdParty": [...]}.
Run as "/usr/bin/python3 -I -B -u -c <this> ...", the same flags ToolBootstrap gives a cold tool run.
"""

import atexit
import ctypes
import importlib
import importlib.metadata
import importlib.util
import json
import os
import runpy
import fcntl
import select
import signal
import socket
import struct
import sys
import traceback

confinement = {"__name__": "factory_sandbox_launcher"}
exec(compile(sys.argv[1], "sandbox_launcher.py", "exec"), confinement)
libc = confinement["libc"]
fail = confinement["fail"]
last_error = confinement["last_error"]
prctl = confinement["prctl"]

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
REPORT_FD = 3
# A warm run stops with this code (and a "factory-warm:" line) when a module imported in advance is not the one the run
# would import: Factory then runs it again the ordinary way.
SHADOWED_PRELOAD = 126
# Top-level third-party module name -> the file the server imported it from.
THIRD_PARTY_ORIGINS = {}


def mount(source, target, fstype, flags, data=None):
    def raw(text):
        return None if text is None else text.encode()

    if libc.mount(raw(source), raw(target), raw(fstype), ctypes.c_ulong(flags), raw(data)) != 0:
        fail(f"mount {source} on {target} ({fstype}) failed: {last_error()}")


def exit_code(status):
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def system_exit_code(value):
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    sys.stderr.write(str(value) + "\n")
    return 1


def preload(names, third_party):
    """Imports the tool's modules, then the installed third-party packages named: never the standard library's odd
    ones (they are imported when a run needs them) and never a module that is not in site- or dist-packages."""
    loaded = []
    for name in names:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except ImportError:
            pass
    for name in third_party:
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top in sys.builtin_module_names:
            continue
        try:
            spec = importlib.util.find_spec(top)
            origin = (spec.origin or "") if spec is not None else ""
            locations = list(spec.submodule_search_locations or []) if spec is not None else []
            if not any("/dist-packages/" in path or "/site-packages/" in path for path in [origin, *locations]):
                continue
            importlib.import_module(name)
            loaded.append(name)
            origin_file = getattr(sys.modules.get(top), "__file__", None)
            if origin_file:
                THIRD_PARTY_ORIGINS[top] = os.path.realpath(origin_file)
        except BaseException:  # A package that cannot be imported here is imported (and fails) in the run itself.
            pass
    # pytest looks its plugins up through the installed distributions' entry points: read them once here.
    importlib.metadata.entry_points(group="pytest11")
    return loaded


def redirect_output(run_folder):
    """stdin from /dev/null, stdout/stderr to the run's files, the report on fd 3, nothing else open."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    files = [os.open(os.path.join(run_folder, name), flags, 0o600) for name in ("stdout", "stderr", "report")]
    null = os.open("/dev/null", os.O_RDONLY)
    for target, source in ((0, null), (1, files[0]), (2, files[1]), (REPORT_FD, files[2])):
        os.dup2(source, target)
    os.closerange(REPORT_FD + 1, os.sysconf("SC_OPEN_MAX"))


def open_path(path):
    return os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)


def loopback_up():
    """The run's own network namespace has only a loopback, down: bring it up, as bubblewrap's --unshare-net does."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(control, siocgifflags, request)[:18])[1]
        fcntl.ioctl(control, siocsifflags, struct.pack("16sH", b"lo", flags | iff_up))


def build_view(request):
    """The run's own mount namespace: only its worktree and writable paths, at their own paths."""
    if libc.unshare(ctypes.c_int(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET)) != 0:
        fail("unshare failed: " + last_error())
    loopback_up()
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    worktree = request["workingDirectory"]
    targets = [(worktree, open_path(worktree), request["workingDirectoryReadOnly"])]
    targets += [(path, open_path(path), False) for path in request["writable"] if path != worktree]
    read_only = []
    for path in request["readOnly"]:
        try:
            read_only.append((path, os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)))
        except FileNotFoundError:
            pass
    size = str(request["tmpSize"])
    for folder in ("/tmp", "/dev/shm"):
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    for root in request["hidden"]:
        if os.path.isdir(root):
            mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=65536,mode=0755")
    for folder in request["readOnlyAgain"]:
        mount(None, folder, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path, descriptor, locked in targets:
        os.makedirs(path, 0o755, exist_ok=True)
        mount(f"/proc/self/fd/{descriptor}", path, None, MS_BIND)
        if locked:
            mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(descriptor)
    for path, descriptor in read_only:
        # Bound by descriptor, so a link planted at the path cannot point the bind anywhere else.
        mount(f"/proc/self/fd/{descriptor}", path, None, MS_BIND)
        mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(descriptor)


def check_view(request):
    """Refuses to run the tool when any hidden folder shows more than this run's own entries."""
    expected = {}
    for path in [request["workingDirectory"], *request["writable"]]:
        for root in request["hidden"]:
            if path.startswith(root.rstrip("/") + "/"):
                expected.setdefault(root, set()).add(path[len(root.rstrip("/")) + 1:].split("/")[0])
    for root in request["hidden"]:
        if os.path.isdir(root) and set(os.listdir(root)) != expected.get(root, set()):
            fail(f"{root} shows {sorted(os.listdir(root))}, not only this run's {sorted(expected.get(root, set()))}")
    if os.getpid() != 2:
        fail(f"the tool is pid {os.getpid()} in its PID namespace, not 2")


def confine(request):
    """The launcher's steps, then the view's check and the report; the tool starts right after."""
    confinement["set_limits"](request["limits"])
    identity = request["identity"]
    in_user_namespace = False
    confinement["drop_to"](identity["uid"], identity["gid"])
    if request["userNamespace"] != "Off":
        refused = confinement["enter_user_namespace"](identity["uid"], identity["gid"])
        if refused is not None and request["userNamespace"] == "Required":
            fail("the kernel refused a user namespace (SandboxOptions.UserNamespace is Required): " + refused)
        in_user_namespace = refused is None
    prctl(confinement["PR_SET_NO_NEW_PRIVS"], 1)
    confinement["enter"](request["workingDirectory"], sys.executable, request["writable"])
    seccomp = request.get("seccomp")
    if seccomp is not None:
        confinement["install_seccomp"](bytes.fromhex(seccomp))
    confinement["verify"](identity["uid"], identity["gid"], seccomp is not None)
    check_view(request)
    report = {"uid": os.getuid(), "userNamespace": in_user_namespace, "seccomp": seccomp is not None}
    os.write(REPORT_FD, json.dumps(report).encode())
    os.close(REPORT_FD)


def preload_check_plugin():
    """A pytest plugin that, once the project's conftests and pythonpath are in place (collection finished, no test run
    yet), checks that each third-party module imported in advance is the one sys.path would give now; a project module
    of the same name found first (its rootdir, pythonpath, a conftest's sys.path change) means the run would test the
    wrong code, so it stops for a fresh run."""
    import importlib.machinery
    import types

    # PYTEST_DONT_REWRITE: pytest would otherwise warn that this already-imported plugin cannot be rewritten, and the
    # warning would change the run's output.
    plugin = types.ModuleType("factory_warm_preloads", "Factory's warm-run check. PYTEST_DONT_REWRITE")

    def pytest_collection_finish(session):
        for name, origin in THIRD_PARTY_ORIGINS.items():
            spec = importlib.machinery.PathFinder.find_spec(name, sys.path)
            found = getattr(spec, "origin", None) if spec is not None else None
            if found and os.path.realpath(found) != origin:
                sys.stderr.write(f"factory-warm: {name} would be imported from {found}, not {origin} as imported in advance\n")
                sys.stderr.flush()
                os._exit(SHADOWED_PRELOAD)

    plugin.pytest_collection_finish = pytest_collection_finish
    return plugin


def run_tool(request):
    """What ToolBootstrap's cold start does after its preloads, then the interpreter's own exit steps."""
    os.environ.clear()
    os.environ.update(request["environment"])
    if importlib.util.find_spec(request["module"]) is None:
        sys.stderr.write(f"{sys.executable}: No module named {request['module']}\n")
        sys.stderr.flush()
        os._exit(1)
    if request["worktreeImports"]:
        sys.path.append(os.getcwd())
    check = []
    if request["module"] == "pytest" and THIRD_PARTY_ORIGINS:
        sys.modules["factory_warm_preloads"] = preload_check_plugin()
        check = ["-p", "factory_warm_preloads"]
    sys.argv = ["-c", *check, *request["arguments"]]
    code = 0
    try:
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = system_exit_code(stop.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        import threading

        threading._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def init_and_tool(request):
    """pid 1 of the run's PID namespace: a fresh /proc, then the tool as pid 2, reaping until the tool ends."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    tool = os.fork()
    if tool == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        confine(request)
        run_tool(request)
    os.close(REPORT_FD)
    while True:
        pid, status = os.wait()
        if pid == tool:
            os._exit(exit_code(status))


def child(request):
    try:
        os.umask(0o022)
        redirect_output(request["runFolder"])
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        for procs in request["cgroupProcs"]:
            with open(procs, "w") as joined:
                joined.write("0")
        build_view(request)
        init = os.fork()
        if init == 0:
            init_and_tool(request)
        os.close(REPORT_FD)
        _, status = os.waitpid(init, 0)
        os._exit(exit_code(status))
    except BaseException as error:  # Nothing of a child may return into the server's loop.
        try:
            where = traceback.extract_tb(error.__traceback__)[-1]
            os.write(2, f"factory-sandbox: the warm run could not be set up: {error!r} (line {where.lineno}: {where.line})\n".encode())
        finally:
            os._exit(confinement["SETUP_FAILED"])


def reply(message):
    os.write(1, (json.dumps(message) + "\n").encode())


def serve():
    config = json.loads(sys.argv[2])
    loaded = preload(config["preload"], config["thirdParty"])
    reply({"ready": True, "preloaded": loaded})
    running = {}  # pidfd -> (pid, request id)
    pending = b""
    while True:
        readable, _, _ = select.select([0, *running], [], [])
        for ready in readable:
            if ready != 0:
                pid, request_id = running.pop(ready)
                _, status = os.waitpid(pid, 0)
                os.close(ready)
                reply({"id": request_id, "exit": exit_code(status)})
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                return  # Factory closed the pipe: it is stopping.
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    child(request)
                running[os.pidfd_open(pid)] = (pid, request["id"])


if __name__ == "__main__":
    serve()
