#!/usr/bin/env bash
# A real Slurm test cluster on this machine (issue 16 item 4), for the tests and .ci/run:
# munged, slurmctld, two slurmd nodes (n1 on the host, n2 in its own network namespace joined by
# a veth pair) and slurmrestd as the unprivileged `slurm` user: on a unix socket with
# rest_auth/local, and on 127.0.0.1:6820 with rest_auth/jwt (the v0.0.38 API only: the dbv0.0.38
# one needs slurmdbd). Everything lives under one state directory; every daemon's
# pid is recorded there, and `stop` ends exactly those pids and removes the namespace.
#
#   scripts/slurm/cluster.sh start|stop|status|env [STATE_DIR]     (default /tmp/lightbox-slurm)
#
# Needs root and Debian's slurmctld slurmd slurmrestd slurm-client munge iproute2 (22.05).
# `env` prints shell assignments a test can read (socket, conf, addresses, JWTs for `slurm` and
# root: jobs submitted with root's run as root and can read a checkout only root may enter).
set -euo pipefail

cmd="${1:-status}"
D="$(realpath -m "${2:-${LIGHTBOX_SLURM_DIR:-/tmp/lightbox-slurm}}")"
NS="${LIGHTBOX_SLURM_NETNS:-lightbox-slurm}"
HOST_IF=lbslurm0          # host end of the veth pair (interface names are at most 15 chars)
NS_IF=lbslurm1            # the namespace's end
HOST_ADDR=10.212.0.1      # a private range of its own; main/testing/netns.ts uses 10.213.x.0/24
NODE2_ADDR=10.212.0.2
REST_USER=slurm           # created by Debian's slurm packages; slurmrestd refuses to run as root
CTLD_HOST="$(hostname -s)" # slurmctld refuses a SlurmctldHost that is not this host's name
SOCK="$D/rest/slurmrestd.socket"
REST_PORT="${LIGHTBOX_SLURM_REST_PORT:-6820}"  # slurmrestd on 127.0.0.1 too, for JWT over TCP
COMPONENTS=(munged slurmctld slurmd-n1 slurmd-n2 slurmrestd slurmrestd-jwt)

die() { echo "cluster.sh: $*" >&2; exit 1; }
pidfile() { echo "$D/pids/$1.pid"; }
# A zombie counts as ended: the daemons are reparented, and not every init reaps them.
running() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
alive() { # a recorded pid that still runs the expected program (pids are reused)
  local f; f="$(pidfile "$1")"
  [ -s "$f" ] || return 1
  local pid; pid="$(cat "$f")"
  running "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "${1%%-*}" ]
}
all_alive() { local c; for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs="$1" what="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || { echo "cluster.sh: timed out waiting for $what; logs in $D/logs" >&2; tail -n 20 "$D"/logs/*.log >&2 || true; return 1; }
    sleep 0.2
  done
}
slurm_env() { export SLURM_CONF="$D/slurm.conf"; }
launch() { # launch NAME COMMAND...: start in its own session, record its pid
  local name="$1"; shift
  setsid "$@" </dev/null >>"$D/logs/$name.out" 2>&1 9>&- &  # 9: the lock, not for daemons
  echo $! >"$(pidfile "$name")"
}

write_config() {
  mkdir -p "$D"/{munge,ctld,spool/n1,spool/n2,pids,logs,rest,jobs}
  chmod 755 "$D" "$D/rest" "$D/logs"
  chmod 1777 "$D/jobs"                       # job outputs, written as the submitting user
  chown munge:munge "$D/munge"; chmod 700 "$D/munge"
  if [ ! -s "$D/munge/munge.key" ]; then
    dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
  fi
  chown munge:munge "$D/munge/munge.key"; chmod 400 "$D/munge/munge.key"
  mkdir -p "$D/munge-socket"; chown munge:munge "$D/munge-socket"; chmod 755 "$D/munge-socket"
  if [ ! -s "$D/jwt.key" ]; then dd if=/dev/urandom of="$D/jwt.key" bs=32 count=1 status=none; fi
  chmod 600 "$D/jwt.key"
  cat >"$D/slurm.conf" <<CONF
# Written by scripts/slurm/cluster.sh for a test cluster; not for production.
ClusterName=lightbox
SlurmctldHost=$CTLD_HOST($HOST_ADDR)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge-socket/munge.socket
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$D/jwt.key
CryptoType=crypto/munge
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/ctld/slurmctld.pid
SlurmdPidFile=$D/spool/slurmd-%n.pid
SlurmctldLogFile=$D/logs/slurmctld.log
SlurmdLogFile=$D/logs/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
# A lost node is declared DOWN after 10 s and comes back by itself when its slurmd returns.
SlurmdTimeout=10
ReturnToService=2
KillWait=5
InactiveLimit=0
MinJobAge=600
NodeName=n1 NodeAddr=$HOST_ADDR CPUs=2 RealMemory=2048 Features=host State=UNKNOWN
NodeName=n2 NodeAddr=$NODE2_ADDR CPUs=2 RealMemory=2048 Features=netns State=UNKNOWN
PartitionName=render Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
CONF
  chmod 644 "$D/slurm.conf"
}

make_netns() {
  [ -e "/run/netns/$NS" ] || ip netns add "$NS"
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF" netns "$NS"
  fi
  ip addr replace "$HOST_ADDR/24" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" addr replace "$NODE2_ADDR/24" dev "$NS_IF"
  ip -n "$NS" link set "$NS_IF" up
  ip -n "$NS" link set lo up
}

