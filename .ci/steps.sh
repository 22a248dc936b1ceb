# Sourced by .ci/run: named steps, each one's output on the console as it comes and in a log file of its
# own, and an exit trap that, when a step fails, ends CI's output with that step's name, its exit status
# and the last lines of its output, so that the end of a red CI's output says what failed without a search
# through thousands of lines of passing steps. Background jobs run in a process group of their own, which
# the trap ends as a whole (an install's npm too, not only its shell) when CI stops early.
#   step NAME                 starts a step (prints its name and the seconds since CI started)
#   run COMMAND…              runs COMMAND in the current step: its output to the console and the step's log
#   background NAME COMMAND…  starts COMMAND in the background, its output to a log of its own; sets
#                             background_pid
#   wait_background NAME PID  as a step: waits for the job, fails with its exit status and shows the end
#                             of its log on failure, and its last lines when it succeeded
# CI_TAIL_LINES (80): how many lines of a failed step's output the trap repeats.
ci_started=$(date +%s)
ci_logs=$(mktemp -d "${TMPDIR:-/tmp}/ci-logs.XXXXXX")
ci_step='(before the first step)'
ci_step_log=/dev/null
ci_step_count=0
ci_background_pids=()

ci_elapsed() {
	echo "$(($(date +%s) - ci_started))"
}

step() {
	ci_step_count=$((ci_step_count + 1))
	ci_step=$1
	ci_step_log="$ci_logs/step-$(printf '%02d' "$ci_step_count").log"
	: >"$ci_step_log"
	echo
	echo "=== $1 ($(ci_elapsed) s since start)"
}

run() {
	# pipefail (set by .ci/run) makes this the command's exit status, not tee's.
	"$@" 2>&1 | tee -a "$ci_step_log"
}

background() {
	local name=$1
	shift
	# Job control for this one job only: the job gets a process group of its own (its id is the job's
	# pid), so that stopping it reaches every process it started.
	set -m
	"$@" </dev/null >"$ci_logs/$name.log" 2>&1 &
	background_pid=$!
	set +m
	ci_background_pids+=("$background_pid")
}

wait_background() {
	local name=$1 pid=$2 status=0
	step "waiting for $name"
	ci_step_log="$ci_logs/$name.log"
	wait "$pid" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "$name exited with status $status"
		return "$status"
	fi
	tail -n 3 "$ci_step_log"
}

ci_stop_background() {
	local pid
	for pid in "${ci_background_pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
}

ci_on_exit() {
	local status=$?
	ci_stop_background
	if [ "$status" -eq 0 ]; then
		rm -rf "$ci_logs"
		return 0
	fi
	echo
	echo "=== step \"$ci_step\" failed (exit $status) at $(ci_elapsed) s since start; the last ${CI_TAIL_LINES:-80} lines of its output:"
	tail -n "${CI_TAIL_LINES:-80}" "$ci_step_log"
	echo "=== CI failed: step \"$ci_step\" failed (exit $status); every step's whole output is in $ci_logs"
	exit "$status"
}

trap ci_on_exit EXIT
# A cancelled run (Ctrl+C, the CI service's SIGTERM) ends through the exit trap too, with the usual status.
trap 'exit 130' INT
trap 'exit 143' TERM
