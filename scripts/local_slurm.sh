#!/usr/bin/env bash
# A single-node Slurm cluster on this machine (Debian's slurm-wlm and munge), so the grid's
# `executor: slurm` can be tested for real. Idempotent: installs only what is missing, writes
# /etc/slurm/slurm.conf only when it differs, starts only the daemons that are not running,
# then waits until the node is idle.
#   scripts/local_slurm.sh        install (if needed), configure, start, wait for the node
#   scripts/local_slurm.sh stop   stop slurmd, slurmctld and munged
# Without root or apt it says why in one line and exits 0: it never breaks a workstation.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
STATE=/var/lib/slurm
LOGS=/var/log/slurm
PACKAGES=(munge slurmctld slurmd slurm-client)

say() { echo "local_slurm: $*"; }

# a daemon that forked leaves a zombie behind until its parent shell exits: not "running"
running() { ps -C "$1" -o stat= 2>/dev/null | grep -qv "^Z"; }

stop_daemons() {
    local name pid
    for name in slurmd slurmctld munged; do
        for pid in $(pgrep -x "$name" || true); do
            kill "$pid" 2>/dev/null || true
        done
    done
    say "stopped"
}

if [[ "$(id -u)" != 0 ]]; then
    say "not root: skipping the local Slurm cluster (the Slurm tests will skip)"
    exit 0
fi
if [[ "${1:-}" == stop ]]; then
    stop_daemons
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no apt-get to install ${missing[*]}: skipping the local Slurm cluster"
        exit 0
    fi
    say "installing ${missing[*]}"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends "${missing[@]}"; }; } >/tmp/local_slurm_apt.log 2>&1; then
        say "apt-get could not install ${missing[*]} (see /tmp/local_slurm_apt.log): skipping"
        exit 0
    fi
fi

host=$(hostname -s)
# this machine's CPUs and memory as slurmd sees them; a larger RealMemory would drain the node
node=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
want=$(
    cat <<EOF
# written by scripts/local_slurm.sh: a single-node cluster, run as root, accounting off
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
# no cgroups in a container: track processes by their parents, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# a node that was down comes back by itself once slurmd registers again
ReturnToService=2
SlurmdTimeout=60
$node State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)
changed=0
mkdir -p "$CONF_DIR" "$STATE/slurmctld" "$STATE/slurmd" "$LOGS"
if [[ ! -f "$CONF" ]] || [[ "$(cat "$CONF")" != "$want" ]]; then
    printf '%s\n' "$want" >"$CONF"
    changed=1
    say "wrote $CONF"
fi

if ! running munged; then
    [[ -f /etc/munge/munge.key ]] || { mungekey --create && chown munge:munge /etc/munge/munge.key; }
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged
fi
if ((changed)); then  # daemons started on an older config read the new one on restart
    for name in slurmd slurmctld; do
        for pid in $(pgrep -x "$name" || true); do kill "$pid" || true; done
    done
    while running slurmd || running slurmctld; do sleep 0.2; done
fi
running slurmctld || slurmctld
running slurmd || slurmd

for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    case "$state" in
        idle* | mixed* | allocated*)
            say "node $host is $state"
            exit 0
            ;;
        drain* | down* | fail*)
            scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
            ;;
    esac
    sleep 1
done
say "node $host did not become idle (state: ${state:-none}; see $LOGS): the Slurm tests will skip"
exit 0
