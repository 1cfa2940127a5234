#!/bin/sh
# build.sh REF LABEL [WORKDIR] — build Parley's server and load tool at a git ref, for compare.sh.
#
#   REF      any git ref or commit of this repository (HEAD, HEAD~1, main, 0deb722, ...)
#   LABEL    a short name for that build (B, N, ...): letters, digits, '.', '_', '-'
#   WORKDIR  where jars and runs go [${TMPDIR:-/tmp}/parley-bench]
#
# Checks REF out in a detached git worktree (WORKDIR/src/LABEL, removed afterwards), builds there with
#   mvn -q -B package -DskipTests -pl bootstrap,benchmarks -am
# (no `install`: ~/.m2 is never written) and copies
#   bootstrap/target/parley.jar        -> WORKDIR/jars/parley-LABEL.jar   (+ parley-LABEL.txt: ref, commit, subject)
#   benchmarks/target/parley-bench.jar -> WORKDIR/jars/parley-bench.jar  (+ parley-bench.txt)
# The load tool is the one of the build made LAST: build the new code (N) after the old (B) so both are driven by
# the newest tool. Uncommitted changes are not built (commit them, or build the worktree's HEAD after committing).
#
# Environment: BENCH_OFFLINE=1 adds -o (Maven offline: every dependency must already be in ~/.m2);
#              BENCH_MVN_ARGS adds any other Maven arguments (e.g. "-T 1").
set -eu

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
REF=$1 LABEL=$2 WORKDIR=${3:-${TMPDIR:-/tmp}/parley-bench}
case $LABEL in *[!A-Za-z0-9._-]*|'') echo "build.sh: LABEL must be letters, digits, '.', '_' or '-'" >&2; exit 2;; esac

REPO=$(git rev-parse --show-toplevel)
COMMIT=$(git -C "$REPO" rev-parse --verify "$REF^{commit}") || { echo "build.sh: no commit '$REF'" >&2; exit 2; }
mkdir -p "$WORKDIR/jars" "$WORKDIR/src"
WORKDIR=$(cd "$WORKDIR" && pwd)
TREE=$WORKDIR/src/$LABEL

remove_tree() { git -C "$REPO" worktree remove --force "$TREE" 2>/dev/null || rm -rf "$TREE"; }
remove_tree
trap remove_tree EXIT
trap 'exit 130' INT TERM
git -C "$REPO" worktree add --quiet --force --detach "$TREE" "$COMMIT"

OFFLINE=; [ "${BENCH_OFFLINE:-0}" = 1 ] && OFFLINE=-o
echo "build.sh: building $LABEL = $(git -C "$REPO" log -1 --format='%h %<(90,trunc)%s' "$COMMIT")"
START=$(date +%s)
# shellcheck disable=SC2086  # the Maven arguments are words on purpose
(cd "$TREE" && mvn $OFFLINE -q -B -Dstyle.color=never ${BENCH_MVN_ARGS:-} package -DskipTests -pl bootstrap,benchmarks -am) \
  || { echo "build.sh: the Maven build of $REF failed (above)" >&2; exit 1; }

cp "$TREE/bootstrap/target/parley.jar" "$WORKDIR/jars/parley-$LABEL.jar"
cp "$TREE/benchmarks/target/parley-bench.jar" "$WORKDIR/jars/parley-bench.jar"
INFO="$REF $(git -C "$REPO" log -1 --format='%H %<(120,trunc)%s' "$COMMIT")"
echo "$INFO" > "$WORKDIR/jars/parley-$LABEL.txt"
echo "$INFO" > "$WORKDIR/jars/parley-bench.txt"
echo "build.sh: $WORKDIR/jars/parley-$LABEL.jar and parley-bench.jar from ${COMMIT%"${COMMIT#????????????}"} in $(( $(date +%s) - START )) s"
