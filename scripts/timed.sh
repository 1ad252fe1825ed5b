#!/usr/bin/env bash
# Runs one `make` stage and prints how long it took, so CI logs show where the time goes.
set -uo pipefail
name="$1"; shift
printf '\n==> %s: %s\n' "$name" "$*"
start=$(date +%s)
"$@"
rc=$?
printf '==> %s: %s in %ss\n' "$name" "$([ $rc = 0 ] && echo ok || echo FAILED)" "$(( $(date +%s) - start ))"
exit $rc
