#!/usr/bin/env bash
# Checks that this machine can run the gates' sandbox the way Factory runs it (docs/security.md, "Sandbox"), and says
# which layers the kernel allows, so a fallback is visible before the first request rather than in a log:
#   - bubblewrap 0.8 or later (--size and --perms on a tmpfs, --disable-userns);
#   - the launcher (src/Factory.Dataflow/Sandbox/sandbox_launcher.py) on Debian's /usr/bin/python3, standard library only;
#   - ruff and the Python tools readable and runnable by the sandbox's unprivileged user, inside the sandbox, started
#     through the real launcher: as root it drops to a spare user id exactly as Factory does.
# Called by scripts/setup-gates.sh. Changes nothing on the machine. Exits non-zero with a message naming what fails.
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly LAUNCHER="$REPO_ROOT/src/Factory.Dataflow/Sandbox/sandbox_launcher.py"
readonly PYTHON=/usr/bin/python3
# Outside SandboxOptions' default range (0x70000000 + 256), so no running sandbox holds it.
readonly CHECK_UID=$((0x7000FFFE))

say() { printf 'setup-sandbox: %s\n' "$*"; }
fail() { printf 'setup-sandbox: ERROR: %s\n' "$*" >&2; exit 1; }

command -v bwrap >/dev/null 2>&1 || fail "bwrap is not installed (apt-get install bubblewrap)"
version="$(bwrap --version | awk '{print $2}')"
[[ "$(printf '%s\n0.8.0\n' "$version" | sort -V | head -n1)" == "0.8.0" ]] \
  || fail "bubblewrap $version is too old: the sandbox needs 0.8.0 or later (--size, --perms on --tmpfs, --disable-userns)"
"$PYTHON" -I -S -c 'import ctypes, json, resource' || fail "$PYTHON cannot import ctypes, json and resource, which the launcher needs"

if [[ $(id -u) -eq 0 ]]; then
  mode=(--cap-drop ALL --cap-add CAP_SETUID --cap-add CAP_SETGID --cap-add CAP_SETPCAP)
  identity="{\"uid\": $CHECK_UID, \"gid\": $CHECK_UID}"
  made_by_bwrap=false
else
  mode=(--unshare-user --disable-userns)
  identity=null
  made_by_bwrap=true
fi

# Runs "$@" in a sandbox built as Factory builds it (read-only root, private bounded /tmp and /dev/shm, hidden homes,
# no network, own PID namespace, the launcher with no capability left). Prints the launcher's report, then the output.
in_sandbox() {
  local plan="{\"workingDirectory\": \"/\", \"identity\": $identity, \"userNamespace\": \"IfAvailable\", \"userNamespaceMadeByBubblewrap\": $made_by_bwrap, \"limits\": {}, \"seccomp\": null, \"writable\": []}"
  bwrap --ro-bind / / --dev /dev --proc /proc \
    --perms 1777 --size 16777216 --tmpfs /tmp --perms 1777 --size 16777216 --tmpfs /dev/shm --tmpfs /root --tmpfs /home \
    --unshare-net --unshare-pid --unshare-ipc --unshare-uts --die-with-parent --new-session --clearenv \
    "${mode[@]}" --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME /tmp --chdir / \
    -- "$PYTHON" -I -S -c "$(cat "$LAUNCHER")" "$plan" "$@" 2>&1
}

report="$(in_sandbox /bin/true)" || fail "bubblewrap and the launcher cannot build the sandbox here:
$report"
say "the sandbox starts (bubblewrap $version; launcher report: ${report#*factory-sandbox })"
[[ "$report" == *'"userNamespace": true'* ]] \
  || say "note: the kernel refuses unprivileged user namespaces; as root the sandbox runs without one (SandboxOptions.UserNamespace)"

ruff_path="$(command -v ruff)" || fail "ruff is not on PATH; run scripts/setup-gates.sh"
output="$(in_sandbox "$ruff_path" --version)" \
  || fail "ruff ($ruff_path -> $(readlink -f "$ruff_path")) does not run as the sandbox's user inside the sandbox, which hides /tmp, /root and /home and has no capabilities; install it world-readable elsewhere (e.g. /usr/local):
$output"
say "ruff runs inside the sandbox as an unprivileged user"
output="$(in_sandbox "$PYTHON" -c 'import mypy, pytest, pytest_cov, fastapi, httpx')" \
  || fail "the gates' Python packages do not import as the sandbox's user:
$output"
say "mypy, pytest, pytest-cov, fastapi and httpx import inside the sandbox"

# Where the memory and process bounds will come from (Factory logs the same at start).
own_v2="/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)"
memory_v1="$(awk '$5 == "/sys/fs/cgroup/memory" {print $5}' /proc/self/mountinfo | head -n1)"
pids_v1="$(awk '$5 == "/sys/fs/cgroup/pids" {print $5}' /proc/self/mountinfo | head -n1)"
if [[ -f "$own_v2/cgroup.controllers" ]] && grep -qw memory "$own_v2/cgroup.controllers" && grep -qw pids "$own_v2/cgroup.controllers"; then
  say "cgroup v2 offers memory and pids at $own_v2 (Factory uses them if it may delegate there)"
elif [[ -n "$memory_v1" && -w "$memory_v1" && -n "$pids_v1" && -w "$pids_v1" ]]; then
  say "cgroup v1 memory and pids hierarchies are writable: the memory and process bounds cover the whole sandbox"
else
  say "note: no writable cgroup: memory and processes are bounded per process by resource limits (see docs/security.md)"
fi
say "done"
