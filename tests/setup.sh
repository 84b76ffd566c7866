#!/usr/bin/env bash
# Kept for old instructions: the set-up is `bash setup.sh --tests` (see README).
exec bash "$(dirname "$0")/../setup.sh" --tests