start() {
  [ "$(id -u)" = 0 ] || die "needs root (daemons, network namespace)"
  local b; for b in munged slurmctld slurmd slurmrestd sinfo nsenter ip setpriv; do
    command -v "$b" >/dev/null || die "$b is missing: apt-get install slurmctld slurmd slurmrestd slurm-client munge iproute2"
  done
  mkdir -p "$D"
  exec 9>"$D/.lock"; flock 9          # concurrent starts (parallel test files) run one at a time
  if all_alive; then echo "cluster.sh: already running in $D"; return 0; fi
  stop_daemons                        # a partial cluster is restarted whole
  write_config
  make_netns
  slurm_env
  launch munged munged -F --force --key-file="$D/munge/munge.key" --socket="$D/munge-socket/munge.socket" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/logs/munged.log" --seed-file="$D/munge/munged.seed"
  wait_for 10 munged test -S "$D/munge-socket/munge.socket"
  launch slurmctld slurmctld -D -i -f "$D/slurm.conf"
  wait_for 20 slurmctld scontrol ping
  launch slurmd-n1 slurmd -D -N n1 -f "$D/slurm.conf"
  # nsenter, not `ip netns exec`: that one remounts /sys, and slurmd dies on it.
  launch slurmd-n2 nsenter --net="/run/netns/$NS" slurmd -D -N n2 -f "$D/slurm.conf"
  rm -f "$SOCK"
  chown "$REST_USER" "$D/rest"
  launch slurmrestd setpriv --reuid="$REST_USER" --regid="$REST_USER" --init-groups \
    slurmrestd -s openapi/v0.0.38 -a rest_auth/local -f "$D/slurm.conf" "unix:$SOCK"
  # A JWT is passed through to slurmctld only by a slurmrestd that talks auth/jwt itself
  # (SLURM_JWT=daemon); that one cannot do rest_auth/local (munge), hence a second one.
  launch slurmrestd-jwt env SLURM_JWT=daemon setpriv --reuid="$REST_USER" --regid="$REST_USER" --init-groups \
    slurmrestd -s openapi/v0.0.38 -a rest_auth/jwt -f "$D/slurm.conf" "127.0.0.1:$REST_PORT"
  wait_for 20 "slurmrestd's socket" test -S "$SOCK"
  wait_for 20 "slurmrestd on 127.0.0.1:$REST_PORT" bash -c "exec 3<>/dev/tcp/127.0.0.1/$REST_PORT"
  wait_for 40 "both nodes idle" nodes_idle
  echo "cluster.sh: running in $D (nodes n1 on the host, n2 in netns $NS at $NODE2_ADDR; REST at $SOCK)"
}
nodes_idle() { [ "$(sinfo -h -N -o '%N %t' | grep -c ' idle$')" = 2 ]; }

stop_daemons() {
  local c pid
  # Jobs first, while slurmd can still end their steps (a slurmstepd outlives a killed slurmd).
  if alive slurmctld; then
    slurm_env
    squeue -h -o %i 2>/dev/null | xargs -r scancel 2>/dev/null || true
    for _ in $(seq 100); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for c in slurmrestd-jwt slurmrestd slurmd-n2 slurmd-n1 slurmctld munged; do
    if alive "$c"; then
      pid="$(cat "$(pidfile "$c")")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do running "$pid" || break; sleep 0.1; done
      running "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pidfile "$c")"
  done
}
stop() {
  [ -d "$D" ] || { echo "cluster.sh: nothing in $D"; return 0; }
  exec 9>"$D/.lock"; flock 9
  stop_daemons
  ip link del "$HOST_IF" 2>/dev/null || true
  [ -e "/run/netns/$NS" ] && ip netns del "$NS"
  echo "cluster.sh: stopped (state kept in $D)"
}

status() {
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    if alive "$c"; then echo "$c running (pid $(cat "$(pidfile "$c")"))"; else echo "$c stopped"; rc=3; fi
  done
  if [ $rc = 0 ]; then slurm_env; sinfo -N -o '%N %t %c %m' || rc=3; fi
  return $rc
}

print_env() {
  all_alive || die "not running in $D"
  slurm_env
  local token root_token
  token="$(scontrol token username="$REST_USER" lifespan=7200 | sed -n 's/^SLURM_JWT=//p')"
  root_token="$(scontrol token username=root lifespan=7200 | sed -n 's/^SLURM_JWT=//p')"
  cat <<ENV
SLURM_CONF=$D/slurm.conf
LIGHTBOX_SLURM_SOCKET=$SOCK
LIGHTBOX_SLURM_REST_URL=http://127.0.0.1:$REST_PORT
LIGHTBOX_SLURM_USER=$REST_USER
LIGHTBOX_SLURM_JWT=$token
LIGHTBOX_SLURM_ROOT_JWT=$root_token
LIGHTBOX_SLURM_HOST_ADDR=$HOST_ADDR
LIGHTBOX_SLURM_NODE2_ADDR=$NODE2_ADDR
LIGHTBOX_SLURM_NETNS=$NS
LIGHTBOX_SLURM_JOBS=$D/jobs
ENV
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) print_env ;;
  *) die "usage: cluster.sh start|stop|status|env [STATE_DIR]" ;;
esac
